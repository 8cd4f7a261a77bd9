"""Xero's date formats: MS-JSON ``/Date(1714521600000+0000)/`` and ISO 8601."""

import re
from datetime import UTC, date, datetime, timedelta

_MS_JSON = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")


def parse_xero_datetime(value) -> datetime | None:
    """Parse a Xero timestamp (MS-JSON or ISO, offset or not) into an aware UTC datetime."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    text = str(value).strip()
    match = _MS_JSON.match(text)
    if match:
        # The milliseconds are UTC; the offset only says how to display them.
        return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=int(match.group(1)))
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        # Xero's /connections uses 7 fractional digits, which fromisoformat rejects on 3.11.
        trimmed = re.sub(r"(\.\d{6})\d+", r"\1", text)
        try:
            parsed = datetime.fromisoformat(trimmed.replace("Z", "+00:00"))
        except ValueError:
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_xero_date(value) -> date | None:
    parsed = parse_xero_datetime(value)
    return parsed.date() if parsed else None


def format_xero_date(value: date) -> str:
    """Dates we send: plain ``YYYY-MM-DD``, which Xero accepts for every date field."""
    return value.isoformat()
