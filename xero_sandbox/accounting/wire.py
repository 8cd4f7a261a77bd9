"""Xero's wire conventions: MS-JSON dates, query booleans, envelopes and JSON money.

Xero returns dates as ``/Date(1541116800000+0000)/`` wherever its OpenAPI spec marks a
field ``x-is-msdate`` / ``x-is-msdate-time``; xero-python refuses ISO strings there.
Clients send either that form (xero-python sends ``/Date(ms)/``) or ``YYYY-MM-DD``.
"""

import datetime as dt
import json
import re
import uuid
from decimal import Decimal, InvalidOperation

from django.http import HttpResponse

from xero_sandbox import clock

PROVIDER_NAME = "dext sandbox"
_MS_DATE = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")
_DECIMAL_MARK = "\u0000dec:"


def ms_date(value: dt.date | None) -> str | None:
    """A date as Xero sends it: midnight UTC in milliseconds with an explicit offset."""
    if value is None:
        return None
    midnight = dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    return f"/Date({int(midnight.timestamp() * 1000)}+0000)/"


def ms_datetime(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return f"/Date({int(value.timestamp() * 1000)}+0000)/"


def parse_date(value) -> dt.date | None:
    """Accept ``/Date(ms)/``, ``/Date(ms+hhmm)/``, ``YYYY-MM-DD`` or an ISO datetime.

    Raises ValueError for anything else.
    """
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    match = _MS_DATE.match(text)
    if match:
        moment = dt.datetime.fromtimestamp(int(match.group(1)) / 1000, tz=dt.UTC)
        if match.group(2):
            sign = 1 if match.group(2)[0] == "+" else -1
            hours, minutes = int(match.group(2)[1:3]), int(match.group(2)[3:5])
            moment += sign * dt.timedelta(hours=hours, minutes=minutes)
        return moment.date()
    if len(text) == 10:
        return dt.date.fromisoformat(text)
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()


def parse_datetime_header(value: str | None) -> dt.datetime | None:
    """``If-Modified-Since`` as xero-python sends it (ISO) or as an HTTP date."""
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment


def parse_bool(value, default: bool = False) -> bool:
    """Query booleans: xero-python sends ``True``/``False``; accept any case and 1/0."""
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("true", "1", "yes")


def parse_decimal(value) -> Decimal | None:
    """A JSON number (or numeric string) as Decimal; ValueError when not a number."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("not a number")
    try:
        # str() first so a float's shortest repr is used, not its binary expansion.
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"{value!r} is not a number") from exc


def parse_uuid(value) -> uuid.UUID | None:
    if not value:
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def split_list(value: str | None) -> list[str]:
    """Comma-joined list parameters (``IDs=a,b``, ``Statuses=DRAFT,AUTHORISED``)."""
    if not value:
        return []
    return [part.strip() for part in value.split(",") if part.strip()]


class _Encoder(json.JSONEncoder):
    def default(self, o):
        if isinstance(o, Decimal):
            return f"{_DECIMAL_MARK}{o}"
        if isinstance(o, uuid.UUID):
            return str(o)
        return super().default(o)


_DECIMAL_PLACEHOLDER = re.compile(r'"\\u0000dec:(-?[0-9.E+-]+)"')


def dumps(data) -> str:
    """JSON with Decimals written as JSON numbers (never through float)."""
    return _DECIMAL_PLACEHOLDER.sub(r"\1", json.dumps(data, cls=_Encoder))


def api_response(data, status: int = 200) -> HttpResponse:
    return HttpResponse(dumps(data), status=status, content_type="application/json; charset=utf-8")


def envelope(plural: str, items: list, **extra) -> dict:
    """Xero's response envelope: ``{"Id", "Status", "ProviderName", "DateTimeUTC", plural: [...]}``."""
    body = {
        "Id": str(uuid.uuid4()),
        "Status": "OK",
        "ProviderName": PROVIDER_NAME,
        "DateTimeUTC": f"/Date({int(clock.now().timestamp() * 1000)})/",
    }
    body.update(extra)
    body[plural] = items
    return body


def money(value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    return value.quantize(Decimal("0.01"))


def quantity(value: Decimal | None) -> Decimal | None:
    """Quantities and unit amounts keep up to four places, trailing zeros trimmed to two."""
    if value is None:
        return None
    trimmed = value.quantize(Decimal("0.0001")).normalize()
    if trimmed.as_tuple().exponent > -2:
        trimmed = trimmed.quantize(Decimal("0.01"))
    return trimmed
