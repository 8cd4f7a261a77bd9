"""Money and dates the way each business's country writes them (babel)."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dext.tenancy import formats


@pytest.mark.parametrize(
    ("country", "currency", "money", "day"),
    [
        ("GB", "GBP", "£781.20", "4 May 2026"),
        ("AU", "AUD", "$781.20", "4 May 2026"),
        ("NZ", "NZD", "$781.20", "4 May 2026"),
        ("US", "USD", "$781.20", "May 4, 2026"),
        ("IE", "EUR", "€781.20", "4 May 2026"),
    ],
)
def test_money_and_dates_read_as_the_business_country_writes_them(country, currency, money, day):
    locale = formats.locale_for_country(country)
    assert formats.money(Decimal("781.20"), currency, locale=locale) == money
    assert formats.day(date(2026, 5, 4), locale=locale) == day


def test_a_foreign_currency_keeps_its_own_symbol():
    assert formats.money(Decimal("120"), "EUR", locale="en_GB") == "€120.00"
    assert formats.money(Decimal("1200.5"), "GBP", locale="en_AU") == "GBP1,200.50"
    assert formats.money(Decimal("1500"), "JPY", locale="en_GB") == "JP¥1,500"


def test_blanks_are_a_dash_and_an_unknown_country_is_british_english():
    assert formats.money(None, "GBP") == "—"
    assert formats.day(None) == "—"
    assert formats.locale_for_country("XX") == "en_GB"
    assert formats.locale_for_country("") == "en_GB"


@pytest.mark.parametrize(
    ("country", "typed", "expected"),
    [
        ("GB", "04/05/2026", date(2026, 5, 4)),
        ("GB", "4/5/26", date(2026, 5, 4)),
        ("GB", "4.5.2026", date(2026, 5, 4)),
        ("AU", "4-5-2026", date(2026, 5, 4)),
        ("NZ", "04 05 2026", date(2026, 5, 4)),
        ("US", "05/04/2026", date(2026, 5, 4)),
        ("US", "5/4/26", date(2026, 5, 4)),
        ("GB", "2026-05-04", date(2026, 5, 4)),
        ("US", "2026-05-04", date(2026, 5, 4)),
    ],
)
def test_dates_are_typed_in_the_business_day_month_order(country, typed, expected):
    locale = formats.locale_for_country(country)
    assert formats.parse_date_input(typed, locale=locale) == expected


@pytest.mark.parametrize("typed", ["31/02/2026", "13/13/2026", "4 May", "tomorrow", "4/5", "1/2/3/4"])
def test_what_is_not_a_date_is_refused(typed):
    with pytest.raises(formats.DateNotUnderstood):
        formats.parse_date_input(typed, locale="en_GB")


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31)),
       st.sampled_from(["GB", "AU", "NZ", "US", "IE", "CA", "ZA"]))
def test_a_date_shown_in_an_input_reads_back_as_the_same_date(value, country):
    locale = formats.locale_for_country(country)
    shown = formats.date_for_input(value, locale=locale)
    assert formats.parse_date_input(shown, locale=locale) == value
    assert formats.date_input_hint(locale) in ("dd/mm/yyyy", "mm/dd/yyyy", "yyyy-mm-dd")
