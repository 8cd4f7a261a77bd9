"""E-invoices: UBL and CII read exactly, XML attacks and garbage refused."""

from datetime import date
from decimal import Decimal

import pytest

from capture import samples
from capture.einvoice import is_einvoice_xml, parse_einvoice_xml, render_einvoice_pdf
from capture.errors import UnreadableDocument
from capture.pipeline import capture, extract, read_document
from capture.profile import BusinessProfile

PROFILE = BusinessProfile(name="Demo Bakery Ltd", country="GB", base_currency="GBP", tax_numbers=("GB987654321",))


def _assert_exact(extraction, answer, document_type):
    assert extraction.source == "e-invoice"
    assert extraction.value("document_type") == document_type
    assert extraction.value("item_type") == "cost"
    assert extraction.value("supplier_name") == answer.supplier.name
    assert extraction.value("tax_number") == answer.supplier.tax_number
    assert extraction.value("email") == answer.supplier.email
    assert extraction.value("reference") == answer.reference
    assert extraction.value("date") == answer.date
    assert extraction.value("due_date") == answer.due_date
    assert extraction.value("currency") == answer.currency
    assert extraction.value("net") == answer.net
    assert extraction.value("tax") == answer.tax
    assert extraction.value("total") == answer.total
    assert {field.confidence for field in extraction.fields.values()} == {1.0}
    assert [(line.description, line.quantity, line.unit_amount, line.net, line.tax_amount, line.tax_percent)
            for line in extraction.lines] == [
        (line.description, line.quantity, line.unit_amount, line.net, line.tax_amount, line.tax_percent)
        for line in answer.lines
    ]
    assert sum(line.total for line in extraction.lines) == answer.total


def test_ubl_invoice_is_read_exactly():
    xml, answer = samples.ubl_xml(7, country="FR")
    extraction, _match = capture(xml, content_type="application/xml", profile=PROFILE)
    _assert_exact(extraction, answer, "invoice")
    assert extraction.value("payment_terms_days") == answer.payment_terms_days


def test_ubl_credit_note_is_read_exactly():
    xml, answer = samples.ubl_xml(8, country="DE", credit_note=True)
    extraction, _match = capture(xml, content_type="application/xml", profile=PROFILE)
    _assert_exact(extraction, answer, "credit_note")


def test_facturx_pdf_is_read_from_its_embedded_xml():
    pdf, answer = samples.facturx_pdf(9, country="FR")
    document = read_document(pdf, content_type="application/pdf")
    assert document.source == "e-invoice"
    assert document.einvoice.syntax == "CII"
    _assert_exact(extract(document, profile=PROFILE), answer, "invoice")


def test_an_einvoice_issued_by_the_business_is_a_sale_to_its_customer():
    answer = samples.invoice_answer(3, country="GB")
    own = BusinessProfile(name=answer.supplier.name, country="GB", base_currency="GBP",
                          tax_numbers=(answer.supplier.tax_number,))
    xml, answer = samples.ubl_xml(3, country="GB", answer=answer)
    extraction, _match = capture(xml, content_type="application/xml", profile=own)
    assert extraction.value("item_type") == "sale"
    assert extraction.value("supplier_name") == "Demo Bakery Ltd"
    assert extraction.value("tax_number") == "GB987654321"


def test_sniffing_recognises_ubl_and_cii_but_not_other_xml():
    ubl, _ = samples.ubl_xml(1)
    cii = samples.cii_xml(samples.invoice_answer(1))
    assert is_einvoice_xml(ubl[:2048])
    assert is_einvoice_xml(cii[:2048])
    assert not is_einvoice_xml(b"<?xml version='1.0'?><html><body/></html>")
    assert not is_einvoice_xml(b"%PDF-1.7")
    # A head cut inside the root's long start tag still tells.
    cut = ubl.index(b"xsd:Invoice-2") + 14
    assert b">" not in ubl[ubl.index(b"<Invoice"):cut]
    assert is_einvoice_xml(ubl[:cut])
    assert not is_einvoice_xml(b"<?xml version='1.0'?><Invoice xmlns='urn:example:not-ubl'")


def test_rendered_view_is_a_pdf_with_the_invoice_text():
    xml, answer = samples.ubl_xml(4, country="FR")
    pdf = render_einvoice_pdf(parse_einvoice_xml(xml))
    document = read_document(pdf, content_type="application/pdf")
    assert document.source == "text"
    text = document.text
    assert answer.reference in text
    assert answer.supplier.name in text
    assert f"{answer.total:,.2f}" in text
    for line in answer.lines:
        assert line.description in text


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
<cbc:ID>&xxe;</cbc:ID><cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode></Invoice>"""
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&lol3;</Invoice>"""


@pytest.mark.parametrize(
    "xml",
    [
        XXE,
        BILLION_LAUGHS,
        b"<Invoice xmlns='urn:oasis:names:specification:ubl:schema:xsd:Invoice-2'><unclosed>",
        b"<?xml version='1.0'?><note><to>Tove</to></note>",
        b"",
        b"\x00\x01garbage" * 100,
    ],
    ids=["xxe", "billion-laughs", "malformed", "not-an-invoice", "empty", "garbage"],
)
def test_unsafe_or_unreadable_xml_is_refused(xml):
    with pytest.raises(UnreadableDocument):
        read_document(xml, content_type="application/xml")


def test_ubl_tax_in_accounting_currency_is_not_taken_for_the_document_tax():
    xml, answer = samples.ubl_xml(5, country="FR")
    extra = b'<cac:TaxTotal><cbc:TaxAmount currencyID="GBP">999.99</cbc:TaxAmount></cac:TaxTotal>'
    xml = xml.replace(b"<cac:TaxTotal>", extra + b"<cac:TaxTotal>", 1)
    invoice = parse_einvoice_xml(xml)
    assert invoice.tax == answer.tax
    assert invoice.issue_date == answer.date
    assert isinstance(invoice.issue_date, date)
    assert invoice.total == answer.total != Decimal(0)


def test_the_suppliers_address_is_read_from_ubl_and_cii():
    xml, answer = samples.ubl_xml(6, country="FR")
    street, town = answer.supplier.address
    assert parse_einvoice_xml(xml).seller.address == (street, town)
    # The CII sample prints the street and the postcode (the first word of the town line).
    assert parse_einvoice_xml(samples.cii_xml(answer)).seller.address == (street, town.split()[0])
