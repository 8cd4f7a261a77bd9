"""The help article's publishing: an uploaded bill, completed on Item details, published
to Xero; and a publishing error shown on the item and fixed there."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.steps import SUPPLIER, UK, choose_contact, expect_item_details, log_in, upload_and_open
from xero_sandbox.accounting import control
from xero_sandbox.models import Organisation

pytestmark = pytest.mark.e2e

GENERAL_EXPENSES = "429 · General Expenses"
CLEANING = "408 · Cleaning"
VAT_20 = "20% VAT on Expenses"


def fill_in_bill(walk, *, category: str) -> None:
    """What the person reads off the document, and the supplier, category and tax rate."""
    page = walk.page
    item = item_fields(page)
    choose_contact(page, "Supplier", SUPPLIER)
    item.get_by_label("Date", exact=True).fill("2026-05-04")
    item.get_by_label("Reference").fill("INV-2291")
    item.get_by_label("Total", exact=True).fill("120.00")
    item.get_by_label("Tax amount").fill("20.00")
    item.get_by_label("Category", exact=True).select_option(label=category)
    choose_option(item.get_by_label("Tax rate", exact=True), VAT_20)
    walk.step("item details filled in")
    page.get_by_role("button", name="Save", exact=True).click()


def choose_option(select, text: str) -> None:
    """Choose the option whose label starts with ``text`` (labels end with the rate)."""
    option = select.locator("option", has_text=text).first
    select.select_option(value=option.get_attribute("value"))


def item_fields(page):
    # The item's own fields; each line item below them has fields with the same labels
    # inside its own "Line N" group.
    return page.locator(".items-grid")


def publish(walk):
    page = walk.page
    panel = page.locator("#publish")
    panel.get_by_role("button", name="Publish").click()
    # Published, or failed: either way the panel says so by itself (htmx polling).
    outcome = panel.get_by_text("Published to Xero").or_(panel.get_by_text("Publishing failed."))
    expect(outcome).to_be_visible(timeout=60_000)
    return panel


def test_administrator_publishes_a_bill_and_xero_has_it(walk, xero_connected_business, bill_pdf):
    page = walk.page
    log_in(walk, "admin@example.com")
    upload_and_open(walk, bill_pdf, doc="inbox")
    fill_in_bill(walk, category=GENERAL_EXPENSES)
    panel = page.locator("#publish")
    expect(panel.get_by_role("button", name="Publish")).to_be_enabled()
    walk.step("ready to publish", doc="item-details")

    panel = publish(walk)
    expect(panel.get_by_text(re.compile(r"Published to Xero as a bill INV-2291"))).to_be_visible()
    walk.step("published", doc="item-published")

    # "View in Xero" opens the organisation's page in Xero (here, the sandbox's).
    with page.context.expect_page() as new_tab:
        panel.get_by_role("link", name="View in Xero").click()
    xero = new_tab.value
    walk.switch_to(xero)
    expect(xero.get_by_role("heading", name=UK)).to_be_visible()
    bills = xero.locator("section", has=xero.get_by_role("heading", name="Bills"))
    bill = bills.locator("details", has_text="INV-2291")
    expect(bill).to_contain_text(SUPPLIER)
    expect(bill).to_contain_text("DRAFT")  # the default destination: Purchases as Draft
    expect(bill).to_contain_text("GBP 120.00")
    expect(bill).to_contain_text("1 attachment")
    bill.locator("summary").click()
    line = bill.get_by_role("row").nth(1)
    expect(line.get_by_role("cell", name="429", exact=True)).to_be_visible()
    expect(line.get_by_role("cell", name="INPUT2", exact=True)).to_be_visible()
    expect(line.get_by_role("cell", name="100.00", exact=True)).to_be_visible()
    expect(line.get_by_role("cell", name="20.00", exact=True)).to_be_visible()
    expect(bill).to_contain_text("subtotal 100.00 · tax 20.00 · total 120.00")
    expect(bill.get_by_role("link", name=re.compile(r"\.pdf$"))).to_be_visible()
    walk.step("the bill in Xero", doc="xero-bill")


def test_publishing_error_is_explained_on_the_item_and_fixed_there(walk, xero_connected_business, bill_pdf):
    page = walk.page
    log_in(walk, "admin@example.com")
    upload_and_open(walk, bill_pdf)
    fill_in_bill(walk, category=GENERAL_EXPENSES)

    # Meanwhile in Xero, someone archives the General Expenses account.
    control.account_archive(organisation=Organisation.objects.get(name=UK), code="429")

    panel = publish(walk)
    error = panel.get_by_role("alert")
    expect(error).to_contain_text("Publishing failed.")
    expect(error).to_contain_text("has been archived or deleted in Xero")
    expect(error).to_contain_text("Choose an active category on the item")
    walk.step("publishing error", doc="publishing-error")

    # The message's own link takes the person to the fix: the item, ready to edit.
    error.get_by_role("link", name="Edit the item").click()
    expect_item_details(page)
    item = item_fields(page)
    item.get_by_label("Category", exact=True).select_option(label=CLEANING)
    page.get_by_role("button", name="Save", exact=True).click()
    # Fixed and saved: the error no longer shows (it stays in the History).
    expect(panel.get_by_text("Publishing failed.")).to_have_count(0)
    expect(page.locator("#history").get_by_text(re.compile("Publishing error fixed by this edit"))).to_be_visible()
    walk.step("the error is gone once fixed")
    panel = publish(walk)
    expect(panel.get_by_text(re.compile(r"Published to Xero as a bill INV-2291"))).to_be_visible()
    walk.step("published after the fix")


def test_item_date_is_shown_again_after_saving(walk, xero_connected_business, bill_pdf):
    page = walk.page
    log_in(walk, "admin@example.com")
    upload_and_open(walk, bill_pdf)
    fill_in_bill(walk, category=GENERAL_EXPENSES)
    expect(page.get_by_text("Bill INV-2291 from Bakery Supplies Co saved.")).to_be_visible()
    # Typed as ISO, shown back the way a UK business writes it.
    expect(item_fields(page).get_by_label("Date", exact=True)).to_have_value("04/05/2026", timeout=2_000)


def test_a_bill_already_keyed_into_xero_is_set_aside_and_the_file_attached_to_it(walk, xero_lists, bill_pdf):
    """Someone typed the bill into Xero before its PDF reached dext: Publish doesn't make a
    second one; the person sees Xero's copy and attaches the PDF to it."""
    from publishing.tests.test_already_in_xero import keyed_by_hand

    existing = keyed_by_hand(xero_lists, contact=SUPPLIER, number="INV-2291")
    page = walk.page
    log_in(walk, "admin@example.com")
    upload_and_open(walk, bill_pdf)
    fill_in_bill(walk, category=GENERAL_EXPENSES)
    panel = page.locator("#publish")
    panel.get_by_role("button", name="Publish").click()

    found = panel.get_by_role("alert").filter(has_text="Possible duplicate in Xero")
    expect(found).to_be_visible(timeout=60_000)
    expect(found).to_contain_text("INV-2291")
    expect(found).to_contain_text(SUPPLIER)
    expect(found.get_by_role("link", name=re.compile("Open a bill INV-2291"))).to_be_visible()
    walk.step("already in Xero: the choices", doc="already-in-xero")

    found.get_by_role("button", name="Attach the document to it").click()
    expect(panel.get_by_text(re.compile(r"Published to Xero as a bill INV-2291"))).to_be_visible(timeout=60_000)
    expect(panel.get_by_text(re.compile("dext did not create it"))).to_be_visible()
    walk.step("attached to the bill in Xero")
    existing.refresh_from_db()
    assert existing.attachments.count() == 1
    assert existing.organisation.documents.filter(type="ACCPAY").count() == 1
