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


def user_may_publish(*, user, business) -> bool:
    """Whether ``user`` may publish ``business``'s items to Xero now: an active user who is
    an administrator of it, or a standard member given "can publish". Checked by every
    path that queues a publish (buttons, bulk, rules, resumes), not only by the views."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    membership = Membership.objects.filter(user=user, business=business).only("role", "can_publish").first()
    return membership is not None and membership.may_publish
