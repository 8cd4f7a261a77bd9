"""Fields from an e-invoice: every one exact, confidence 1."""

from __future__ import annotations

from decimal import Decimal

from capture.document import ReadDocument
from capture.extraction.labels import (
    FREE_MAIL,
    TERMS,
)
from capture.fields import ExtractedField, ExtractedLine, Extraction
from capture.parsing import (
    money,
    normalise_tax_number,
)
from capture.profile import BusinessProfile


def einvoice_extraction(document: ReadDocument, profile: BusinessProfile | None) -> Extraction:
    from capture.matching import normalise_name

    invoice = document.einvoice
    sale = False
    if profile is not None:
        own_numbers = {normalise_tax_number(n) for n in profile.tax_numbers if n}
        seller_number = normalise_tax_number(invoice.seller.tax_number)
        sale = bool(seller_number and seller_number in own_numbers) or (
            bool(profile.name) and normalise_name(invoice.seller.name) == normalise_name(profile.name)
        )
    counterparty = invoice.buyer if sale else invoice.seller
    fields: dict[str, ExtractedField] = {}

    def put(name, value):
        if value not in (None, ""):
            fields[name] = ExtractedField(value=value, confidence=1.0, source_text=str(value))

    put("document_type", invoice.document_type)
    put("item_type", "sale" if sale else "cost")
    put("supplier_name", counterparty.name)
    put("tax_number", counterparty.tax_number or counterparty.company_id)
    put("email", counterparty.email)
    if counterparty.email and "@" in counterparty.email:
        domain = counterparty.email.rsplit("@", 1)[1].lower()
        if domain not in FREE_MAIL:
            put("website", domain)
    put("date", invoice.issue_date)
    put("due_date", invoice.due_date)
    if invoice.payment_terms:
        terms = TERMS.search(invoice.payment_terms)
        if terms:
            put("payment_terms_days", int(terms.group("days")))
    put("reference", invoice.number)
    put("currency", invoice.currency)
    put("net", invoice.net)
    put("tax", invoice.tax)
    put("total", invoice.total)
    if invoice.payable == Decimal(0) and invoice.total > 0:
        put("paid", True)
    return Extraction(source="e-invoice", fields=fields, lines=_einvoice_lines(invoice))


def _einvoice_lines(invoice) -> list[ExtractedLine]:
    """Every line with its share of the tax: each rate's tax (from the breakdown, exact) is
    spread over that rate's lines by net, the last line taking the rounding."""
    entries = [*invoice.lines, *invoice.adjustments]
    taxes = [Decimal(0)] * len(entries)
    for entry in invoice.tax_breakdown or ():
        members = [i for i, line in enumerate(entries) if line.tax_percent == entry.percent
                   and (not entry.category or not line.tax_category or line.tax_category == entry.category)]
        if not members:
            continue
        base = sum((entries[i].net for i in members), Decimal(0))
        remaining = entry.tax
        for position, i in enumerate(members):
            if position == len(members) - 1:
                taxes[i] = remaining
            else:
                share = money(entry.tax * entries[i].net / base) if base else Decimal(0)
                taxes[i] = share
                remaining -= share
    if not invoice.tax_breakdown:
        taxes = [money(line.net * (line.tax_percent or 0) / 100) for line in entries]
    return [
        ExtractedLine(
            description=line.description,
            quantity=line.quantity,
            unit_amount=line.unit_price,
            net=line.net,
            tax_amount=tax,
            total=line.net + tax,
            tax_percent=line.tax_percent,
        )
        for line, tax in zip(entries, taxes, strict=True)
    ]
