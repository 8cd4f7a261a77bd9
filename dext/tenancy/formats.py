"""Money and dates the way a business's country writes them (babel, CLDR data).

A business in the UK reads "£781.20" and "4 May 2026" and types dates day first; one in
the US reads "$781.20" and "May 4, 2026" and types the month first. The locale comes
from the business's country (English, as the product's text is); amounts keep their own
currency, so a euro bill in a UK business reads "€120.00".
"""

import re
from datetime import date
from decimal import Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, get_date_format, parse_date
from babel.numbers import format_currency, format_decimal

DEFAULT_LOCALE = "en_GB"


@lru_cache(maxsize=256)
def locale_for_country(country: str) -> str:
    """English as written in ``country`` (``en_AU`` for AU), or British English when CLDR
    has no English for that country."""
    code = f"en_{(country or '').upper()}"
    try:
        Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return DEFAULT_LOCALE
    return code


def business_locale(business) -> str:
    return locale_for_country(getattr(business, "country", "") or "")


def money(amount, currency: str, *, locale: str = DEFAULT_LOCALE) -> str:
    """"£781.20" in en_GB, "$781.20" for AUD in en_AU; a blank amount is "—"."""
    if amount is None or amount == "":
        return "—"
    amount = Decimal(str(amount))
    if not currency:
        return format_decimal(amount, format="#,##0.00", locale=locale)
    return format_currency(amount, currency.upper(), locale=locale)


def day(value: date | None, *, locale: str = DEFAULT_LOCALE) -> str:
    """"4 May 2026" in en_GB, "May 4, 2026" in en_US; no date is "—"."""
    if value is None:
        return "—"
    return format_date(value, "medium", locale=locale)


@lru_cache(maxsize=64)
def date_order(locale: str) -> str:
    """"DMY", "MDY" or "YMD": how the locale writes a date in numbers."""
    pattern = get_date_format("short", locale=locale).pattern.lower()
    positions = sorted((pattern.index(letter), letter) for letter in "dmy" if letter in pattern)
    return "".join(letter for _, letter in positions).upper() if len(positions) == 3 else "DMY"


_INPUT_PATTERNS = {"DMY": "dd/MM/yyyy", "MDY": "MM/dd/yyyy", "YMD": "yyyy-MM-dd"}
_INPUT_HINTS = {"DMY": "dd/mm/yyyy", "MDY": "mm/dd/yyyy", "YMD": "yyyy-mm-dd"}


def date_input_hint(locale: str) -> str:
    return _INPUT_HINTS[date_order(locale)]


def date_for_input(value: date | None, *, locale: str) -> str:
    """A date as the business types it, with a four-digit year ("04/05/2026")."""
    if value is None:
        return ""
    return format_date(value, _INPUT_PATTERNS[date_order(locale)], locale=locale)


class DateNotUnderstood(ValueError):
    pass


def parse_date_input(text: str, *, locale: str) -> date | None:
    """A date typed in the business's order (day or month first), with any of / . - or
    spaces between the numbers and a two- or four-digit year; ISO (2026-05-04) always
    works too. Blank is None; anything else raises :class:`DateNotUnderstood`."""
    text = (text or "").strip()
    if not text:
        return None
    numbers = re.findall(r"\d+", text)
    if len(numbers) != 3 or re.search(r"[^\d\s/.\-]", text):
        raise DateNotUnderstood(text)
    try:
        # babel tries ISO first, then the locale's short pattern tells it the order.
        return parse_date(text, locale=locale, format="short")
    except (ValueError, IndexError) as exc:
        raise DateNotUnderstood(text) from exc
