from dext.tenancy.formats import DEFAULT_LOCALE, business_locale
from dext.tenancy.selectors import memberships_for_user


def tenancy(request):
    """The current business, the user's role in it, its locale, and the businesses for the switcher."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"business_locale": DEFAULT_LOCALE}
    membership = request.membership
    return {
        "current_business": membership.business if membership else None,
        "current_membership": membership,
        "is_business_admin": bool(membership and membership.is_administrator),
        "user_memberships": memberships_for_user(user=user),
        "business_locale": business_locale(membership.business) if membership else DEFAULT_LOCALE,
    }
