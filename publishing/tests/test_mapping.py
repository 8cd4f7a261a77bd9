"""The mapping on its own: pure functions, no database, no network."""

from datetime import date
from decimal import Decimal

import pytest

from publishing.mapping import (
    BankAccountInput,
    ItemInput,
    LineInput,
    MappingError,
    attachment_file_name,
    build_document,
)

BANK = BankAccountInput(xero_id="bank-1", code="090", is_bank=True)
CARD_PAYMENTS = BankAccountInput(xero_id="acc-9", code="880", is_bank=False)
LINE = LineInput("Flour", "429", "INPUT2", Decimal("100"), Decimal("20"), Decimal("120"), (("Region", "North"),))


def item(**changes) -> ItemInput:
    values = {
        "item_type": "cost", "document_type": "invoice", "destination": "purchases_awaiting_payment",
        "contact_xero_id": "c-1", "date": date(2026, 5, 4), "due_date": date(2026, 6, 3), "reference": "INV-1",
        "currency_code": "GBP", "exchange_rate": None, "lines": [LINE], "tax_calculation": "document",
        "base_currency": "GBP", "bank_account": BANK,
    }
    values.update(changes)
    return ItemInput(**values)


def test_bill_lines_carry_exact_tax():
    document = build_document(item())
    assert (document.endpoint, document.type, document.status) == ("Invoices", "ACCPAY", "AUTHORISED")
    line = document.payload["LineItems"][0]
    assert (line["LineAmount"], line["TaxAmount"], line["AccountCode"], line["TaxType"]) == (
        Decimal("100.00"), Decimal("20.00"), "429", "INPUT2")
    assert line["Tracking"] == [{"Name": "Region", "Option": "North"}]
    assert document.payload["LineAmountTypes"] == "Exclusive"
    assert document.payload["InvoiceNumber"] == "INV-1"
    assert document.payload["DueDate"] == "2026-06-03"
    assert document.total == Decimal("120.00")


def test_xero_calculates_sends_gross_inclusive_lines_without_tax():
    line = build_document(item(tax_calculation="xero")).payload["LineItems"][0]
    assert line["LineAmount"] == Decimal("120.00") and "TaxAmount" not in line


def test_paid_bill_carries_a_payment_from_the_bank_account():
    document = build_document(item(destination="purchases_paid"))
    assert document.payment == {"Account": {"AccountID": "bank-1"}, "Date": "2026-05-04", "Amount": Decimal("120.00"),
                                "Reference": "INV-1"}


def test_paid_bill_without_bank_account_is_awaiting_payment_and_says_why():
    document = build_document(item(destination="purchases_paid", bank_account=None))
    assert document.status == "AUTHORISED" and document.payment is None
    assert "no linked bank account" in document.notices[0]


def test_spend_money_needs_a_bank_type_account():
    with pytest.raises(MappingError) as missing:
        build_document(item(document_type="receipt", destination="spend_money", bank_account=None))
    assert missing.value.code == "no_bank_account"
    with pytest.raises(MappingError) as wrong:
        build_document(item(document_type="receipt", destination="spend_money", bank_account=CARD_PAYMENTS))
    assert wrong.value.code == "bank_account_not_recognised"


def test_foreign_currency_sends_rate():
    payload = build_document(item(currency_code="EUR", exchange_rate=Decimal("1.170000"))).payload
    assert (payload["CurrencyCode"], payload["CurrencyRate"]) == ("EUR", Decimal("1.170000"))


def test_sale_and_credit_note_types():
    assert build_document(item(item_type="sale", destination="sales_invoice")).type == "ACCREC"
    assert build_document(item(item_type="sale", destination="receive_money")).type == "RECEIVE"
    assert build_document(item(document_type="credit_note")).type == "ACCPAYCREDIT"
    assert build_document(item(document_type="credit_note", item_type="sale")).type == "ACCRECCREDIT"
    assert build_document(item(document_type="credit_note", destination="purchases_draft")).status == "DRAFT"


def test_only_https_links_are_sent_to_xero():
    assert "Url" not in build_document(item(url="http://127.0.0.1:8000/inbox/1/")).payload
    assert build_document(item(url="https://app.example/inbox/1/")).payload["Url"] == "https://app.example/inbox/1/"


def test_no_lines_is_refused():
    with pytest.raises(MappingError):
        build_document(item(lines=[]))


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [("Bill: May/2026?.pdf", "application/pdf", "Bill- May-2026-.pdf"),
     ("scan", "image/jpeg", "scan.jpg"),
     ("  .pdf", "application/pdf", "item-7.pdf")],
)
def test_attachment_file_names_are_safe_for_xero(name, content_type, expected):
    assert attachment_file_name(name, content_type=content_type, item_id=7) == expected
