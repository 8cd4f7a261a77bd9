"""Who issued the document, their tax number, email and website; how it was paid; what kind of document it is."""

from __future__ import annotations

import re

from capture.extraction.labels import (
    BILL_TO,
    CARD,
    CREDIT_WORDS,
    FREE_MAIL,
    INVOICE_WORDS,
    LEGAL_END,
    LEGAL_FORMS,
    MASK,
    NOT_NAME,
    RECEIPT_WORDS,
    TITLES,
)
from capture.extraction.rows import Row, make_field
from capture.parsing import (
    EMAIL,
    WEBSITE,
    find_amounts,
    find_dates,
    find_tax_numbers,
    normalise_tax_number,
)
from capture.profile import BusinessProfile


def choose_tax_number(rows, profile: BusinessProfile | None, *, sale: bool):
    own = {normalise_tax_number(n) for n in (profile.tax_numbers if profile else ()) if n}
    best = None
    for row in rows:
        for value, strength, _start in find_tax_numbers(row.text):
            key = normalise_tax_number(value)
            if not key or (key in own) != sale:
                continue
            score = strength - row.index * 0.001
            if best is None or score > best[0]:
                best = (score, value, row)
    if best is None:
        return {}
    return {"tax_number": make_field(best[1], min(best[0], 0.95) * best[2].confidence, best[2])}


def choose_contacts(rows):
    fields = {}
    for row in rows:
        for match in EMAIL.finditer(row.text):
            domain = match.group("domain").lower()
            fields.setdefault("email", make_field(match.group(0), 0.9 * row.confidence, row, match.group(0)))
            if domain not in FREE_MAIL:
                fields.setdefault("website", make_field(domain, 0.8 * row.confidence, row, match.group(0)))
        for match in WEBSITE.finditer(row.text):
            domain = match.group("domain").lower()
            domain = domain[4:] if domain.startswith("www.") else domain
            fields["website"] = make_field(domain, 0.9 * row.confidence, row, match.group(0))
    return fields


def _chunks(row: Row, gap: float = 0.035) -> list[tuple[str, tuple]]:
    """A line split where the words leave a wide gap: "Blue Fern Ltd      INVOICE" is two
    chunks, so a name and a title (or two columns) are judged apart."""
    chunks, current = [], []
    for word in row.line.words:
        previous = current[-1] if current else None
        char_width = (previous.box[2] - previous.box[0]) / max(len(previous.text), 1) if previous else 0
        if previous and word.box[0] - previous.box[2] > max(gap, 2.5 * char_width):
            chunks.append(current)
            current = []
        current.append(word)
    if current:
        chunks.append(current)
    return [(" ".join(w.text for w in chunk), (min(w.box[0] for w in chunk), min(w.box[1] for w in chunk),
             max(w.box[2] for w in chunk), max(w.box[3] for w in chunk))) for chunk in chunks]


def name_candidates(rows: list[Row], profile: BusinessProfile | None) -> list[tuple[float, Row, str]]:
    """Text that may be the issuer's name, best first: near the top of the first page,
    mostly letters, not an address, a phone number or a title; a legal form (Ltd, Sdn Bhd,
    GmbH) counts for a lot wherever it is."""
    from capture.matching import normalise_name

    own = normalise_name(profile.name) if profile and profile.name else ""
    scored = []
    bill_to_rows = set()
    for position, row in enumerate(rows):
        if BILL_TO.search(row.text):
            bill_to_rows.update({position, position + 1})
    first_page = [row for row in rows if row.page == rows[0].page] if rows else []
    for position, row in enumerate(first_page):
        for chunk, box in _chunks(row):
            text = title_tail(chunk.strip(" -*:"))
            # "ASIA MART (SA0264195-T)", "99 SPEED MART S/B 519537-X) 41150 KLANG": a name ends
            # where a registration number or an address begins.
            text = re.sub(r"\s*\([^()]*\d{4,}[^()]*\)?\s*$", "", text) or text
            cut = re.search(r"\s\(?[A-Z]{0,3}\d{5,}", text)
            if cut and sum(ch.isalpha() for ch in text[: cut.start()]) >= 4:
                text = text[: cut.start()]
            legal_end = re.search(r"(?i)\b(?:sdn\.?\s*bhd|bhd|ltd|limited|gmbh|pty\.?\s*ltd|inc|llc|plc|sarl|sas)\b\.?", text)
            if legal_end and re.search(r"\d|,|\bno\b|jalan|street|road|lot\b", text[legal_end.end():], re.I):
                # "LIGHTROOM GALLERY SDN BHD No: 28, JALAN ..." — the name ends with its legal form.
                text = text[: legal_end.end()]
            letters = sum(ch.isalpha() for ch in text)
            if letters < 3 or letters < 0.5 * len(text.replace(" ", "")):
                continue
            if own and normalise_name(text) == own:
                continue
            score = max(0.0, 1.0 - position * 0.12) + max(0.0, 0.5 - box[1])
            if LEGAL_FORMS.search(text):
                score += 1.2
            if NOT_NAME.search(text) or find_dates(text) or EMAIL.search(text):
                score -= 1.5
            if TITLES.fullmatch(text.strip(" -")) or (TITLES.match(text) and len(text.split()) <= 3):
                score -= 2.0
            if position in bill_to_rows or BILL_TO.search(text):
                score -= 2.0
            if re.search(r"\d{3,}", text):
                score -= 0.8
            if len(text) > 60:
                score -= 1.0
            score += min((box[3] - box[1]) * 20, 0.6)
            scored.append((score, row, text))
    scored.sort(key=lambda entry: -entry[0])
    return scored


def title_tail(text: str) -> str:
    """"INVOICE Blue Fern Ltd" → "Blue Fern Ltd" when a title and a name share a line."""
    match = TITLES.match(text)
    if match and match.end() < len(text):
        return text[match.end():].strip(" -:")
    return text


def choose_supplier(rows, profile, *, sale: bool):
    if sale:
        for position, row in enumerate(rows):
            match = BILL_TO.search(row.text)
            if not match:
                continue
            rest = row.text[match.end():].strip(" :")
            name = rest.split(",")[0].strip() if rest else (rows[position + 1].text if position + 1 < len(rows) else "")
            if name:
                return {"supplier_name": make_field(name, 0.7 * row.confidence, row, name)}, [name]
        return {}, []
    scored = name_candidates(rows, profile)
    if not scored:
        return {}, []
    names = []
    for _score, _row, text in scored[:6]:
        if text not in names:
            names.append(text)
    score, row, name = scored[0]
    # A long name printed over two or three lines ("AIK HUAT HARDWARE / ENTERPRISE (SETIA /
    # ALAM) SDN BHD"): the lines from the best one down to a legal form are one name.
    if not LEGAL_END.search(name):
        following = [r for r in rows if r.page == row.page and row.index < r.index <= row.index + 2]
        joined = name
        for extra in following:
            joined = f"{joined} {extra.text.strip()}"
            if LEGAL_END.search(extra.text) and len(joined) <= 70:
                name = joined
                names.insert(0, joined)
                break
    margin = score - (scored[1][0] if len(scored) > 1 else 0)
    confidence = min(0.9, 0.45 + 0.15 * score + 0.1 * min(margin, 1.5))
    return {"supplier_name": make_field(name, confidence * row.confidence, row, row.text)}, names


def choose_payment(rows):
    payment = None
    for row in rows:
        card = CARD.search(row.text)
        if card:
            brand = re.sub(r"\s+", " ", card.group("brand").upper()).replace("MASTER CARD", "MASTERCARD")
            mask = card.group("mask") or ""
            if not mask:
                masked = MASK.search(row.text)
                mask = masked.group(0) if masked else ""
            last = re.search(r"\d{4}$", mask)
            value = f"{brand} ****{last.group(0)}" if last else brand
            payment = (value, row, 0.85)
            break
    if payment is None:
        for row in rows:
            if re.search(r"(?<![a-z])(cash|tunai)(?![a-z])", row.text, re.I) and find_amounts(row.text + " "):
                payment = ("CASH", row, 0.7)
                break
    fields = {}
    if payment:
        fields["payment"] = make_field(payment[0], payment[2] * payment[1].confidence, payment[1])
        fields["paid"] = make_field(True, payment[2] * payment[1].confidence, payment[1])
    else:
        for row in rows:
            if re.search(r"(?<![a-z])(paid|pay[ée]e?|bezahlt|lunas)(?![a-z])", row.text, re.I) and not re.search(
                    r"to\s+be\s+paid|unpaid|amount\s+paid\s*:?\s*0", row.text, re.I):
                fields["paid"] = make_field(True, 0.6 * row.confidence, row)
                break
    return fields


def choose_document_type(rows, *, source: str, has_payment: bool, has_due: bool):
    text = "\n".join(row.text for row in rows[:60])
    head = "\n".join(row.text for row in rows[:15])
    if CREDIT_WORDS.search(head):
        return make_field("credit_note", 0.9, text=CREDIT_WORDS.search(head).group(0))
    receipt = len(RECEIPT_WORDS.findall(text)) + (2 if has_payment else 0) + (1 if source == "ocr" else 0)
    invoice = len(INVOICE_WORDS.findall(text)) + (2 if has_due else 0)
    if receipt > invoice:
        return make_field("receipt", min(0.95, 0.55 + 0.08 * (receipt - invoice)), text="")
    return make_field("invoice", min(0.95, 0.55 + 0.08 * (invoice - receipt + 1)), text="")


def is_sale(rows, profile: BusinessProfile | None) -> bool:
    """The business itself is the issuer: its own tax number is printed outside the
    customer block, or its name heads the document with no other company beside it (a
    supplier's invoice often prints the customer's name at the top too)."""
    if profile is None:
        return False
    from rapidfuzz import fuzz

    from capture.matching import normalise_name

    own_name = normalise_name(profile.name)
    own_numbers = {normalise_tax_number(n) for n in profile.tax_numbers if n}
    scored = name_candidates(rows, None)
    if own_name and scored:
        top = normalise_name(scored[0][2])
        others = [text for _score, row, text in name_candidates(rows, profile)
                  if row.index <= scored[0][1].index + 1 and LEGAL_FORMS.search(text)]
        if top and fuzz.ratio(top, own_name) >= 92 and not others:
            return True
    bill_to = {i for i, row in enumerate(rows) if BILL_TO.search(row.text)}
    near_customer = {i + k for i in bill_to for k in range(0, 4)}
    for i, row in enumerate(rows):
        for value, _strength, _start in find_tax_numbers(row.text):
            if normalise_tax_number(value) in own_numbers and i not in near_customer:
                return True
    return False
