"""Throttles on the pages an attacker can hammer without a password: password reset and
sign-up, counted by account (the email typed) and by address (the client's IP) in a
sliding window. Login failures are throttled by django-axes (settings ``AXES_*``).

Counts live in the database, so every web process sees the same numbers with no extra
service, and support staff can see and clear them in the admin (Sign-in security →
Throttle events: delete to unlock).
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render
from django.utils import timezone

from dext.accounts.models import ThrottleEvent
from dext.errors import ApplicationError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rate:
    per_account: int
    per_address: int
    window: timedelta


class Throttled(ApplicationError):
    code = "throttled"

    def __init__(self, *, minutes: int, what: str):
        super().__init__(
            f"Too many {what} requests from here or for this email address. For your security, "
            f"please wait {minutes} minutes and try again."
        )


def _rate(scope: str) -> Rate:
    limits = settings.SIGN_IN_THROTTLES[scope]
    return Rate(limits["per_account"], limits["per_address"], timedelta(minutes=limits["minutes"]))


def client_address(request) -> str:
    """The client's IP as django-axes reads it (honouring ``TRUSTED_PROXY_COUNT``)."""
    return get_client_ip_address(request) or "unknown"


def throttle_hit(*, scope: str, request, account: str, what: str) -> None:
    """Count one ``scope`` request for ``account`` from the request's address, or raise
    :class:`Throttled` (counting nothing) if either is over its limit."""
    rate = _rate(scope)
    now = timezone.now()
    since = now - rate.window
    keys = {ThrottleEvent.Kind.ACCOUNT: account.strip().lower(), ThrottleEvent.Kind.ADDRESS: client_address(request)}
    limits = {ThrottleEvent.Kind.ACCOUNT: rate.per_account, ThrottleEvent.Kind.ADDRESS: rate.per_address}
    ThrottleEvent.objects.filter(scope=scope, created__lt=since).delete()
    for kind, key in keys.items():
        if ThrottleEvent.objects.filter(scope=scope, kind=kind, key=key, created__gte=since).count() >= limits[kind]:
            logger.warning("Throttled %s by %s %s", scope, kind, key, extra={"throttle": scope, "by": kind})
            raise Throttled(minutes=int(rate.window.total_seconds() // 60), what=what)
    ThrottleEvent.objects.bulk_create(ThrottleEvent(scope=scope, kind=kind, key=key, created=now) for kind, key in keys.items())


# --- django-axes hooks (settings.AXES_USERNAME_CALLABLE / AXES_LOCKOUT_CALLABLE) ---------------
def login_username(request, credentials) -> str:
    """The account a login attempt is counted against: the email, lower-cased, so
    "Admin@Example.com" and "admin@example.com" share one count."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(username).strip().lower()


def login_locked_out(request, original_response=None, credentials=None):
    """The login page again, saying why and for how long (HTTP 429). Axes has logged the
    lockout; this line says what the person was told."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    username = login_username(request, credentials)
    logger.warning("Login refused while locked out: %s", username, extra={"throttle": "login"})
    # Unbound: validating it would try to authenticate again.
    form = AuthenticationForm(request, initial={"username": username})
    return render(
        request,
        "registration/login.html",
        {"form": form, "locked_out_minutes": minutes, "next": request.POST.get("next", "")},
        status=429,
    )
