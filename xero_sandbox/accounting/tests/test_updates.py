"""POST updates and lock dates on bank transactions, over raw HTTP with spec validation."""

import datetime as dt


def _draft(sandbox):
    body = {
        "Invoices": [
            {
                "Type": "ACCPAY",
                "Contact": {"Name": "Office Depot Ltd"},
                "Date": "/Date(1777593600000)/",
                "Status": "DRAFT",
                "LineItems": [{"Description": "Paper", "Quantity": 2, "UnitAmount": 4.5, "AccountCode": "461"}],
            }
        ]
    }
    response = sandbox.call("PUT", "/Invoices", json=body)
    assert response.status_code == 200, response.content
    return response.json()["Invoices"][0]


def test_post_authorises_a_draft_and_keeps_its_lines(sandbox):
    draft = _draft(sandbox)
    response = sandbox.call(
        "POST", f"/Invoices/{draft['InvoiceID']}", json={"Invoices": [{"Status": "AUTHORISED"}]}
    )
    assert response.status_code == 200, response.content
    invoice = response.json()["Invoices"][0]
    assert invoice["Status"] == "AUTHORISED"
    assert invoice["Total"] == 10.8
    assert [line["Description"] for line in invoice["LineItems"]] == ["Paper"]


def test_authorised_invoice_cannot_go_back_to_draft(sandbox):
    draft = _draft(sandbox)
    sandbox.call("POST", f"/Invoices/{draft['InvoiceID']}", json={"Invoices": [{"Status": "AUTHORISED"}]})
    response = sandbox.call("POST", f"/Invoices/{draft['InvoiceID']}", json={"Invoices": [{"Status": "DRAFT"}]})
    assert response.status_code == 400
    message = response.json()["Elements"][0]["ValidationErrors"][0]["Message"]
    assert message == "Invoice not of valid status for modification"


def test_end_of_year_lock_blocks_bank_transactions(sandbox):
    org = sandbox.organisation
    org.end_of_year_lock_date = dt.date(2026, 3, 31)
    org.period_lock_date = dt.date(2026, 4, 30)
    org.save()
    body = {
        "Type": "SPEND",
        "Contact": {"Name": "City Power & Light"},
        "BankAccount": {"Code": "090"},
        "Date": "2026-03-15",
        "LineItems": [{"Description": "Power", "Quantity": 1, "UnitAmount": 80, "AccountCode": "445"}],
    }
    response = sandbox.call("PUT", "/BankTransactions", json={"BankTransactions": [body]})
    assert response.status_code == 400
    assert response.json()["Elements"][0]["ValidationErrors"][0]["Message"] == (
        "The document date cannot be before the end of year lock date, currently set at 31 Mar 2026"
    )
    body["Date"] = "2026-05-01"
    response = sandbox.call("PUT", "/BankTransactions", json={"BankTransactions": [body]})
    assert response.status_code == 200
    assert response.json()["BankTransactions"][0]["TotalTax"] == 4.0  # 5% reduced rate on 445


def test_invoices_if_modified_since(sandbox):
    _draft(sandbox)
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()
    response = sandbox.call("GET", "/Invoices", headers={"If-Modified-Since": later})
    assert response.json()["Invoices"] == []
    earlier = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).isoformat()
    response = sandbox.call("GET", "/Invoices", headers={"If-Modified-Since": earlier})
    assert len(response.json()["Invoices"]) == 1
