"""Sign-in security records. Login failures are django-axes' (``AccessAttempt``);
two-factor devices are django-otp's. This app adds the throttle for password reset
and sign-up."""

from django.db import models


class ThrottleEvent(models.Model):
    """One request counted against a throttle, by account (email) or by address (IP)."""

    class Kind(models.TextChoices):
        ACCOUNT = "account", "Account"
        ADDRESS = "address", "Address"

    scope = models.CharField(max_length=30)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    key = models.CharField(max_length=254)
    created = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["scope", "kind", "key", "created"], name="throttle_lookup")]
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.scope} by {self.kind} {self.key}"
