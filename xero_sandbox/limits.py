"""Xero's API rate limits, counted in the database so they hold across threads and processes.

Per tenant per app: 5 calls in flight, 60 a minute, 5,000 a day; per app: 10,000 a
minute across tenants (https://developer.xero.com/documentation/guides/oauth2/limits/).
Windows are fixed (the day window resets per tenant, as Xero's does). ``time_scale``
shortens every window, so a benchmark can run "Xero's limits 10x faster".
"""

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F

from xero_sandbox import clock
from xero_sandbox.models import InFlightCall, Organisation, RateCounter, SandboxApp

DEFAULT_LIMITS = {
    "concurrent": 5,
    "minute": 60,
    "day": 5000,
    "app_minute": 10000,
    # 10 means every window is ten times shorter (a minute lasts 6 seconds).
    "time_scale": 1.0,
    # An in-flight row older than this is a crashed request and no longer counts.
    "stale_in_flight_seconds": 300,
}

MINUTE_SECONDS = 60
DAY_SECONDS = 86400


def limits() -> dict:
    """The limits in force, read at call time so tests can override the setting."""
    return {**DEFAULT_LIMITS, **getattr(settings, "XERO_SANDBOX_LIMITS", {})}


@dataclass
class RateDecision:
    allowed: bool
    headers: dict[str, str]
    problem: str = ""  # minute, day, concurrent or appminute
    retry_after: int = 0  # seconds for Retry-After; 0 sends none
    in_flight_id: int | None = None


def _window(length: float, at: dt.datetime) -> tuple[int, int]:
    """The window number containing ``at`` and the whole seconds until it ends."""
    timestamp = at.timestamp()
    number = int(timestamp // length)
    remaining = (number + 1) * length - timestamp
    return number, max(1, math.ceil(remaining))


def _counter(*, app: SandboxApp, tenant: str, window: str, number: int) -> RateCounter:
    counter, _ = RateCounter.objects.get_or_create(app=app, tenant=tenant, window=window, window_start=number)
    # Lock the row (PostgreSQL); SQLite's IMMEDIATE transactions already serialise writers.
    return RateCounter.objects.select_for_update().get(pk=counter.pk)


def rate_limit_enter(*, app: SandboxApp, organisation: Organisation) -> RateDecision:
    """Count one call, or refuse it. An allowed call is in flight until :func:`rate_limit_exit`."""
    config = limits()
    scale = float(config["time_scale"]) or 1.0
    now = clock.now()
    minute_number, minute_left = _window(MINUTE_SECONDS / scale, now)
    day_number, day_left = _window(DAY_SECONDS / scale, now)
    tenant = str(organisation.pk)
    with transaction.atomic():
        # The tenant's minute row is locked first: it serialises this tenant's calls,
        # which makes the in-flight count below exact.
        minute = _counter(app=app, tenant=tenant, window=RateCounter.Window.MINUTE, number=minute_number)
        day = _counter(app=app, tenant=tenant, window=RateCounter.Window.DAY, number=day_number)
        app_minute = _counter(app=app, tenant="", window=RateCounter.Window.APP_MINUTE, number=minute_number)
        stale_before = now - dt.timedelta(seconds=config["stale_in_flight_seconds"])
        in_flight = InFlightCall.objects.filter(app=app, organisation=organisation, started__gte=stale_before)

        def headers(extra: int) -> dict[str, str]:
            return {
                "X-DayLimit-Remaining": str(max(0, config["day"] - day.count - extra)),
                "X-MinLimit-Remaining": str(max(0, config["minute"] - minute.count - extra)),
                "X-AppMinLimit-Remaining": str(max(0, config["app_minute"] - app_minute.count - extra)),
            }

        refusal = None
        if day.count >= config["day"]:
            refusal = ("day", day_left)
        elif minute.count >= config["minute"]:
            refusal = ("minute", minute_left)
        elif app_minute.count >= config["app_minute"]:
            refusal = ("appminute", minute_left)
        elif in_flight.count() >= config["concurrent"]:
            # No Retry-After: Xero gives one for the minute and day limits only
            # (https://developer.xero.com/documentation/guides/oauth2/limits/).
            refusal = ("concurrent", 0)
        if refusal:
            return RateDecision(False, headers(0), problem=refusal[0], retry_after=refusal[1])

        RateCounter.objects.filter(pk__in=[minute.pk, day.pk, app_minute.pk]).update(count=F("count") + 1)
        call = InFlightCall.objects.create(app=app, organisation=organisation, started=now)
        return RateDecision(True, headers(1), in_flight_id=call.pk)


def rate_limit_exit(decision: RateDecision) -> None:
    if decision.in_flight_id is not None:
        InFlightCall.objects.filter(pk=decision.in_flight_id).delete()


def rate_limit_reset() -> None:
    """Forget every count (tests and the control page)."""
    RateCounter.objects.all().delete()
    InFlightCall.objects.all().delete()
