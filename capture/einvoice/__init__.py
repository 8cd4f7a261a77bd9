"""E-invoices: UBL 2.1 (Peppol BIS Billing 3.0) and UN/CEFACT CII (Factur-X / ZUGFeRD).

An e-invoice states every field exactly, so nothing here guesses: a value is read from the
element EN 16931 puts it in, or it is absent. XML comes from strangers, so it is parsed
with no DTD, no entity expansion and no network (lxml's parser options), and a document
that declares a DOCTYPE is refused outright.
"""

from __future__ import annotations

from capture.einvoice.embedded import xml_from_pdf
from capture.einvoice.model import EInvoice, EInvoiceLine, EInvoiceParty, TaxBreakdown
from capture.einvoice.reading import parse_einvoice_xml
from capture.einvoice.safe_xml import (
    CAC,
    CBC,
    CII,
    NS,
    RAM,
    UBL_CREDIT_NOTE,
    UBL_INVOICE,
    UDT,
    is_einvoice_xml,
    parse_xml,
)
from capture.einvoice.view import render_einvoice_pdf

__all__ = [
    "CAC",
    "CBC",
    "CII",
    "NS",
    "RAM",
    "UBL_CREDIT_NOTE",
    "UBL_INVOICE",
    "UDT",
    "EInvoice",
    "EInvoiceLine",
    "EInvoiceParty",
    "TaxBreakdown",
    "is_einvoice_xml",
    "parse_einvoice_xml",
    "parse_xml",
    "render_einvoice_pdf",
    "xml_from_pdf",
]
