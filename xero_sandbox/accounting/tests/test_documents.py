"""Creating bills, invoices, credit notes, bank transactions and payments through xero-python."""

import datetime as dt
from decimal import Decimal

import pytest
from xero_python.accounting import (
    Account,
    BankTransaction,
    BankTransactions,
    Contact,
    CreditNote,
    CreditNotes,
    CurrencyCode,
    Invoice,
    Invoices,
    LineAmountTypes,
    LineItem,
    LineItemTracking,
    Payment,
)
from xero_python.exceptions import AccountingBadRequestException

from xero_sandbox.accounting import control
from xero_sandbox.accounting.models import Document


def _contact_id(accounting, tenant, name):
    return accounting.get_contacts(tenant, where=f'Name=="{name}"', include_archived=True).contacts[0].contact_id


def _bill(accounting, tenant, *, lines, status="AUTHORISED", amounts=LineAmountTypes.EXCLUSIVE, **extra):
    return Invoice(
        type="ACCPAY",
        contact=Contact(contact_id=_contact_id(accounting, tenant, "Bakery Supplies Co")),
        date=dt.date(2026, 5, 1),
        due_date=dt.date(2026, 5, 31),
        line_amount_types=amounts,
        status=status,
        line_items=lines,
        **extra,
    )


def test_bill_totals_exclusive_are_right_to_the_cent(accounting, tenant):
    bill = _bill(
        accounting,
        tenant,
        lines=[
            LineItem(description="Flour", quantity=3, unit_amount=12.35, account_code="310", tax_type="INPUT2"),
            LineItem(description="Bags", quantity=1, unit_amount=0.99, account_code="429"),
        ],
        invoice_number="SUP-1001",
        reference="dext-item-1",
    )
    created = accounting.create_invoices(tenant, Invoices(invoices=[bill]), idempotency_key="k-1").invoices[0]
    assert created.status == "AUTHORISED"
    assert Decimal(str(created.sub_total)) == Decimal("38.04")
    assert Decimal(str(created.total_tax)) == Decimal("7.61")  # 7.41 + 0.20, rounded per line
    assert Decimal(str(created.total)) == Decimal("45.65")
    assert Decimal(str(created.amount_due)) == Decimal("45.65")
    fetched = accounting.get_invoice(tenant, created.invoice_id).invoices[0]
    assert [line.description for line in fetched.line_items] == ["Flour", "Bags"]
    assert fetched.line_items[1].tax_type == "INPUT2"
    assert fetched.date == dt.date(2026, 5, 1)
    stored = Document.objects.get(pk=created.invoice_id)
    assert stored.idempotency_key == "k-1"
    assert stored.created_by_app == "dext-sandbox-app"


def test_inclusive_tax_is_extracted_per_line_and_tax_amount_overrides(accounting, tenant):
    bill = _bill(
        accounting,
        tenant,
        amounts=LineAmountTypes.INCLUSIVE,
        lines=[
            LineItem(description="Coffee", line_amount=10.00, account_code="429", tax_type="INPUT2"),
            LineItem(description="Override", line_amount=50.00, account_code="429", tax_type="INPUT2", tax_amount=8.00),
        ],
    )
    created = accounting.create_invoices(tenant, Invoices(invoices=[bill])).invoices[0]
    assert Decimal(str(created.total_tax)) == Decimal("9.67")  # 1.67 + 8.00
    assert Decimal(str(created.total)) == Decimal("60.00")
    assert Decimal(str(created.sub_total)) == Decimal("50.33")


def test_sales_invoice_with_tracking_and_no_tax(accounting, tenant):
    invoice = Invoice(
        type="ACCREC",
        contact=Contact(name="Brand New Customer Ltd"),
        date=dt.date(2026, 5, 2),
        due_date=dt.date(2026, 6, 2),
        line_amount_types=LineAmountTypes.NOTAX,
        status="DRAFT",
        line_items=[
            LineItem(
                description="Cakes",
                quantity=2,
                unit_amount=25,
                account_code="200",
                tracking=[LineItemTracking(name="Region", option="North")],
            )
        ],
    )
    created = accounting.create_invoices(tenant, Invoices(invoices=[invoice])).invoices[0]
    assert created.invoice_number == "INV-0001"
    assert created.total == 50
    assert created.line_items[0].tracking[0].option == "North"
    contacts = accounting.get_contacts(tenant, where='Name=="Brand New Customer Ltd"').contacts
    assert contacts[0].is_customer is True


def _error_messages(exc: AccountingBadRequestException) -> list[str]:
    return [e["Message"] for element in exc.error_data["Elements"] for e in element["ValidationErrors"]]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            {"account_code": "090"},
            "Account code '090' is not a valid code for this document.",
        ),
        (
            {"account_code": "999"},
            "Account code '999' is not a valid code for this document.",
        ),
        (
            {"account_code": "400", "tax_type": "OUTPUT2"},
            "The TaxType code 'OUTPUT2' cannot be used with account code '400'.",
        ),
        (
            {"account_code": "400", "tracking": [LineItemTracking(name="Department", option="Marketing")]},
            "The tracking option 'Marketing' has been archived.",
        ),
        (
            {"account_code": "400", "tax_amount": 500},
            "The tax amount cannot be greater than the line amount",
        ),
    ],
)
def test_line_validation_messages(accounting, tenant, line, message):
    bill = _bill(accounting, tenant, lines=[LineItem(description="x", quantity=1, unit_amount=100, **line)])
    with pytest.raises(AccountingBadRequestException) as caught:
        accounting.create_invoices(tenant, Invoices(invoices=[bill]))
    assert caught.value.error_data["ErrorNumber"] == 10
    assert caught.value.error_data["Type"] == "ValidationException"
    assert _error_messages(caught.value) == [message]
    assert not Document.objects.exists()


def test_archived_account_message(accounting, tenant, sandbox):
    control.account_archive(organisation=sandbox.organisation, code="310")
    bill = _bill(accounting, tenant, lines=[LineItem(description="x", quantity=1, unit_amount=5, account_code="310")])
    with pytest.raises(AccountingBadRequestException) as caught:
        accounting.create_invoices(tenant, Invoices(invoices=[bill]))
    assert caught.value.reason == (
        "Account code '310' has been archived, or has been deleted. Each line item must reference a valid account."
    )


def test_archived_contact_and_unsubscribed_currency(accounting, tenant, sandbox):
    control.contact_archive(organisation=sandbox.organisation, name="Bakery Supplies Co")
    bill = _bill(
        accounting,
        tenant,
        lines=[LineItem(description="x", quantity=1, unit_amount=5, account_code="429")],
        currency_code=CurrencyCode.JPY,
    )
    with pytest.raises(AccountingBadRequestException) as caught:
        accounting.create_invoices(tenant, Invoices(invoices=[bill]))
    assert _error_messages(caught.value) == [
        "The contact with the specified contact details has been archived. The contact must be un-archived "
        "before creating new invoices or credit notes.",
        "Organisation is not subscribed to currency JPY",
    ]


def test_period_lock_blocks_authorised_but_not_draft(accounting, tenant, sandbox):
    org = sandbox.organisation
    org.period_lock_date = dt.date(2026, 5, 31)
    org.save()
    lines = [LineItem(description="x", quantity=1, unit_amount=5, account_code="429")]
    with pytest.raises(AccountingBadRequestException) as caught:
        accounting.create_invoices(tenant, Invoices(invoices=[_bill(accounting, tenant, lines=lines)]))
    assert caught.value.reason == "The document date cannot be before the period lock date, currently set at 31 May 2026"
    draft = _bill(accounting, tenant, lines=lines, status="DRAFT")
    assert accounting.create_invoices(tenant, Invoices(invoices=[draft])).invoices[0].status == "DRAFT"


def test_sales_invoice_number_must_be_unique(accounting, tenant):
    def invoice():
        return Invoice(
            type="ACCREC",
            contact=Contact(name="Corner Cafe"),
            invoice_number="INV-42",
            line_items=[LineItem(description="x", quantity=1, unit_amount=5, account_code="200")],
        )

    accounting.create_invoices(tenant, Invoices(invoices=[invoice()]))
    with pytest.raises(AccountingBadRequestException) as caught:
        accounting.create_invoices(tenant, Invoices(invoices=[invoice()]))
    assert caught.value.reason == "Invoice # must be unique."


def test_no_line_items_on_authorised_bill(accounting, tenant):
    with pytest.raises(AccountingBadRequestException) as caught:
        accounting.create_invoices(tenant, Invoices(invoices=[_bill(accounting, tenant, lines=[])]))
    assert caught.value.reason == "One or more line items must be specified"


def test_summarize_errors_false_saves_good_elements_and_reports_bad_ones(accounting, tenant):
    good = _bill(accounting, tenant, lines=[LineItem(description="ok", quantity=1, unit_amount=5, account_code="429")])
    bad = _bill(accounting, tenant, lines=[LineItem(description="bad", quantity=1, unit_amount=5, account_code="090")])
    result = accounting.create_invoices(tenant, Invoices(invoices=[good, bad]), summarize_errors=False).invoices
    assert [r.status_attribute_string for r in result] == ["OK", "ERROR"]
    assert result[1].validation_errors[0].message == "Account code '090' is not a valid code for this document."
    assert Document.objects.count() == 1


def test_summarize_errors_default_fails_whole_batch(accounting, tenant):
    good = _bill(accounting, tenant, lines=[LineItem(description="ok", quantity=1, unit_amount=5, account_code="429")])
    bad = _bill(accounting, tenant, lines=[LineItem(description="bad", quantity=1, unit_amount=5, account_code="090")])
    with pytest.raises(AccountingBadRequestException):
        accounting.create_invoices(tenant, Invoices(invoices=[good, bad]))
    assert not Document.objects.exists()


def test_total_mismatch_is_rejected(sandbox):
    body = {
        "Invoices": [
            {
                "Type": "ACCPAY",
                "Contact": {"Name": "Bakery Supplies Co"},
                "Date": "2026-05-01",
                "Total": 99.99,
                "LineItems": [{"Description": "x", "Quantity": 1, "UnitAmount": 10, "AccountCode": "429"}],
            }
        ]
    }
    response = sandbox.call("PUT", "/Invoices", json=body)
    assert response.status_code == 400
    assert response.json()["Elements"][0]["ValidationErrors"][0]["Message"].startswith("The document total 99.99")


def test_malformed_json_is_post_data_invalid(sandbox):
    response = sandbox.call(
        "PUT", "/Invoices", data=b"{not json", headers={"Content-Type": "application/json"}, validate=False
    )
    assert response.status_code == 400
    assert response.json()["Type"] == "PostDataInvalidException"
    assert response.json()["ErrorNumber"] == 14


def test_unknown_invoice_is_404(sandbox):
    response = sandbox.call("GET", "/Invoices/00000000-0000-0000-0000-000000000000")
    assert response.status_code == 404


def test_invoices_found_by_reference_and_status(accounting, tenant):
    bill = _bill(
        accounting, tenant, reference="dext-77", lines=[LineItem(description="x", quantity=1, unit_amount=5, account_code="429")]
    )
    accounting.create_invoices(tenant, Invoices(invoices=[bill]))
    found = accounting.get_invoices(tenant, where='Reference=="dext-77"').invoices
    assert len(found) == 1
    assert accounting.get_invoices(tenant, statuses=["DRAFT"]).invoices == []
    paged = accounting.get_invoices(tenant, page=1)
    assert paged.invoices[0].line_items[0].description == "x"


def test_credit_note_and_bank_transaction(accounting, tenant):
    contact = Contact(contact_id=_contact_id(accounting, tenant, "Bakery Supplies Co"))
    note = CreditNote(
        type="ACCPAYCREDIT",
        contact=contact,
        date=dt.date(2026, 5, 3),
        status="AUTHORISED",
        line_items=[LineItem(description="Refund", quantity=1, unit_amount=10, account_code="429")],
    )
    created = accounting.create_credit_notes(tenant, CreditNotes(credit_notes=[note])).credit_notes[0]
    assert created.total == 12
    spend = BankTransaction(
        type="SPEND",
        contact=contact,
        bank_account=Account(code="090"),
        date=dt.date(2026, 5, 4),
        line_items=[LineItem(description="Milk", quantity=2, unit_amount=1.5, account_code="429")],
    )
    created = accounting.create_bank_transactions(tenant, BankTransactions(bank_transactions=[spend]))
    transaction = created.bank_transactions[0]
    assert transaction.total == Decimal("3.60")
    assert transaction.bank_account.code == "090"
    wrong = BankTransaction(
        type="SPEND",
        contact=contact,
        bank_account=Account(code="429"),
        line_items=[LineItem(description="Milk", quantity=1, unit_amount=1, account_code="429")],
    )
    with pytest.raises(AccountingBadRequestException):
        accounting.create_bank_transactions(tenant, BankTransactions(bank_transactions=[wrong]))


def test_payment_rules_and_full_payment_marks_bill_paid(accounting, tenant):
    lines = [LineItem(description="x", quantity=1, unit_amount=100, account_code="429")]
    bill = accounting.create_invoices(tenant, Invoices(invoices=[_bill(accounting, tenant, lines=lines)])).invoices[0]
    draft = accounting.create_invoices(
        tenant, Invoices(invoices=[_bill(accounting, tenant, lines=lines, status="DRAFT")])
    ).invoices[0]

    def pay(invoice, amount, code="090"):
        payment = Payment(
            invoice=Invoice(invoice_id=invoice.invoice_id), account=Account(code=code), date=dt.date(2026, 5, 5), amount=amount
        )
        return accounting.create_payment(tenant, payment)

    with pytest.raises(AccountingBadRequestException) as caught:
        pay(bill, 500)
    assert caught.value.reason == "Payment amount exceeds the amount outstanding on this document"
    with pytest.raises(AccountingBadRequestException):
        pay(draft, 10)
    with pytest.raises(AccountingBadRequestException):
        pay(bill, 10, code="429")
    paid = pay(bill, 120).payments[0]
    assert paid.amount == 120
    fetched = accounting.get_invoice(tenant, bill.invoice_id).invoices[0]
    assert fetched.status == "PAID"
    assert fetched.amount_due == 0
    assert fetched.amount_paid == 120


def test_duplicates_are_counted(accounting, tenant, sandbox):
    lines = [LineItem(description="x", quantity=1, unit_amount=5, account_code="429")]
    for _ in range(3):
        accounting.create_invoices(tenant, Invoices(invoices=[_bill(accounting, tenant, lines=lines, reference="same")]))
    assert control.count_duplicates(sandbox.organisation) == 2
    assert len(control.documents(sandbox.organisation, type="ACCPAY")) == 3
