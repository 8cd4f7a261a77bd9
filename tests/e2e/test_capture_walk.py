"""Capture in the browser: a supplier's PDF invoice and a photo of a till receipt are
uploaded together, go from Processing to Ready by themselves (nobody types a field, nobody
reloads), and the invoice is published to Xero."""

import re

import pytest
from playwright.sync_api import expect

from capture import samples
from items.services import contact_rule_save
from lists.models import Category, Contact, PaymentMethod, TaxRate
from tests.e2e.steps import SUPPLIER, expect_item_details, log_in, upload

pytestmark = pytest.mark.e2e


@pytest.fixture
def documents(tmp_path):
    supplier = samples.Party(name=f"{SUPPLIER} Ltd", tax_number="GB284619037", address=("2 Bread Street", "London"))
    invoice, invoice_answer = samples.invoice_pdf(answer=samples.invoice_answer(77, country="GB", supplier=supplier))
    photo, photo_answer = samples.receipt_photo(seed=78, rotation=90, shop=("Office Depot Ltd", "GB"))
    invoice_path = tmp_path / "bakery-supplies-invoice.pdf"
    photo_path = tmp_path / "office-depot-receipt.jpg"
    invoice_path.write_bytes(invoice)
    photo_path.write_bytes(photo)
    return {"invoice": (invoice_path, invoice_answer), "receipt": (photo_path, photo_answer)}


@pytest.fixture
def rules(xero_lists, admin_user):
    """What the bookkeeper set up once: how each supplier's documents are coded."""
    business, _ = xero_lists
    lists = {
        "general": Category.objects.for_business(business).get(code="429"),
        "vat": TaxRate.objects.for_business(business).get(xero_id="INPUT2"),
        "bank": PaymentMethod.objects.for_business(business).filter(kind=PaymentMethod.Kind.BANK).first(),
    }
    for name, extra in ((SUPPLIER, {"publish_destination": "purchases_awaiting_payment"}),
                        ("Office Depot Ltd", {"payment_method": lists["bank"]})):
        contact_rule_save(
            business=business, contact=Contact.objects.for_business(business).get(name=name),
            data={"category": lists["general"], "tax_rate": lists["vat"], **extra}, acting_user=admin_user,
        )
    return business


def test_uploaded_invoice_and_receipt_photo_are_read_to_ready_and_published(walk, rules, documents):
    page = walk.page
    invoice_path, invoice = documents["invoice"]
    photo_path, receipt = documents["receipt"]
    log_in(walk, "admin@example.com")
    upload(walk, invoice_path, photo_path)
    expect(page.get_by_text("2 documents uploaded to the Inbox: dext is reading them now.")).to_be_visible()
    # The page stays put from here on: a reload would lose this marker.
    page.evaluate("window.stayedOnPage = true")

    invoice_row = page.get_by_role("row").filter(has_text=invoice_path.name)
    receipt_row = page.get_by_role("row").filter(has_text=photo_path.name)
    walk.step("uploaded, processing")
    for row, answer in ((invoice_row, invoice), (receipt_row, receipt)):
        expect(row.get_by_text("Ready", exact=True)).to_be_visible(timeout=90_000)
        expect(row).to_contain_text(f"£{answer.total:,.2f}")
    expect(invoice_row).to_contain_text(SUPPLIER)
    expect(invoice_row).to_contain_text(invoice.reference)
    expect(receipt_row).to_contain_text("Office Depot Ltd")
    expect(receipt_row).to_contain_text("receipt")
    assert page.evaluate("window.stayedOnPage === true"), "the Inbox was reloaded"
    walk.step("read and ready", doc="inbox-captured")

    invoice_row.get_by_role("link", name=re.compile(re.escape(invoice_path.name))).click()
    expect_item_details(page)
    fields = page.locator(".items-grid")
    expect(fields.get_by_label("Reference")).to_have_value(invoice.reference)
    expect(fields.get_by_label("Total", exact=True)).to_have_value(f"{invoice.total:.2f}")
    expect(fields.get_by_label("Date", exact=True)).to_have_value(invoice.date.strftime("%d/%m/%Y"))
    expect(page.get_by_text("Read from the PDF's text in ")).to_be_visible()
    walk.step("the captured invoice", doc="item-captured")

    panel = page.locator("#publish")
    panel.get_by_role("button", name="Publish").click()
    expect(panel.get_by_text(re.compile(rf"Published to Xero as a bill {re.escape(invoice.reference)}"))).to_be_visible(
        timeout=60_000
    )
    walk.step("published")
