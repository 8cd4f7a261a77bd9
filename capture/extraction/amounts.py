"""Totals, net, tax, currency and line items: labelled values first, cross-checked."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from capture.extraction.labels import (
    CARD,
    CASH,
    CHANGE,
    NET_LABELS,
    NOT_TAX,
    NOT_TOTAL,
    ROUNDING,
    SERVICE_CHARGE,
    SUMMARY,
    TAX_LABELS,
    TOTAL_PLAIN,
    TOTAL_STRONG,
)
from capture.extraction.rows import Row, legibility, make_field
from capture.fields import ExtractedLine
from capture.parsing import (
    find_amounts,
    find_currencies,
    money,
)
from capture.profile import BusinessProfile


@dataclass
class _Candidate:
    value: Decimal
    score: float
    row: Row


def _amounts_in(row: Row, after: int = 0):
    return [amount for amount in find_amounts(row.text) if amount.start >= after]


def _labelled_amounts(rows: list[Row], label: re.Pattern, *, exclude: re.Pattern | None = None,
                      lookahead: int = 2) -> list[tuple[Row, Decimal, re.Match]]:
    """Amounts printed after a label on its line, or on the next lines when the label
    stands alone (OCR often splits "Total:" and "9.00")."""
    found = []
    for position, row in enumerate(rows):
        match = label.search(row.text)
        if not match:
            continue
        if exclude is not None:
            excluded = exclude.search(row.text)
            if excluded and excluded.start() <= match.start() + 2:
                continue
        amounts = _amounts_in(row, after=match.end())
        if amounts:
            found.append((row, amounts[-1].value, match))
            continue
        for following in rows[position + 1: position + 1 + lookahead]:
            if following.page != row.page:
                break
            if any(ch.isalpha() for ch in following.text.replace("RM", "")) and find_amounts(following.text):
                break
            amounts = _amounts_in(following)
            if amounts:
                found.append((following, amounts[0].value, match))
                break
    return found



def _before_summary(rows):
    """Rows before a tax summary table, whose own "Total" line sums tax, not the bill."""
    for position, row in enumerate(rows):
        if position > 3 and SUMMARY.search(row.text):
            return rows[:position]
    return rows


def _find_totals(rows, *, receipt_like: bool):
    rows = _before_summary(rows)
    candidates: list[_Candidate] = []
    count = len(rows) or 1
    for row, value, _match in _labelled_amounts(rows, TOTAL_STRONG, exclude=NOT_TOTAL):
        candidates.append(_Candidate(value, 3.0 + row.index / count, row))
    for row, value, _match in _labelled_amounts(rows, TOTAL_PLAIN, exclude=NOT_TOTAL):
        if TOTAL_STRONG.search(row.text):
            continue
        candidates.append(_Candidate(value, 2.0 + row.index / count, row))
    return [c for c in candidates if c.value > 0]


def _cash_and_change(rows):
    cash = [v for _, v, _ in _labelled_amounts(rows, CASH, exclude=CHANGE, lookahead=1) if v > 0]
    change = [v for _, v, _ in _labelled_amounts(rows, CHANGE, lookahead=1) if v >= 0]
    return cash, change


RATE = re.compile(r"(?<![\d.,])(?P<rate>\d{1,2}(?:[.,]\d{1,3})?)\s?%")
CENT = Decimal("0.01")


def _rates(text: str) -> list[tuple[Decimal, int]]:
    """Percentages printed in a line, with where each ends."""
    return [(Decimal(match.group("rate").replace(",", ".")), match.end()) for match in RATE.finditer(text)]


def is_rate_of(tax: Decimal, base: Decimal, rate: Decimal, *, inclusive: bool = False) -> bool:
    """Whether ``tax`` is ``rate`` percent of ``base`` — or, ``inclusive``, the part of ``base``
    that ``rate`` accounts for (a price with the tax in it) — to the cent."""
    if rate <= 0 or base <= 0:
        return False
    expected = base * rate / (100 + rate) if inclusive else base * rate / 100
    return abs(money(expected) - tax) <= CENT


def tax_breakdown(rows) -> list[tuple[Decimal, Decimal, Decimal, Row]]:
    """(rate, base, tax) lines of a tax breakdown — "SR @6% 15.00 0.90", or a rate's taxable
    amount and its tax on two lines ("TAX AMT (S) 6% RM 13.30" / "GST 6% RM 0.80") — kept only
    when the tax is that rate of the base (a zero-rated line only in a tax summary)."""
    found = []
    in_summary = False
    taken = set()
    for position, row in enumerate(rows):
        in_summary = in_summary or bool(SUMMARY.search(row.text))
        rates = _rates(row.text)
        if position in taken or len(rates) != 1:
            continue
        rate, rate_end = rates[0]
        taxed = in_summary or bool(TAX_LABELS.search(row.text))
        after = [amount.value for amount in _amounts_in(row, after=rate_end)]
        if len(after) >= 2:
            base, tax = after[-2], after[-1]
            if is_rate_of(tax, base, rate) or (taxed and tax == 0 and (rate == 0 or base == 0)):
                found.append((rate, base, tax, row))
            continue
        if len(after) == 1 and taxed and position + 1 < len(rows):
            below = rows[position + 1]
            below_rates = _rates(below.text)
            if len(below_rates) != 1 or below_rates[0][0] != rate or not TAX_LABELS.search(below.text):
                continue
            below_after = [a.value for a in _amounts_in(below, after=below_rates[0][1])]
            if len(below_after) == 1 and (is_rate_of(below_after[0], after[0], rate) or after[0] == below_after[0] == 0):
                found.append((rate, after[0], below_after[0], below))
                taken.add(position + 1)
    return found


@dataclass
class _Amounts:
    """Every amount a document prints beside a label that matters for its totals."""

    totals: list[_Candidate]
    nets: list[tuple[Row, Decimal]]
    taxes: list[tuple[Row, Decimal]]
    cash: list[Decimal]
    change: list[Decimal]
    paid: list[Decimal]
    adjustments: list[Decimal]  # rounding printed ("ROUNDING -0.02")
    charges: list[Decimal]  # service charges, added to the net before the tax
    breakdown: list[tuple[Decimal, Decimal, Decimal, Row]]

    @property
    def tendered(self) -> set[Decimal]:
        return {c - ch for c in self.cash for ch in self.change if c >= ch}

    def adds_up(self, parts: Decimal, total: Decimal, *, charges: bool = False, rounding: bool = True) -> bool:
        """``parts`` is ``total``, exactly or once the printed rounding (and, with ``charges``,
        the service charge) is added."""
        extras = {Decimal(0), *(self.charges if charges else ())}
        adjustments = (Decimal(0), *(self.adjustments if rounding else ()))
        return any(parts + extra + adjustment == total for extra in extras for adjustment in adjustments)

    def net_and_tax(self, total: _Candidate | Decimal, *, rounding: bool = True):
        """A printed net and tax (not on the total's own line) that add up to the total."""
        value = total.value if isinstance(total, _Candidate) else total
        row = total.row.index if isinstance(total, _Candidate) else None
        for net_row, net in self.nets:
            for tax_row, tax in self.taxes:
                if row not in (net_row.index, tax_row.index) and self.adds_up(net + tax, value, charges=True,
                                                                              rounding=rounding):
                    return (net_row, net), (tax_row, tax)
        return None

    def before_rounding(self, total: Decimal) -> bool:
        """A rounding is printed, the parts add up to this total without it, and no total
        with it is printed: what was paid isn't this amount but the rounded one."""
        if not self.adjustments or any(total + a == other.value for a in self.adjustments for other in self.totals):
            return False
        return bool(self.net_and_tax(total, rounding=False)) or (bool(self.breakdown) and self.breakdown_sum == total)

    def rates_beside(self, tax: Decimal) -> list[Decimal]:
        return [rate for row, value in self.taxes if value == tax for rate, _end in _rates(row.text) if rate > 0]

    @property
    def breakdown_sum(self) -> Decimal:
        return sum((base + tax for _rate, base, tax, _row in self.breakdown), Decimal(0))

    @property
    def breakdown_tax(self) -> Decimal:
        return sum((tax for _rate, _base, tax, _row in self.breakdown), Decimal(0))

    def breakdown_adds_up(self, total: Decimal) -> bool:
        return bool(self.breakdown) and self.adds_up(self.breakdown_sum, total)

    def tax_rates(self, rows) -> set[Decimal]:
        """The tax rates the document prints ("GST @6%", "VAT 20%")."""
        return {rate for row in rows if TAX_LABELS.search(row.text) for rate, _end in _rates(row.text) if rate > 0}


def _read_amounts(rows, *, receipt_like: bool) -> _Amounts:
    cash, change = _cash_and_change(rows)
    return _Amounts(
        totals=_find_totals(rows, receipt_like=receipt_like),
        nets=[(row, value) for row, value, _m in _labelled_amounts(rows, NET_LABELS) if value > 0],
        taxes=[(row, value) for row, value, _m in _labelled_amounts(rows, TAX_LABELS, exclude=NOT_TAX) if value >= 0],
        cash=cash,
        change=change,
        paid=[a.value for row in rows if CARD.search(row.text) or CASH.search(row.text) for a in find_amounts(row.text)],
        adjustments=[adjustment for _row, adjustment, _m in _labelled_amounts(rows, ROUNDING, lookahead=1)
                     if adjustment and abs(adjustment) < Decimal("0.10")],
        charges=[value for _row, value, _m in _labelled_amounts(rows, SERVICE_CHARGE, lookahead=1) if value > 0],
        breakdown=tax_breakdown(rows),
    )


def _choose_total(rows, found: _Amounts) -> tuple[_Candidate | None, float, str]:
    """The total, the confidence its label alone gives it, and the text it came from ("cash
    - change = …" when the amount paid was worked out from the cash and the change)."""
    best: tuple[float, _Candidate | None] = (-1.0, None)
    for candidate in found.totals:
        score = candidate.score
        if found.net_and_tax(candidate):
            score += 3.0
        if any(c - candidate.value in found.change for c in found.cash) or candidate.value in found.paid:
            score += 1.5
        if score > best[0]:
            best = (score, candidate)
    score, total = best
    tendered = found.tendered
    if total is not None:
        strength = 0.75 if total.score >= 3 else 0.6
        if total.value in tendered or found.net_and_tax(total):
            return total, strength, ""
        # Cash handed over minus change is what was paid: when it differs from the total by
        # rounding (or OCR misread a digit of the total), the paid amount is the answer.
        close = [value for value in tendered if abs(value - total.value) <= Decimal("0.10")]
        if close:
            return _Candidate(close[0], total.score, total.row), 0.7, f"cash - change = {close[0]}"
        # "TOTAL 60.31 / ROUNDING -0.01 / 60.30": the amount paid is the rounded one.
        for adjustment in found.adjustments:
            rounded = total.value + adjustment
            for row in rows[total.row.index + 1:]:
                if any(a.value == rounded for a in find_amounts(row.text)):
                    return _Candidate(rounded, total.score, row), strength, ""
        return total, strength, ""
    if tendered:
        # No labelled total, but cash handed over and change given: the difference was paid.
        value = max(tendered)
        row = next((r for r in rows if CHANGE.search(r.text)), rows[-1])
        return _Candidate(value, 0.0, row), 0.7, f"cash - change = {value}"
    # No labelled total: the largest amount that isn't cash handed over or change.
    amounts = []
    for row in rows:
        if CASH.search(row.text) or CHANGE.search(row.text) or NOT_TOTAL.search(row.text):
            continue
        amounts += [(a.value, row) for a in find_amounts(row.text) if a.value > 0]
    if not amounts:
        return None, 0.0, ""
    value, row = max(amounts, key=lambda pair: pair[0])
    return _Candidate(value, 0.0, row), 0.35, ""


def _printed_as_total(rows, value: Decimal) -> bool:
    """The amount is printed on a line that speaks of a total ("Total Includes GST 6% 9.00")."""
    return any((TOTAL_PLAIN.search(row.text) or NET_LABELS.search(row.text))
               and any(amount.value == value for amount in find_amounts(row.text)) for row in rows)


def choose_amounts(rows, *, receipt_like: bool):
    """(total, net, tax) fields and the confidence each earned: a label makes a value likely,
    a cross-check that holds (net + tax = total, the tax is its printed rate, the tax
    breakdown adds up, cash − change = total) makes it sure, and one that fails makes it
    doubtful. OCR's confidence in the line scales each."""
    found = _read_amounts(rows, receipt_like=receipt_like)
    total, confidence, text = _choose_total(rows, found)
    if total is None:
        return {}
    value = total.value
    net_and_tax = found.net_and_tax(value)
    taxes = [(row, tax) for row, tax in found.taxes if tax < value]
    # A printed tax that is exactly its rate (printed beside it, or as the document's tax
    # rate) of the total: prices with the tax in them.
    document_rates = found.tax_rates(rows)
    inclusive = next(((row, tax) for row, tax in reversed(taxes)
                      if any(is_rate_of(tax, value, rate, inclusive=True)
                             for rate in found.rates_beside(tax) or document_rates)), None)
    breakdown = found.breakdown_adds_up(value)
    from_cash = text.startswith("cash")
    base_confidence = confidence
    # Only checks that pin the total to the cent confirm it (a tax that is its rate of the
    # total would be the same for a total a few cents out, so it confirms the tax alone).
    if net_and_tax or (breakdown and found.breakdown_tax):
        confidence = 0.97
    elif value in found.tendered and not from_cash:
        confidence = max(confidence, 0.92)
    elif from_cash and (_printed_as_total(rows, value) or any(
            candidate.value + adjustment == value for candidate in found.totals for adjustment in found.adjustments)):
        # Worked out from the cash and the change, and printed as a total (or the total
        # once rounded): two readings agree to the cent.
        confidence = 0.92
    elif value in found.paid:
        confidence = max(confidence, 0.88)
    elif breakdown or any(c.value == value and c.row.index != total.row.index for c in found.totals):
        # Printed again under another total label (or as a zero-rated breakdown): the
        # reading itself is confirmed.
        confidence = max(confidence, 0.85)
    if not (net_and_tax or breakdown):
        nets = [net for _row, net in found.nets if net != value]
        if nets and taxes:
            # A net and a tax printed that don't add up to it (and the "net" isn't a subtotal
            # with the tax in it): something is misread.
            confidence -= 0.2
        if found.tendered and value not in found.tendered:
            confidence -= 0.1
    elif found.before_rounding(value) and not from_cash:
        # A rounding is printed, yet nothing shows the rounded amount: what was paid isn't this.
        confidence -= 0.2
    confirmed = confidence > base_confidence
    fields = {"total": make_field(value, confidence * legibility(total.row, checked=confirmed), total.row, text)}
    total_confidence = fields["total"].confidence
    if net_and_tax:
        (net_row, net), (tax_row, tax) = net_and_tax
        # Rounded to the nearest 5 sen, or with a service charge: the net is what the tax
        # leaves of the total, so the amounts add up.
        fields["net"] = make_field(value - tax, min(0.97 * legibility(net_row, checked=True), total_confidence), net_row)
        tax_confidence = 0.97
        rates = found.rates_beside(tax)
        if rates and not any(is_rate_of(tax, base, rate) or is_rate_of(tax, value, rate, inclusive=True)
                             for rate in rates for base in (net, value - tax)):
            # The tax isn't the rate printed beside it, of the net or of the total.
            tax_confidence = 0.6
        fields["tax"] = make_field(tax, min(tax_confidence * legibility(tax_row, checked=True), total_confidence), tax_row)
        return fields
    if breakdown:
        # The tax breakdown adds up to the total: its taxes are the tax, the rest the net.
        tax = found.breakdown_tax
        fields["tax"] = make_field(tax, total_confidence, found.breakdown[-1][3])
        fields["net"] = make_field(value - tax, total_confidence, text=f"{value} - {tax}")
        return fields
    for net_row, net in reversed(found.nets):
        if net < value and any(is_rate_of(value - net, net, rate) for rate in document_rates):
            # "Total Excl. of GST 96.23" of a 102.00 total: the rest is the printed rate of the net.
            confidence = min(0.95 * legibility(net_row, checked=True), total_confidence)
            fields["net"] = make_field(net, confidence, net_row)
            fields["tax"] = make_field(value - net, confidence, text=f"{value} - {net}")
            return fields
    if inclusive:
        tax_row, tax = inclusive
        tax_confidence = 0.95
    elif taxes:
        tax_row, tax = taxes[-1]
        rates = found.rates_beside(tax)
        if any(is_rate_of(tax, value - tax, rate) for rate in rates or document_rates):
            # It is its printed rate of the rest of the total.
            tax_confidence = 0.95
        elif rates:
            tax_confidence = 0.3  # a rate is printed beside it, and it isn't that rate of anything
        else:
            tax_confidence = 0.5
    else:
        tax_row = tax = None
    if tax_row is not None:
        checked = tax_confidence > 0.9
        fields["tax"] = make_field(tax, min(tax_confidence * legibility(tax_row, checked=checked), total_confidence), tax_row)
    nets = [(row, net) for row, net in found.nets if net <= value]
    if nets:
        row, net = nets[-1]
        fields["net"] = make_field(net, 0.5 * row.confidence, row)
    elif "tax" in fields:
        # Not printed (a till receipt): the total less the tax, as sure as the less sure of the two.
        net = value - fields["tax"].value
        fields["net"] = make_field(net, min(total_confidence, fields["tax"].confidence), text=f"{value} - {fields['tax'].value}")
    return fields


def choose_currency(rows, profile: BusinessProfile | None):
    text = "\n".join(row.text for row in rows)
    base = profile.base_currency if profile else ""
    found = find_currencies(text, base_currency=base)
    if found:
        best = max(set(found), key=found.count)
        share = found.count(best) / len(found)
        return {"currency": make_field(best, 0.6 + 0.35 * share, text=best)}
    if base:
        return {"currency": make_field(base, 0.5, text="")}
    return {}


def printed_lines(rows, net: Decimal | None) -> list[ExtractedLine]:
    """Line items: a description followed by quantity, unit price and amount; kept only when
    they add up to the net printed on the document."""
    if net is None:
        return []
    lines = []
    for row in rows:
        amounts = find_amounts(row.text)
        if len(amounts) < 2 or TOTAL_PLAIN.search(row.text) or NET_LABELS.search(row.text) or TAX_LABELS.search(row.text):
            continue
        description_part = row.text[: amounts[0].start].strip()
        quantity_match = re.search(r"(?<![\w.,])(\d+(?:[.,]\d+)?)\s*(?:x|×)?$", description_part)
        quantity = None
        if quantity_match:
            quantity = Decimal(quantity_match.group(1).replace(",", "."))
            description_part = description_part[: quantity_match.start()].strip()
        if not re.search(r"[A-Za-z]{2}", description_part):
            continue
        unit, amount = amounts[-2].value, amounts[-1].value
        if quantity is None:
            quantity = money(amount / unit) if unit else None
        if quantity is not None and unit and money(quantity * unit) != amount:
            continue
        lines.append((description_part, quantity, unit, amount))
    if not lines or sum((line[3] for line in lines), Decimal(0)) != net:
        return []
    return [ExtractedLine(description=d, quantity=q, unit_amount=u, net=a, tax_amount=Decimal("0.00"), total=a,
                          tax_percent=None) for d, q, u, a in lines]


def spread_tax(lines: list[ExtractedLine], tax: Decimal) -> list[ExtractedLine]:
    net = sum((line.net for line in lines), Decimal(0))
    if not lines or not net:
        return lines
    percent = (tax * 100 / net).quantize(Decimal("0.1"))
    result, remaining = [], tax
    for position, line in enumerate(lines):
        share = remaining if position == len(lines) - 1 else money(tax * line.net / net)
        remaining -= share
        result.append(ExtractedLine(line.description, line.quantity, line.unit_amount, line.net, share, line.net + share,
                                    percent.normalize() if percent == percent.to_integral() else percent))
    return result
