"""The sandbox's table of day rates, for foreign-currency documents sent without a rate.

Xero fills in ``CurrencyRate`` from its daily rates (XE.com) when a document in another
currency comes without one (https://developer.xero.com/documentation/api/accounting/invoices,
"CurrencyRate": "If no rate is specified, the XE.com day rate is used"). The sandbox has
no feed: it keeps one rate per currency and moves it a little from day to day, so a
document dated on another day gets another rate, as in Xero. ``CurrencyRate`` is the
amount of the document's currency that one unit of the base currency buys.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

# Units of each currency one US dollar buys (a round, plausible table, not a feed).
_PER_USD = {
    "USD": Decimal("1"),
    "GBP": Decimal("0.79"),
    "EUR": Decimal("0.92"),
    "AUD": Decimal("1.52"),
    "NZD": Decimal("1.66"),
    "CAD": Decimal("1.36"),
    "JPY": Decimal("151.2"),
    "SGD": Decimal("1.34"),
    "ZAR": Decimal("18.4"),
}
PLACES = Decimal("0.000001")


def day_rate(*, base: str, currency: str, on: dt.date) -> Decimal:
    """How much ``currency`` one unit of ``base`` buys on ``on`` (1 for the base currency)."""
    if currency == base or currency not in _PER_USD or base not in _PER_USD:
        return Decimal(1)
    # Up to ±0.3% from one day to the next, the same every time for a given day.
    drift = Decimal(1) + Decimal((on.toordinal() % 7) - 3) / Decimal(1000)
    return (_PER_USD[currency] / _PER_USD[base] * drift).quantize(PLACES, rounding=ROUND_HALF_UP)
