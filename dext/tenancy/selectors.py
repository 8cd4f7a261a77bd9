from django.db.models import QuerySet

from dext.tenancy.models import Membership


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
