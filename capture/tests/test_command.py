"""The extract_document command: one JSON object per file per line."""

import json

import pytest
from django.core.management import call_command

from capture import samples
from lists.tests.factories import ContactFactory


def run(*args) -> list[dict]:
    from io import StringIO

    out = StringIO()
    call_command("extract_document", *args, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]


REQUIRED = {"file", "source", "document_type", "supplier_name", "supplier", "tax_number", "date", "due_date",
            "reference", "currency", "net", "tax", "total", "lines", "confidence", "seconds"}


def test_prints_one_json_line_per_file_with_contacts_from_a_file(tmp_path):
    # No django_db mark: pytest-django fails any query, so this also shows the command
    # never touches the database with --contacts.
    pdf, invoice = samples.invoice_pdf(41, layout=0, country="GB")
    xml, einvoice = samples.ubl_xml(42, country="FR")
    (tmp_path / "bill.pdf").write_bytes(pdf)
    (tmp_path / "einvoice.xml").write_bytes(xml)
    (tmp_path / "junk.pdf").write_bytes(b"%PDF-1.4 not really")
    contacts = tmp_path / "contacts.txt"
    contacts.write_text(f"Someone Else Ltd\n{invoice.supplier.name.upper()}\n\n{einvoice.supplier.name}\n")
    records = run(str(tmp_path / "bill.pdf"), str(tmp_path / "einvoice.xml"), str(tmp_path / "junk.pdf"),
                  "--contacts", str(contacts))
    bill, xml_record, junk = records
    assert set(bill) >= REQUIRED
    assert bill["source"] == "text"
    assert bill["supplier_name"] == invoice.supplier.name
    assert bill["supplier"] == invoice.supplier.name.upper()
    assert (bill["date"], bill["due_date"]) == (invoice.date.isoformat(), invoice.due_date.isoformat())
    assert (bill["net"], bill["tax"], bill["total"]) == (f"{invoice.net:.2f}", f"{invoice.tax:.2f}", f"{invoice.total:.2f}")
    assert bill["reference"] == invoice.reference
    assert 0 < bill["confidence"]["total"] <= 1
    assert xml_record["source"] == "e-invoice"
    assert xml_record["supplier"] == einvoice.supplier.name
    assert xml_record["total"] == f"{einvoice.total:.2f}"
    assert len(xml_record["lines"]) == len(einvoice.lines)
    assert {v for k, v in xml_record["confidence"].items() if k != "supplier"} == {1.0}
    assert junk["file"].endswith("junk.pdf") and junk["error"]


@pytest.mark.django_db
def test_business_option_matches_that_business_contacts(business, other_business, tmp_path):
    pdf, invoice = samples.invoice_pdf(43, layout=1, country="GB")
    ContactFactory(business=business, name="Unrelated Supplies Ltd")
    mine = ContactFactory(business=business, name="Different Name Ltd", tax_number=invoice.supplier.tax_number)
    ContactFactory(business=other_business, name=invoice.supplier.name)
    (tmp_path / "bill.pdf").write_bytes(pdf)
    [record] = run(str(tmp_path / "bill.pdf"), "--business", str(business.pk))
    assert record["supplier"] == mine.name
    assert record["match_method"] == "tax_number"
    [record] = run(str(tmp_path / "bill.pdf"), "--business", str(other_business.pk))
    assert record["supplier"] == invoice.supplier.name
    assert record["match_method"] == "name"
