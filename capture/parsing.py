"""Values in printed text: amounts, dates, tax numbers, currencies, emails and websites.

Each function finds candidates in one line of text and says where they are; deciding which
candidate is *the* total or *the* date is ``capture.extraction``'s job. Amount strings are
normalised by price-parser, dates by python-dateutil (with French, German and Malay month
names added), so the only hand-written parts are the patterns that find candidates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from dateutil import parser as date_parser
from price_parser import Price

CENT = Decimal("0.01")

# 1,234.56 / 1.234,56 / 1 234,56 / 1234.56 / 12,50 — always two decimals (what invoices print);
# a space groups thousands only before a decimal comma (French), else it separates columns.
AMOUNT = re.compile(
    r"(?<![\w.,/:-])(?P<sign>-\s?)?(?P<cur>[£€$]|RM|A\$)?\s?"
    r"(?P<number>\d{1,3}(?:,\d{3})+\.\d{2}|\d{1,3}(?:\.\d{3})+,\d{2}|\d{1,3}(?:'\d{3})+\.\d{2}"
    r"|\d{1,3}(?:[\u00a0\u202f ]\d{3})+,\d{2}|\d+[.,]\d{2})(?![\d%/:]|[.,]\d)(?P<neg>-)?"
)


@dataclass(frozen=True)
class Amount:
    value: Decimal
    start: int
    end: int
    text: str


def parse_amount(text: str) -> Decimal | None:
    """``"1.234,56 €"`` → ``Decimal("1234.56")``; the last separator followed by two digits is
    the decimal point."""
    cleaned = text.replace("\u00a0", " ").replace("\u202f", " ").strip()
    match = re.search(r"[.,](\d{2})\s*\D*$", cleaned)
    separator = cleaned[match.start()] if match else None
    price = Price.fromstring(cleaned, decimal_separator=separator)
    if price.amount is None:
        return None
    try:
        return price.amount.quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return None


def find_amounts(text: str) -> list[Amount]:
    found = []
    for match in AMOUNT.finditer(text):
        value = parse_amount(match.group("number"))
        if value is None or value > Decimal("10000000"):
            continue
        if match.group("sign") or match.group("neg"):
            value = -value
        found.append(Amount(value=value, start=match.start(), end=match.end(), text=match.group(0).strip()))
    return found


# --- Dates ----------------------------------------------------------------------------


class _MultilingualDates(date_parser.parserinfo):
    """dateutil's parser with French, German and Malay month names as well as English."""

    MONTHS = [
        ("Jan", "January", "janvier", "janv", "Januar", "Jänner", "Januari"),
        ("Feb", "February", "février", "fevrier", "févr", "fevr", "Februar", "Februari", "Febuari"),
        ("Mar", "March", "mars", "März", "Maerz", "Mac", "Mrz"),
        ("Apr", "April", "avril", "avr"),
        ("May", "mai", "Mei"),
        ("Jun", "June", "juin", "Juni"),
        ("Jul", "July", "juillet", "juil", "Juli", "Julai"),
        ("Aug", "August", "août", "aout", "Ogos", "Ogo"),
        ("Sep", "Sept", "September", "septembre"),
        ("Oct", "October", "octobre", "Oktober", "Okt"),
        ("Nov", "November", "novembre"),
        ("Dec", "December", "décembre", "decembre", "déc", "Dezember", "Dez", "Disember", "Dis"),
    ]


_PARSER_INFO = {True: _MultilingualDates(dayfirst=True), False: _MultilingualDates(dayfirst=False)}
MONTH_WORD = (
    r"(?:jan(?:uary|vier|v|uar|uari)?|feb(?:ruary|ruar|ruari)?|f[ée]vr?(?:ier)?|mar(?:ch|s)?|m[äa]e?rz|mac|"
    r"apr(?:il)?|avr(?:il)?|may|mai|mei|jun[ei]?|juin|jul[iy]?|julai|juil(?:let)?|aug(?:ust)?|ao[uû]t|ogos?|"
    r"sept?(?:ember|embre)?|o[ck]t(?:ober|obre)?|nov(?:ember|embre)?|d[ée][cz](?:ember|embre)?|dis(?:ember)?)\.?"
)
DATE_PATTERNS = [
    # 2025-03-12, 2025/03/12
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)"),
    # 12/03/2025, 12-03-25, 12.03.2025
    re.compile(r"(?<![\w.,/-])(?P<a>\d{1,2})\s?(?P<sep>[-/.])\s?(?P<b>\d{1,2})\s?(?P=sep)\s?(?P<y>(?:19|20)?\d{2})(?![\d]|[.,]\d|-\w)"),
    # 12 March 2025, 12-MAR-2025, 1. März 2025, 12 Mar 25
    re.compile(rf"(?<![\d])(?P<d>\d{{1,2}})(?:st|nd|rd|th|er|\.)?[\s\-/]*(?P<mon>{MONTH_WORD})[\s\-/,]*(?P<y>(?:19|20)?\d{{2}})(?!\d)", re.I),
    # March 12, 2025
    re.compile(rf"(?<![\w])(?P<mon>{MONTH_WORD})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d{{2}})(?!\d)", re.I),
    # 20180428
    re.compile(r"(?<!\d)(?P<compact>20[0-3]\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))(?!\d)"),
    # 14/03/20185:57:07PM: a till that prints the time right after the year.
    re.compile(r"(?<![\w.,/-])(?P<a>\d{1,2})(?P<sep>[-/.])(?P<b>\d{1,2})(?P=sep)(?P<y>(?:19|20)\d{2})(?=\d{1,2}:\d{2})"),
    # 27032018: day, month, year run together.
    re.compile(r"(?<!\d)(?P<dd>0[1-9]|[12]\d|3[01])(?P<mm>0[1-9]|1[0-2])(?P<yyyy>20[0-3]\d)(?!\d)"),
]


@dataclass(frozen=True)
class FoundDate:
    value: date
    start: int
    end: int
    text: str
    ambiguous: bool  # day and month could be swapped
    # "day" or "month" when the numbers say which comes first (25/03 can only be day first),
    # else "": the evidence for how the whole document writes its dates.
    order: str = ""


def _plausible(value: date, today: date) -> bool:
    return date(2000, 1, 1) <= value <= date(today.year + 2, 12, 31)


def find_dates(text: str, *, day_first: bool = True, today: date | None = None) -> list[FoundDate]:
    today = today or date.today()
    found: list[FoundDate] = []
    taken: list[range] = []
    for pattern in DATE_PATTERNS:
        for match in pattern.finditer(text):
            if any(match.start() in span or match.end() - 1 in span for span in taken):
                continue
            parsed = _parse_date_match(match, day_first=day_first)
            if parsed is None:
                continue
            value, ambiguous, order = parsed
            if not _plausible(value, today):
                continue
            taken.append(range(match.start(), match.end()))
            found.append(FoundDate(value, match.start(), match.end(), match.group(0), ambiguous, order))
    found.sort(key=lambda item: item.start)
    return found


def _parse_date_match(match: re.Match, *, day_first: bool) -> tuple[date, bool, str] | None:
    """(date, whether day and month could be swapped, which comes first if the numbers say)."""
    groups = match.groupdict()
    text = match.group(0)
    try:
        if groups.get("y") and groups.get("m") and not groups.get("a"):
            # Year first is always year-month-day (dateutil's dayfirst would swap it).
            return date(int(groups["y"]), int(groups["m"]), int(groups["d"])), False, ""
        if groups.get("dd"):
            return date(int(groups["yyyy"]), int(groups["mm"]), int(groups["dd"])), False, ""
        if groups.get("compact"):
            return date_parser.parse(groups["compact"], yearfirst=True).date(), False, ""
        if groups.get("a"):
            a, b = int(groups["a"]), int(groups["b"])
            first, order = day_first, ""
            if a > 12 >= b:
                first, order = True, "day"
            elif b > 12 >= a:
                first, order = False, "month"
            elif a > 12 and b > 12:
                return None
            value = date_parser.parse(text.replace(" ", ""), dayfirst=first, parserinfo=_PARSER_INFO[first]).date()
            return value, a != b and a <= 12 and b <= 12, order
        return date_parser.parse(text, dayfirst=day_first, parserinfo=_PARSER_INFO[day_first]).date(), False, ""
    except (ValueError, OverflowError, date_parser.ParserError):
        return None


# --- Identifiers ----------------------------------------------------------------------

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@(?P<domain>[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})")
WEBSITE = re.compile(r"(?<![@\w.])(?:https?://)?(?P<domain>www\.[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})", re.I)
EU_PREFIXES = "AT|BE|BG|CY|CZ|DE|DK|EE|EL|ES|FI|FR|GB|HR|HU|IE|IT|LT|LU|LV|MT|NL|PL|PT|RO|SE|SI|SK|XI|CHE"
TAX_NUMBER_PATTERNS = [
    # Labelled: VAT No: GB123456789, N° TVA : FR12345678901, USt-IdNr.: DE123456789, GST ID: 000849813504
    (re.compile(
        r"(?:VAT|TVA|USt|MwSt|UID|BTW|IVA|GST|ABN|ACN|NZBN|TIN|Tax)[\w.\- ]{0,22}?(?:No|Nr|ID|Reg|Number|Num|#|Id)?[.:#\s]*"
        rf"(?P<value>(?-i:(?:{EU_PREFIXES})\s?[0-9A-Z]{{0,2}}\d[\d .]{{5,12}}\d[0-9A-Z]{{0,3}})|\d[\d \-]{{7,16}}\d)"
        r"(?![A-Za-z0-9])", re.I), 1.0),
    # An unlabelled EU VAT number.
    (re.compile(rf"(?<![A-Z0-9])(?P<value>(?:{EU_PREFIXES})\s?\d[\d ]{{7,12}}\d)(?![\d])"), 0.8),
    # Malaysian company registration: 789417-W, CO.REG: 933109-X, (JM0517726)
    (re.compile(r"(?:CO\.?\s?REG(?:\.|ISTRATION)?\s?(?:NO)?[.:\s]*)?\(?(?P<value>\b\d{5,8}-[A-Z])\b"), 0.6),
]


def normalise_tax_number(value: str) -> str:
    """Digits and letters only, upper case, without a country prefix: ``"GB 123 4567 89"``
    and ``"123456789"`` compare equal."""
    cleaned = re.sub(r"[^0-9A-Za-z]", "", value or "").upper()
    match = re.match(rf"^(?:{EU_PREFIXES})(?=\d)", cleaned)
    if match:
        cleaned = cleaned[match.end():]
    return cleaned


def find_tax_numbers(text: str) -> list[tuple[str, float, int]]:
    """(tax number as printed, strength, position) found in a line."""
    found = []
    for pattern, strength in TAX_NUMBER_PATTERNS:
        for match in pattern.finditer(text):
            value = match.group("value").strip(" .-")
            digits = sum(ch.isdigit() for ch in value)
            if digits < 6:
                continue
            # A phone number is labelled "Tel"/"Fax", never "VAT"; skip dates and amounts.
            if re.fullmatch(r"[\d.,/ ]+", value) and ("." in value or "/" in value):
                continue
            found.append((value, strength, match.start("value")))
    return found


# --- Currency -------------------------------------------------------------------------

ISO_CURRENCIES = {
    "GBP", "EUR", "USD", "AUD", "NZD", "CAD", "SGD", "MYR", "HKD", "CHF", "SEK", "NOK", "DKK", "ZAR", "JPY", "INR",
    "PLN", "CZK", "IDR", "THB", "PHP", "AED",
}
SYMBOL_CURRENCIES = [
    (re.compile(r"£"), "GBP"),
    (re.compile(r"€"), "EUR"),
    (re.compile(r"(?<![A-Z])RM(?=\s?\d|\b)"), "MYR"),
    (re.compile(r"A\$|AU\$"), "AUD"),
    (re.compile(r"NZ\$"), "NZD"),
    (re.compile(r"S\$"), "SGD"),
    (re.compile(r"C\$|CA\$"), "CAD"),
    (re.compile(r"US\$"), "USD"),
]
ISO_PATTERN = re.compile(r"(?<![A-Z])(" + "|".join(sorted(ISO_CURRENCIES)) + r")(?![A-Z])")
DOLLAR = re.compile(r"(?<![A-Z])\$")
DOLLAR_CURRENCIES = {"USD", "AUD", "NZD", "CAD", "SGD", "HKD"}


def find_currencies(text: str, *, base_currency: str = "") -> list[str]:
    found = []
    for pattern, code in SYMBOL_CURRENCIES:
        found += [code] * len(pattern.findall(text))
    found += ISO_PATTERN.findall(text)
    plain_dollars = len(DOLLAR.findall(text))
    if plain_dollars > 0:
        if base_currency in DOLLAR_CURRENCIES:
            dollar = base_currency
        elif re.search(r"\bABN\b|\bACN\b|Pty\.? Ltd|\bNSW\b|\bVIC\b|\bQLD\b", text):
            dollar = "AUD"
        elif re.search(r"\bNZBN\b|\bNZ\b|New Zealand", text):
            dollar = "NZD"
        else:
            dollar = "USD"
        found += [dollar] * plain_dollars
    return found


# --- Money helpers --------------------------------------------------------------------


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
