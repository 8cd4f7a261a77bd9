"""Two-factor gate: a signed-in person who has two-factor on, or must have it, can do
nothing but finish signing in (or set it up) until this session is verified with a code.

Runs after django-otp's ``OTPMiddleware`` (``request.user.is_verified()``) and the
current-business middleware (``request.business``, whose setting may require it).
"""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse

from dext.accounts.two_factor import two_factor_enabled, two_factor_required

# Whether the signed-in user has two-factor, remembered for the session so ordinary pages
# cost no extra queries; refreshed at login and whenever it changes (see views).
ENROLLED_SESSION_KEY = "two_factor_enrolled"

# Pages that must stay open to finish signing in, set up two-factor, switch to another
# business, or leave.
OPEN_URL_NAMES = {
    "logout",
    "two_factor:verify",
    "two_factor:setup",
    "two_factor:recovery_codes",
    "tenancy:switch",
    "tenancy:no_business",
}
# Not the product's pages: static files, the health check, and the Xero sandbox (which
# stands in for another site with its own login).
OPEN_PREFIXES = ("/static/", "/healthz", "/xero-sandbox/")


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified() and not self._open(request):
            if enrolled(request):
                return _to("two_factor:verify", request)
            if two_factor_required(user=user, business=request.business):
                return _to("two_factor:setup", request)
        return self.get_response(request)

    @staticmethod
    def _open(request) -> bool:
        if request.path_info.startswith(OPEN_PREFIXES):
            return True
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return True  # a 404 reveals nothing
        return match.view_name in OPEN_URL_NAMES


def enrolled(request) -> bool:
    known = request.session.get(ENROLLED_SESSION_KEY)
    if known is None:
        known = remember_enrolment(request)
    return known


def remember_enrolment(request) -> bool:
    request.session[ENROLLED_SESSION_KEY] = two_factor_enabled(user=request.user)
    return request.session[ENROLLED_SESSION_KEY]


def _to(view_name: str, request):
    target = request.get_full_path() if request.method == "GET" else "/"
    return redirect(f"{reverse(view_name)}?{urlencode({'next': target})}")
