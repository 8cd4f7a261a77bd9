"""Documents drawn by code, each with the answer a reader should find in it.

For tests, the benchmark and demo data: supplier invoices and credit notes in several
layouts, languages (en, fr, de) and currencies, scanned copies, photographed till
receipts (rotated, skewed, noisy, blurred), Factur-X PDFs and UBL XML. Every generator
is deterministic for a given ``seed``. Nothing is downloaded: fonts are the Bitstream
Vera files that ship inside reportlab.
"""

from capture.samples.answers import (
    COUNTRIES,
    FIRST,
    LEGAL,
    RECEIPT_SHOPS,
    SECOND,
    Answer,
    AnswerLine,
    Party,
    invoice_answer,
    money,
    party,
    receipt_answer,
)
from capture.samples.einvoices import cii_xml, facturx_pdf, ubl_xml
from capture.samples.printed import (
    format_amount,
    format_date,
    invoice_pdf,
    receipt_image,
    receipt_photo,
    scanned_pdf,
)

__all__ = [
    "COUNTRIES",
    "FIRST",
    "LEGAL",
    "RECEIPT_SHOPS",
    "SECOND",
    "Answer",
    "AnswerLine",
    "Party",
    "cii_xml",
    "facturx_pdf",
    "format_amount",
    "format_date",
    "invoice_answer",
    "invoice_pdf",
    "money",
    "party",
    "receipt_answer",
    "receipt_image",
    "receipt_photo",
    "scanned_pdf",
    "ubl_xml",
]
