"""Line and document totals computed as Xero does.

- Exclusive: LineAmount is before tax; tax = round(LineAmount × rate, 2); Total = SubTotal + TotalTax.
- Inclusive: LineAmount includes tax; tax = round(LineAmount × rate / (1 + rate), 2);
  Total = Σ LineAmount and SubTotal = Total − TotalTax.
- NoTax: no tax at all.

Tax is rounded per line (Xero's default "round each line" setting), a provided
``TaxAmount`` overrides the computed one, and ``LineAmount`` defaults to Quantity ×
UnitAmount rounded to 2 places. See https://developer.xero.com/documentation/api/accounting/invoices
(LineAmountTypes) and https://central.xero.com/s/article/Tax-rounding.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal("100")


def round_money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def round_unit(value: Decimal, *, places: int = 2) -> Decimal:
    """A unit amount: 2 decimal places, or 4 when the request opts in with ``unitdp=4``
    (https://developer.xero.com/documentation/api/accounting/invoices, "unitdp")."""
    return value.quantize(Decimal(1).scaleb(-4 if places >= 4 else -2), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineTotals:
    quantity: Decimal
    unit_amount: Decimal
    line_amount: Decimal
    tax_amount: Decimal


@dataclass(frozen=True)
class DocumentTotals:
    sub_total: Decimal
    total_tax: Decimal
    total: Decimal


def line_totals(
    *,
    line_amount_types: str,
    rate_percent: Decimal,
    quantity: Decimal | None,
    unit_amount: Decimal | None,
    line_amount: Decimal | None,
    tax_amount: Decimal | None,
) -> LineTotals:
    """Fill in what the client left out of one line."""
    if line_amount is None:
        qty = quantity if quantity is not None else Decimal(1)
        unit = unit_amount if unit_amount is not None else Decimal(0)
        amount = round_money(qty * unit)
    else:
        amount = round_money(line_amount)
        if quantity is None and unit_amount is None:
            qty, unit = Decimal(1), amount
        elif unit_amount is None:
            qty = quantity
            unit = (amount / quantity).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP) if quantity else amount
        else:
            qty = quantity if quantity is not None else Decimal(1)
            unit = unit_amount
    if tax_amount is not None:
        tax = round_money(tax_amount)
    elif line_amount_types == "NoTax":
        tax = Decimal("0.00")
    else:
        rate = rate_percent / HUNDRED
        if line_amount_types == "Inclusive":
            tax = round_money(amount * rate / (1 + rate))
        else:
            tax = round_money(amount * rate)
    return LineTotals(quantity=qty, unit_amount=unit, line_amount=amount, tax_amount=tax)


def document_totals(*, line_amount_types: str, lines: list[LineTotals]) -> DocumentTotals:
    lines_sum = sum((line.line_amount for line in lines), Decimal("0.00"))
    tax_sum = sum((line.tax_amount for line in lines), Decimal("0.00"))
    if line_amount_types == "NoTax":
        return DocumentTotals(sub_total=lines_sum, total_tax=Decimal("0.00"), total=lines_sum)
    if line_amount_types == "Inclusive":
        return DocumentTotals(sub_total=lines_sum - tax_sum, total_tax=tax_sum, total=lines_sum)
    return DocumentTotals(sub_total=lines_sum, total_tax=tax_sum, total=lines_sum + tax_sum)
