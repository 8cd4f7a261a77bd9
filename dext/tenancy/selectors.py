from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from dext.tenancy.models import Business, Membership, Role


def memberships_for_user(*, user) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("business").order_by("business__name")


def membership_current(*, user, business_id) -> Membership | None:
    """The user's membership of ``business_id``, or of their first business."""
    memberships = memberships_for_user(user=user)
    if business_id is not None:
        chosen = memberships.filter(business_id=business_id).first()
        if chosen is not None:
            return chosen
    return memberships.first()


def user_by_email(*, email: str):
    """The user who logs in with ``email`` (case-insensitive), or None."""
    return get_user_model()._default_manager.filter(email__iexact=email.strip()).order_by("pk").first()


def business_members(*, business: Business) -> QuerySet[Membership]:
    """Everyone in ``business``: administrators first ("administrator" sorts before "standard"), then by email."""
    return Membership.objects.filter(business=business).select_related("user").order_by("role", "user__email")


def business_administrator_count(*, business: Business) -> int:
    return Membership.objects.filter(business=business, role=Role.ADMINISTRATOR).count()


def business_by_name(*, name: str) -> Business | None:
    return Business.objects.filter(name=name).order_by("pk").first()
