from dext.tenancy.selectors import membership_current

SESSION_KEY = "current_business_id"


class CurrentBusinessMiddleware:
    """Expose the signed-in user's current business as ``request.business``.

    The business comes from the session (set by the business switcher), and is only
    ever one the user is a member of; otherwise the user's first business is used.
    Both are ``None`` for a visitor and for a signed-in user with no business (support
    staff, someone removed from their only business). They are looked up eagerly: a lazy
    object wrapping ``None`` is never ``is None``, which let such users into pages that
    need a business.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = _membership(request)
        request.business = request.membership.business if request.membership is not None else None
        return self.get_response(request)


def _membership(request):
    if not request.user.is_authenticated:
        return None
    membership = membership_current(user=request.user, business_id=request.session.get(SESSION_KEY))
    if membership is not None:
        request.session[SESSION_KEY] = membership.business_id
    return membership
