"""What happens to a document in Xero after it is created, as the API does it: a bill
voided (AUTHORISED, no payments), a draft or submitted bill deleted, a bill paid in full
(PAID with FullyPaidOnDate), spend money deleted (Status DELETED); and If-Modified-Since
on Invoices, CreditNotes and BankTransactions returning exactly what changed after it,
deleted and voided documents included (UpdatedDateUTC later than the header)."""

import datetime as dt

import pytest

from xero_sandbox import clock
from xero_sandbox.accounting.wire import parse_date

pytestmark = pytest.mark.django_db(transaction=True)

LINES = [{"Description": "Flour", "Quantity": 1, "UnitAmount": 100, "AccountCode": "429", "TaxType": "INPUT2"}]


def _bill(sandbox, status="AUTHORISED", number="B-1"):
    body = {"Invoices": [{"Type": "ACCPAY", "Contact": {"Name": "Office Depot Ltd"}, "Date": "2026-05-04",
                          "DueDate": "2026-06-04", "InvoiceNumber": number, "Status": status, "LineItems": LINES}]}
    response = sandbox.call("PUT", "/Invoices", json=body)
    assert response.status_code == 200, response.content
    return response.json()["Invoices"][0]


def _credit_note(sandbox):
    body = {"CreditNotes": [{"Type": "ACCPAYCREDIT", "Contact": {"Name": "Office Depot Ltd"}, "Date": "2026-05-04",
                             "CreditNoteNumber": "CN-1", "Status": "AUTHORISED", "LineItems": LINES}]}
    response = sandbox.call("PUT", "/CreditNotes", json=body)
    assert response.status_code == 200, response.content
    return response.json()["CreditNotes"][0]


def _spend(sandbox):
    body = {"BankTransactions": [{"Type": "SPEND", "Contact": {"Name": "Office Depot Ltd"},
                                  "BankAccount": {"Code": "090"}, "Date": "2026-05-04", "LineItems": LINES}]}
    response = sandbox.call("PUT", "/BankTransactions", json=body)
    assert response.status_code == 200, response.content
    return response.json()["BankTransactions"][0]


def _set_status(sandbox, endpoint, document_id, status):
    return sandbox.call("POST", f"/{endpoint}/{document_id}", json={endpoint: [{"Status": status}]})


def test_authorised_bill_is_voided(sandbox):
    bill = _bill(sandbox)
    response = _set_status(sandbox, "Invoices", bill["InvoiceID"], "VOIDED")
    assert response.status_code == 200, response.content
    assert response.json()["Invoices"][0]["Status"] == "VOIDED"


@pytest.mark.parametrize("status", ["DRAFT", "SUBMITTED"])
def test_draft_or_submitted_bill_is_deleted(sandbox, status):
    bill = _bill(sandbox, status=status)
    response = _set_status(sandbox, "Invoices", bill["InvoiceID"], "DELETED")
    assert response.status_code == 200, response.content
    assert response.json()["Invoices"][0]["Status"] == "DELETED"


def test_authorised_bill_cannot_be_deleted_and_paid_bill_cannot_be_voided(sandbox):
    bill = _bill(sandbox)
    assert _set_status(sandbox, "Invoices", bill["InvoiceID"], "DELETED").status_code == 400
    payment = {"Invoice": {"InvoiceID": bill["InvoiceID"]}, "Account": {"Code": "090"}, "Date": "2026-05-10",
               "Amount": bill["AmountDue"]}
    assert sandbox.call("PUT", "/Payments", json={"Payments": [payment]}).status_code == 200
    assert _set_status(sandbox, "Invoices", bill["InvoiceID"], "VOIDED").status_code == 400


def test_full_payment_makes_the_bill_paid_on_the_payment_date(sandbox):
    bill = _bill(sandbox)
    payment = {"Invoice": {"InvoiceID": bill["InvoiceID"]}, "Account": {"Code": "090"}, "Date": "2026-05-10",
               "Amount": bill["AmountDue"]}
    assert sandbox.call("PUT", "/Payments", json={"Payments": [payment]}).status_code == 200
    paid = sandbox.call("GET", f"/Invoices/{bill['InvoiceID']}").json()["Invoices"][0]
    assert (paid["Status"], paid["AmountDue"]) == ("PAID", 0)
    assert parse_date(paid["FullyPaidOnDate"]) == dt.date(2026, 5, 10)


def test_spend_money_is_deleted_with_status_deleted(sandbox):
    spend = _spend(sandbox)
    response = _set_status(sandbox, "BankTransactions", spend["BankTransactionID"], "DELETED")
    assert response.status_code == 200, response.content
    assert response.json()["BankTransactions"][0]["Status"] == "DELETED"
    # Deleted is final.
    assert _set_status(sandbox, "BankTransactions", spend["BankTransactionID"], "AUTHORISED").status_code == 400


def test_reconciled_spend_money_cannot_be_deleted(sandbox):
    from xero_sandbox.accounting.models import Document

    spend = _spend(sandbox)
    Document.objects.filter(pk=spend["BankTransactionID"]).update(is_reconciled=True)
    assert _set_status(sandbox, "BankTransactions", spend["BankTransactionID"], "DELETED").status_code == 400


@pytest.mark.parametrize(
    ("endpoint", "create", "change"),
    [
        ("Invoices", _bill, "VOIDED"),
        ("CreditNotes", lambda sandbox: _credit_note(sandbox), "VOIDED"),
        ("BankTransactions", lambda sandbox: _spend(sandbox), "DELETED"),
    ],
)
def test_if_modified_since_returns_what_changed_after_it_deleted_and_voided_included(
    sandbox, endpoint, create, change
):
    id_field = {"Invoices": "InvoiceID", "CreditNotes": "CreditNoteID", "BankTransactions": "BankTransactionID"}[
        endpoint
    ]
    unchanged = create(sandbox)
    changed = create(sandbox) if endpoint != "Invoices" else _bill(sandbox, number="B-2")
    newest = max(parse_updated(d["UpdatedDateUTC"]) for d in (unchanged, changed))
    clock.advance(2)
    assert _set_status(sandbox, endpoint, changed[id_field], change).status_code == 200

    since = sandbox.call("GET", f"/{endpoint}", headers={"If-Modified-Since": newest.isoformat()}).json()[endpoint]
    assert [(d[id_field], d["Status"]) for d in since] == [(changed[id_field], change)]
    # The newest UpdatedDateUTC a client saw, sent back, doesn't return that document again.
    latest = parse_updated(since[0]["UpdatedDateUTC"])
    assert sandbox.call("GET", f"/{endpoint}", headers={"If-Modified-Since": latest.isoformat()}).json()[endpoint] == []


def parse_updated(value: str) -> dt.datetime:
    milliseconds = int(value[len("/Date("):].split("+")[0].split(")")[0])
    return dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(milliseconds=milliseconds)
