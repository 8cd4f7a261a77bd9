"""Dates, due dates and the document's number."""

from __future__ import annotations

import re
from dataclasses import dataclass

from capture.extraction.labels import (
    DATE_LABELS,
    DAY_FIRST_CURRENCIES,
    DUE_LABELS,
    MONTH_FIRST_COUNTRIES,
    MONTH_FIRST_CURRENCIES,
    NOT_DATE,
    REFERENCE_LABELS,
    REFERENCE_VALUE,
)
from capture.extraction.rows import Row, make_field
from capture.parsing import FoundDate, find_currencies, find_dates


@dataclass(frozen=True)
class DateOrder:
    """Whether the document writes the day before the month, and how sure that is."""

    day_first: bool
    # What an ambiguous date (03/04/2025) loses: nothing when the document's other dates
    # settle the order, a little when only the business's country does (a document in its
    # own currency), more when nothing or something contrary does.
    penalty: float


def date_order(rows, *, country: str, base_currency: str = "") -> DateOrder:
    """How this document writes dates: its own unambiguous dates (25/03/2025 is day first)
    decide; else the business's country does, trusted when the document is in the
    business's own currency; a dollar document to a day-first business is left open."""
    votes = {found.order for row in rows for found in find_dates(row.text) if found.order}
    if len(votes) == 1:
        return DateOrder(votes == {"day"}, 0.0)
    country_day_first = country not in MONTH_FIRST_COUNTRIES
    text = "\n".join(row.text for row in rows)
    currencies = set(find_currencies(text, base_currency=base_currency))
    if len(votes) > 1:
        return DateOrder(country_day_first, 0.3)
    if not country:
        if "USD" in currencies and not currencies & {"GBP", "EUR"}:
            return DateOrder(False, 0.2)
        return DateOrder(True, 0.2)
    if currencies and currencies <= {base_currency}:
        return DateOrder(country_day_first, 0.05)
    # A foreign currency hints at the supplier's country: a dollar invoice to a business
    # that writes the day first leaves the order open.
    if currencies & MONTH_FIRST_CURRENCIES and not currencies & DAY_FIRST_CURRENCIES:
        return DateOrder(country_day_first, 0.3 if country_day_first else 0.1)
    if currencies & DAY_FIRST_CURRENCIES and not currencies & MONTH_FIRST_CURRENCIES:
        return DateOrder(country_day_first, 0.1 if country_day_first else 0.3)
    # No currency printed: most likely a document from the business's own country.
    return DateOrder(country_day_first, 0.1)


def _swapped(found: FoundDate):
    """An ambiguous date read the other way round (03/04 ↔ 04/03)."""
    try:
        return found.value.replace(month=found.value.day, day=found.value.month)
    except ValueError:
        return None


def choose_dates(rows, *, order: DateOrder, terms_days: int | None = None):
    """The issue date and the due date, each with the confidence its evidence earned: a
    label, the document's own date order, and the cross-checks between them (a due date on
    or after the issue date; exactly the payment terms after it)."""
    dates = []
    for row in rows:
        for found in find_dates(row.text, day_first=order.day_first):
            before = row.text[: found.start]
            due = DUE_LABELS.search(before)
            labelled = DATE_LABELS.search(before)
            excluded = NOT_DATE.search(before)
            dates.append((row, found, due, labelled, excluded))
    fields = {}
    if not dates:
        return fields
    due_dates = [entry for entry in dates if entry[2] and not entry[4]]
    issue = [entry for entry in dates if entry[3] and not entry[2] and not entry[4]]
    # A date on the line under a label (labels in a row, values in the next).
    positional = _dates_under_labels(rows, dates)
    if not issue and positional.get("date"):
        issue = [positional["date"]]
    if not due_dates and positional.get("due"):
        due_dates = [positional["due"]]
    plain = [entry for entry in dates if not entry[2] and not entry[4]] or dates
    if issue:
        row, found = issue[0][0], issue[0][1]
        confidence = 0.95
        # Two labelled issue dates that disagree: one of them is misread.
        if any(entry[1].value != found.value for entry in issue[1:]):
            confidence -= 0.2
    else:
        row, found = plain[0][0], plain[0][1]
        # The only date printed (often twice) is the document's date; one among others is a guess.
        confidence = 0.9 if len({entry[1].value for entry in plain}) == 1 else 0.7
    date_value = found.value
    date_doubt = order.penalty if found.ambiguous else 0.0
    due_entry = due_dates[0] if due_dates else None
    due_value, due_doubt, due_confidence = None, 0.0, 0.0
    if due_entry is not None:
        due_value, due_doubt, due_confidence = due_entry[1].value, order.penalty if due_entry[1].ambiguous else 0.0, 0.95
        if terms_days is not None and (date_doubt or due_doubt):
            # The payment terms settle an ambiguous pair: the reading that puts the due
            # date exactly the terms after the issue date is the document's.
            readings = [(d, u) for d in {date_value, _swapped(found) if found.ambiguous else None} - {None}
                        for u in {due_value, _swapped(due_entry[1]) if due_entry[1].ambiguous else None} - {None}
                        if (u - d).days == terms_days]
            if len(readings) == 1:
                (date_value, due_value), date_doubt, due_doubt = readings[0], 0.0, 0.0
        if due_value < date_value:
            # A due date before the issue date: one of the two is misread.
            confidence -= 0.2
            due_value = None
        elif terms_days is not None and (due_value - date_value).days == terms_days:
            # Exactly the payment terms apart: each confirms the other.
            confidence = max(confidence, 0.95)
            due_confidence = 0.97
        elif terms_days is not None:
            due_confidence -= 0.2
    fields["date"] = make_field(date_value, (confidence - date_doubt) * row.confidence_of(found.start, found.end),
                                row, found.text)
    if due_value is not None:
        due_row, due = due_entry[0], due_entry[1]
        fields["due_date"] = make_field(due_value, (due_confidence - due_doubt) * due_row.confidence_of(due.start, due.end),
                                        due_row, due.text)
    return fields


def _dates_under_labels(rows, dates):
    found = {}
    for position, row in enumerate(rows[:-1]):
        below = rows[position + 1]
        for key, label in (("due", DUE_LABELS), ("date", DATE_LABELS)):
            if key in found:
                continue
            for word in row.line.words:
                if not label.search(word.text):
                    continue
                x0, x1 = word.box[0], word.box[2]
                for entry in dates:
                    if entry[0] is not below:
                        continue
                    # Character span of the date → its words' boxes.
                    box = _span_box(below, entry[1].start, entry[1].end)
                    if box and box[0] < x1 + 0.02 and box[2] > x0 - 0.02:
                        if key == "date" and DUE_LABELS.search(row.text[: row.text.find(word.text) + len(word.text)]):
                            continue
                        found[key] = entry
                        break
                if key in found:
                    break
    return found


def _span_box(row: Row, start: int, end: int):
    position = 0
    boxes = []
    for word in row.line.words:
        word_start, word_end = position, position + len(word.text)
        if word_end > start and word_start < end:
            boxes.append(word.box)
        position = word_end + 1
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def choose_reference(rows):
    best = None
    for position, row in enumerate(rows):
        for match in REFERENCE_LABELS.finditer(row.text):
            rest = row.text[match.end():]
            rest_stripped = rest.lstrip(" :.#°-")
            label = match.group(0).lower()
            if re.fullmatch(r"no\.|ref(?:erence)?\s*(?:no)?\.?", label):
                strength = 0.5
            elif re.search(r"number|no|nr|n°|#|nummer", label):
                strength = 0.9
            elif not row.text[: match.start()].strip(" -*:"):
                # The title heading the line, then the number: "INVOICE INV-2024-12671".
                strength = 0.85
            else:
                strength = 0.7
            value = None
            if rest_stripped:
                candidate = REFERENCE_VALUE.match(rest_stripped)
                if candidate and _looks_like_reference(candidate.group("value")):
                    value = candidate.group("value")
            if value is None:
                value = _reference_below(rows, position, match)
                strength -= 0.1
            if value:
                score = strength + (0.05 if position < len(rows) / 2 else 0)
                if best is None or score > best[0]:
                    best = (score, value.rstrip(".:"), row)
            break
    if best is None:
        return {}
    return {"reference": make_field(best[1], best[0] * best[2].confidence, best[2])}


def _looks_like_reference(value: str) -> bool:
    if not any(ch.isdigit() for ch in value):
        return False
    if find_dates(value) or re.fullmatch(r"\d{1,2}[:.]\d{2}(?::\d{2})?", value):
        return False
    if re.fullmatch(r"\d+[.,]\d{2}", value):
        return False
    return 2 <= len(value) <= 30


def _reference_below(rows, position, match):
    row = rows[position]
    if position + 1 >= len(rows):
        return None
    words_before = len(row.text[: match.start()].split())
    label_words = row.line.words[words_before: words_before + max(1, len(match.group(0).split()))]
    if not label_words:
        return None
    x0 = min(w.box[0] for w in label_words)
    x1 = max(w.box[2] for w in label_words)
    below = rows[position + 1]
    for word in below.line.words:
        if word.box[0] < x1 + 0.01 and word.box[2] > x0 - 0.01 and _looks_like_reference(word.text):
            return word.text
    return None
