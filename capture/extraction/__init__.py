"""Fields from a read document (invoice2data's "extraction" half).

An e-invoice gives every field exactly (confidence 1). Printed text is searched line by
line: a value next to its label ("Total", "TVA", "Rechnungsnummer") is worth more than a
guess (the largest amount), and the cross-checks — net + tax = total, lines add up to the
net, cash − change = total — raise the confidence of values that agree and lower it for
values that don't. OCR's own confidence in the words scales the result.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from capture.document import ReadDocument
from capture.extraction.amounts import choose_amounts, choose_currency, printed_lines, spread_tax
from capture.extraction.dates import choose_dates, choose_reference, date_order
from capture.extraction.from_einvoice import einvoice_extraction
from capture.extraction.labels import PAYMENT_TERMS, TERMS
from capture.extraction.parties import (
    choose_contacts,
    choose_document_type,
    choose_payment,
    choose_supplier,
    choose_tax_number,
    is_sale,
    name_candidates,
)
from capture.extraction.rows import make_field, rows_of
from capture.fields import ExtractedField, Extraction
from capture.profile import BusinessProfile

__all__ = ["extract_fields", "name_candidates"]


def extract_fields(document: ReadDocument, *, profile: BusinessProfile | None = None) -> Extraction:
    if document.einvoice is not None:
        return einvoice_extraction(document, profile)
    rows = rows_of(document)
    fields: dict[str, ExtractedField] = {}
    extraction = Extraction(source=document.source, fields=fields)
    if not rows:
        return extraction
    text = "\n".join(row.text for row in rows)
    sale = is_sale(rows, profile)
    payment = choose_payment(rows)
    terms = TERMS.search(text)
    order = date_order(rows, country=profile.country if profile else "",
                       base_currency=profile.base_currency if profile else "")
    dates = choose_dates(rows, order=order, terms_days=int(terms.group("days")) if terms else None)
    document_type = choose_document_type(rows, source=document.source, has_payment="payment" in payment,
                                          has_due="due_date" in dates or bool(terms))
    fields["document_type"] = document_type
    fields["item_type"] = make_field("sale" if sale else "cost", 0.8 if sale else 0.7)
    supplier, names = choose_supplier(rows, profile, sale=sale)
    fields.update(supplier)
    extraction.name_candidates = names
    fields.update(choose_tax_number(rows, profile, sale=sale))
    fields.update(choose_contacts(rows))
    fields.update(dates)
    # "Payment terms: 30 days" says when to pay; "within 30 days" may be about returns (a
    # till receipt's "exchange within 7 days"), so it counts for less, and not on a receipt.
    terms_confidence = 0.9 if terms and PAYMENT_TERMS.match(terms.group(0)) else 0.6
    if terms and (document_type.value != "receipt" or terms_confidence > 0.6):
        days = int(terms.group("days"))
        fields["payment_terms_days"] = make_field(days, terms_confidence, text=terms.group(0))
        if "due_date" not in fields and "date" in fields:
            # The issue date plus the terms: as sure as the less sure of the two.
            fields["due_date"] = make_field(fields["date"].value + timedelta(days=days),
                                            min(fields["date"].confidence, terms_confidence), text=terms.group(0))
    fields.update(choose_reference(rows))
    fields.update(choose_currency(rows, profile))
    fields.update(choose_amounts(rows, receipt_like=document_type.value == "receipt"))
    if document_type.value == "receipt":
        fields.update(payment)
    elif "paid" in payment:
        fields["paid"] = payment["paid"]
    net = fields.get("net")
    lines = printed_lines(rows, net.value if net else None)
    if lines:
        tax = fields.get("tax")
        lines = spread_tax(lines, tax.value if tax else Decimal(0))
        # The lines add up to the net: one more reason to trust it.
        fields["net"] = make_field(net.value, max(net.confidence, 0.95), text=net.source_text)
    extraction.lines = lines
    return extraction
