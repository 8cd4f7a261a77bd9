"""Tenancy: a Business is the tenant; a Membership gives a user a role in it.

Every tenant-owned model elsewhere subclasses :class:`BusinessOwned`, which gives it a
``business`` foreign key and a ``for_business()`` queryset method. Lookups by id go
through :func:`dext.tenancy.access.access_object`, which answers 404 for a row that
belongs to another business.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

country_code_validator = RegexValidator(r"^[A-Z]{2}\Z", "Enter a two-letter country code in capitals, e.g. GB.")
currency_code_validator = RegexValidator(r"^[A-Z]{3}\Z", "Enter a three-letter currency code in capitals, e.g. GBP.")


class Business(models.Model):
    name = models.CharField(max_length=200)
    country = models.CharField(
        max_length=2, validators=[country_code_validator], help_text="ISO 3166-1 alpha-2 code, e.g. GB."
    )
    base_currency = models.CharField(
        max_length=3, validators=[currency_code_validator], help_text="ISO 4217 code, e.g. GBP."
    )
    created = models.DateTimeField(auto_now_add=True)
    # Set by an administrator (Business Settings → Security): members must sign in with
    # two-factor authentication before they can use this business.
    require_two_factor = models.BooleanField(default=False)

    class Meta:
        verbose_name_plural = "businesses"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", "Administrator"
    STANDARD = "standard", "Standard"


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.STANDARD)
    # Standard users may publish only when an administrator grants it (Team page).
    can_publish = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "business"], name="membership_unique_user_business")]
        ordering = ["business__name", "user__email"]

    def __str__(self) -> str:
        return f"{self.user} in {self.business} ({self.get_role_display()})"

    @property
    def is_administrator(self) -> bool:
        return self.role == Role.ADMINISTRATOR

    @property
    def may_publish(self) -> bool:
        return self.is_administrator or self.can_publish


class BusinessOwnedQuerySet(models.QuerySet):
    def for_business(self, business: Business) -> "BusinessOwnedQuerySet":
        return self.filter(business=business)


class BusinessOwned(models.Model):
    """Abstract base of every tenant-owned model."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="+")

    objects = BusinessOwnedQuerySet.as_manager()

    class Meta:
        abstract = True
