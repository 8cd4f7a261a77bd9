"""Xero's webhooks, seen by a person: a bill paid on the sandbox's organisation page (as in
Xero) is announced to dext, and the Connections page says webhooks are arriving."""

import re
import time

from playwright.sync_api import expect

from tests.e2e.steps import UK, log_in, open_connections
from xero_sandbox.accounting.documents import documents_submit
from xero_sandbox.models import Organisation


def _authorised_bill(organisation):
    result = documents_submit(
        organisation=organisation, kind="invoice", summarize_errors=True, allow_update=False,
        elements=[{"Type": "ACCPAY", "Status": "AUTHORISED", "Contact": {"Name": "Bakery Supplies Co"},
                   "InvoiceNumber": "BS-4410", "Date": "2026-11-02", "DueDate": "2026-12-02",
                   "LineItems": [{"Description": "Flour", "Quantity": 1, "UnitAmount": "84.00",
                                  "AccountCode": "310"}]}],
    )
    assert not result.failed, result.outcomes
    return result.saved[0]


def test_a_bill_paid_in_xero_reaches_dext_as_a_webhook(xero_webhooks, walk, xero_connected_business):
    page = walk.page
    organisation = Organisation.objects.get(name=UK)
    _authorised_bill(organisation)

    walk.open(f"/xero-sandbox/orgs/{organisation.pk}/")
    bills = page.locator("section", has=page.get_by_role("heading", name="Bills"))
    expect(bills.locator("details", has_text="BS-4410")).to_contain_text("AUTHORISED")
    walk.step("an approved bill in Xero")

    page.get_by_role("button", name="Pay in full BS-4410 (Bakery Supplies Co)").click()
    expect(page.get_by_role("status")).to_have_text("Paid in full: bill BS-4410 is now PAID.")
    expect(bills.locator("details", has_text="BS-4410")).to_contain_text("PAID")
    expect(page.get_by_role("button", name=re.compile("Pay in full BS-4410"))).to_have_count(0)
    walk.step("paid in Xero")

    log_in(walk, "admin@example.com")
    open_connections(walk)
    receiving = page.get_by_text("Xero's webhooks are arriving.")
    deadline = time.monotonic() + 30  # a real worker delivers (CI); eager tasks already have
    while not receiving.is_visible() and time.monotonic() < deadline:
        time.sleep(0.5)
        page.reload()
    expect(receiving).to_be_visible()
    walk.step("webhooks arriving", doc="connections-webhooks")
