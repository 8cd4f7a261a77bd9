"""Where the sandbox used to differ from Xero (issue 14): each test follows the cited
source, over HTTP, with every JSON answer checked against Xero's OpenAPI spec."""

import concurrent.futures
import datetime as dt
import time
from decimal import Decimal

import pytest

from xero_sandbox import faults
from xero_sandbox.accounting import rates
from xero_sandbox.accounting.models import Document

ZERO_GUID = "00000000-0000-0000-0000-000000000000"


def _contact_id(sandbox, name="Bakery Supplies Co"):
    body = sandbox.call("GET", "/Contacts", params={"where": f'Name=="{name}"'}).json()
    return body["Contacts"][0]["ContactID"]


def _bill(sandbox, *, number="B-1", amount="10.00", date="2026-05-04", account="429", **extra):
    return {
        "Type": "ACCPAY", "Contact": {"ContactID": _contact_id(sandbox)}, "Date": date, "DueDate": date,
        "Status": "AUTHORISED", "InvoiceNumber": number,
        "LineItems": [{"Description": "x", "Quantity": 1, "UnitAmount": amount, "AccountCode": account,
                       "TaxType": "INPUT2"}],
        **extra,
    }


def test_a_second_request_with_a_key_in_flight_waits_and_gets_the_first_answer(sandbox):
    # Xero's idempotency guide: the same key while the first request runs is answered with
    # the first request's answer, never a second document.
    faults.add_latency(1500, count=1, path_prefix="/xero-sandbox/api/api.xro/2.0/Invoices", method="PUT")
    body = {"Invoices": [_bill(sandbox, number="SLOW-1")]}

    def send():
        return sandbox.call("PUT", "/Invoices", json=body, headers={"Idempotency-Key": "slow-key"})

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(send)
        time.sleep(0.4)
        second = pool.submit(send)
        answers = [first.result(timeout=30), second.result(timeout=30)]
    assert [answer.status_code for answer in answers] == [200, 200]
    ids = {answer.json()["Invoices"][0]["InvoiceID"] for answer in answers}
    assert len(ids) == 1
    assert Document.objects.filter(number="SLOW-1").count() == 1


def test_idempotency_key_over_128_characters_is_refused(sandbox):
    response = sandbox.call("PUT", "/Invoices", json={"Invoices": [_bill(sandbox)]},
                            headers={"Idempotency-Key": "k" * 129})
    assert response.status_code == 400
    assert not Document.objects.exists()
    ok = sandbox.call("PUT", "/Invoices", json={"Invoices": [_bill(sandbox)]}, headers={"Idempotency-Key": "k" * 128})
    assert ok.status_code == 200


def test_sales_credit_note_numbers_are_unique_but_supplier_ones_are_not(sandbox):
    def credit(kind, contact):
        return {"CreditNotes": [{
            "Type": kind, "Contact": {"ContactID": _contact_id(sandbox, contact)}, "Date": "2026-05-04",
            "Status": "AUTHORISED", "CreditNoteNumber": "CN-7",
            "LineItems": [{"Description": "x", "Quantity": 1, "UnitAmount": 5,
                           "AccountCode": "200" if kind == "ACCRECCREDIT" else "429"}],
        }]}

    assert sandbox.call("PUT", "/CreditNotes", json=credit("ACCRECCREDIT", "Corner Cafe")).status_code == 200
    again = sandbox.call("PUT", "/CreditNotes", json=credit("ACCRECCREDIT", "Harbour Hotel"))
    assert again.status_code == 400
    assert again.json()["Elements"][0]["ValidationErrors"][0]["Message"] == "Credit Note # must be unique."
    for _ in range(2):
        assert sandbox.call("PUT", "/CreditNotes", json=credit("ACCPAYCREDIT", "Bakery Supplies Co")).status_code == 200


def test_a_voided_document_cannot_be_edited(sandbox):
    bill = sandbox.call("PUT", "/Invoices", json={"Invoices": [_bill(sandbox)]}).json()["Invoices"][0]
    path = f"/Invoices/{bill['InvoiceID']}"
    assert sandbox.call("POST", path, json={"Invoices": [{"Status": "VOIDED"}]}).status_code == 200
    edit = sandbox.call("POST", path, json={"Invoices": [{"Reference": "changed", "Status": "VOIDED"}]})
    assert edit.status_code == 400
    assert edit.json()["Elements"][0]["ValidationErrors"][0]["Message"] == "Invoice not of valid status for modification"
    assert Document.objects.get(pk=bill["InvoiceID"]).reference == ""


def test_foreign_currency_without_a_rate_gets_the_days_rate(sandbox):
    bill = _bill(sandbox, CurrencyCode="USD")
    created = sandbox.call("PUT", "/Invoices", json={"Invoices": [bill]}).json()["Invoices"][0]
    expected = rates.day_rate(base="GBP", currency="USD", on=dt.date(2026, 5, 4))
    assert expected != 1
    assert Decimal(str(created["CurrencyRate"])) == expected
    given = sandbox.call("PUT", "/Invoices", json={"Invoices": [_bill(sandbox, CurrencyCode="USD",
                                                                      CurrencyRate=1.25)]}).json()
    assert Decimal(str(given["Invoices"][0]["CurrencyRate"])) == Decimal("1.25")


def test_unit_amounts_keep_two_places_unless_unitdp_4(sandbox):
    two = sandbox.call("PUT", "/Invoices", json={"Invoices": [_bill(sandbox, amount="12.3456")]}).json()["Invoices"][0]
    assert Decimal(str(two["LineItems"][0]["UnitAmount"])) == Decimal("12.35")
    assert Decimal(str(two["Total"])) == Decimal("14.82")  # 12.35 + 20% VAT
    four = sandbox.call("PUT", "/Invoices", params={"unitdp": 4},
                        json={"Invoices": [_bill(sandbox, amount="12.3456")]}).json()["Invoices"][0]
    assert Decimal(str(four["LineItems"][0]["UnitAmount"])) == Decimal("12.3456")
    read_two = sandbox.call("GET", f"/Invoices/{four['InvoiceID']}").json()["Invoices"][0]
    assert Decimal(str(read_two["LineItems"][0]["UnitAmount"])) == Decimal("12.35")
    read_four = sandbox.call("GET", f"/Invoices/{four['InvoiceID']}", params={"unitdp": 4}).json()["Invoices"][0]
    assert Decimal(str(read_four["LineItems"][0]["UnitAmount"])) == Decimal("12.3456")


def test_failed_elements_come_back_in_xeros_shape(sandbox, accounting, tenant):
    # Xero-NetStandard #156: a refused element has a zero GUID id and Xero's own formats.
    good, bad = _bill(sandbox, number="OK-1"), _bill(sandbox, number="BAD-1", account="090")
    response = sandbox.call("PUT", "/Invoices", params={"summarizeErrors": "false"},
                            json={"Invoices": [good, bad]})  # validated against the spec
    assert response.status_code == 200
    failed = response.json()["Invoices"][1]
    assert failed["InvoiceID"] == ZERO_GUID
    assert failed["Date"] == "/Date(1777852800000+0000)/" and failed["DueDate"] == failed["Date"]
    assert failed["StatusAttributeString"] == "ERROR" and failed["HasErrors"] is True
    assert failed["LineItems"][0]["UnitAmount"] == 10.0
    # xero-python reads it (it refuses ISO dates where Xero sends MS-JSON ones).
    model = accounting.api_client.deserialize(response, "Invoices", accounting.get_model_finder())
    assert model.invoices[1].date == dt.date(2026, 5, 4)
    assert str(model.invoices[1].invoice_id) == ZERO_GUID


def test_batch_400_fault_saves_the_valid_elements_and_answers_400(sandbox):
    faults.answer_batch_400(1)
    good, bad = _bill(sandbox, number="KEPT-1"), _bill(sandbox, number="LOST-1", account="090")
    response = sandbox.call("PUT", "/Invoices", params={"summarizeErrors": "false"}, json={"Invoices": [good, bad]})
    assert response.status_code == 400
    elements = response.json()["Elements"]
    assert [e["InvoiceNumber"] for e in elements] == ["LOST-1"]
    assert list(Document.objects.values_list("number", flat=True)) == ["KEPT-1"]


def test_order_sorts_every_list(sandbox):
    for number, amount in (("O-1", "30.00"), ("O-2", "10.00"), ("O-3", "20.00")):
        sandbox.call("PUT", "/Invoices", json={"Invoices": [_bill(sandbox, number=number, amount=amount)]})
    newest_first = sandbox.call("GET", "/Invoices", params={"order": "UpdatedDateUTC DESC", "page": 1}).json()
    assert [i["InvoiceNumber"] for i in newest_first["Invoices"]] == ["O-3", "O-2", "O-1"]
    by_total = sandbox.call("GET", "/Invoices", params={"order": "Total ASC"}).json()
    assert [i["InvoiceNumber"] for i in by_total["Invoices"]] == ["O-2", "O-3", "O-1"]
    accounts = sandbox.call("GET", "/Accounts", params={"order": "Code DESC"}).json()["Accounts"]
    assert [a["Code"] for a in accounts[:2]] == ["970", "960"]
    contacts = sandbox.call("GET", "/Contacts", params={"order": "Name DESC", "page": 1}).json()["Contacts"]
    assert contacts[0]["Name"] >= contacts[1]["Name"]
    rates_ = sandbox.call("GET", "/TaxRates", params={"order": "TaxType"}).json()["TaxRates"]
    assert [r["TaxType"] for r in rates_] == sorted(r["TaxType"] for r in rates_)
    for path in ("/Payments", "/CreditNotes", "/BankTransactions", "/TrackingCategories", "/Currencies"):
        assert sandbox.call("GET", path, params={"order": "Name ASC"}).status_code == 200
    assert sandbox.call("GET", "/Invoices", params={"order": "Total SIDEWAYS"}, validate=False).status_code == 400


@pytest.mark.parametrize("page_size", [2])
def test_where_on_contact_number_date_and_total_with_paging(sandbox, page_size):
    for n in range(5):
        sandbox.call("PUT", "/Invoices", json={"Invoices": [_bill(sandbox, number="SAME", amount=f"{n + 1}.00")]})
    where = (f'Contact.ContactID==Guid("{_contact_id(sandbox)}") AND InvoiceNumber=="SAME" '
             'AND Date==DateTime(2026,05,04) AND Total==3.60')
    page = sandbox.call("GET", "/Invoices", params={"where": where, "page": 1, "pageSize": page_size}).json()
    assert [i["Total"] for i in page["Invoices"]] == [3.6]
    assert page["pagination"]["itemCount"] == 1



@pytest.fixture
def australia(sandbox):
    from xero_sandbox import clock
    from xero_sandbox.accounting.seed import seed_books
    from xero_sandbox.accounting.tests.conftest import connect
    from xero_sandbox.models import Organisation

    org = Organisation.objects.create(name="Demo Company (AU)", short_code="!aU001", country_code="AU",
                                      base_currency="AUD", timezone="AUSEASTERNSTANDARDTIME", created=clock.now())
    seed_books(org)
    sandbox.organisation, sandbox.token = org, connect(organisation=org)
    return sandbox


def _abn_is_valid(abn: str) -> bool:
    # The ATO's check: subtract 1 from the first digit, weigh, divisible by 89.
    digits = [int(d) for d in abn.replace(" ", "")]
    digits[0] -= 1
    return len(digits) == 11 and sum(d * w for d, w in zip(digits, (10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19),
                                                             strict=True)) % 89 == 0


def test_an_australian_organisation_has_gst_bas_accounts_and_abns(australia):
    organisation = australia.call("GET", "/Organisation").json()["Organisations"][0]
    assert (organisation["CountryCode"], organisation["BaseCurrency"], organisation["Version"]) == ("AU", "AUD", "AU")
    assert (organisation["FinancialYearEndDay"], organisation["FinancialYearEndMonth"]) == (30, 6)
    rates_ = {r["TaxType"]: r for r in australia.call("GET", "/TaxRates").json()["TaxRates"]}
    assert {"INPUT", "OUTPUT", "EXEMPTEXPENSES", "GSTONIMPORTS", "BASEXCLUDED"} <= set(rates_)
    assert rates_["INPUT"]["EffectiveRate"] == 10 and rates_["INPUT"]["TaxComponents"][0]["Name"] == "GST"
    assert "INPUT2" not in rates_ and "NONE" not in rates_
    accounts = {a["Code"]: a for a in australia.call("GET", "/Accounts").json()["Accounts"]}
    assert (accounts["820"]["Name"], accounts["820"]["SystemAccount"]) == ("GST", "GST")
    assert accounts["825"]["Name"] == "PAYG Withholdings Payable" and "826" in accounts
    assert accounts["429"]["TaxType"] == "INPUT" and accounts["477"]["TaxType"] == "BASEXCLUDED"
    contacts = australia.call("GET", "/Contacts", params={"where": 'Name=="Bakery Supplies Co"'}).json()["Contacts"]
    assert _abn_is_valid(contacts[0]["TaxNumber"])


def test_an_australian_bill_takes_gst_at_ten_percent(australia):
    bill = _bill(australia, amount="100.00")
    bill["LineItems"][0]["TaxType"] = "INPUT"
    created = australia.call("PUT", "/Invoices", json={"Invoices": [bill]}).json()["Invoices"][0]
    assert (created["TotalTax"], created["Total"], created["CurrencyCode"]) == (10.0, 110.0, "AUD")
    uk_rate = _bill(australia)
    refused = australia.call("PUT", "/Invoices", json={"Invoices": [uk_rate]})
    assert refused.json()["Elements"][0]["ValidationErrors"][0]["Message"] == "Tax rate must be valid."
