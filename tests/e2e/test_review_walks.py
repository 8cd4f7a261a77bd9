"""Working through the Inbox as a bookkeeper does: a queue of ten items with the keyboard
alone, a bulk publish followed live, a supplier created from Item details, and the
Clients page of someone who works for several businesses."""

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from connections.models import EventKind, XeroConnection
from dext.tenancy.models import Role
from dext.tenancy.tests.factories import BusinessFactory, MembershipFactory
from items.models import Item, ItemStatus
from items.services import documents_upload, item_update
from lists.models import Category, Contact, TaxRate
from tests.e2e.keyboard import tab_to
from tests.e2e.steps import (
    SUPPLIER,
    UK,
    choose_organisation,
    expect_item_details,
    log_in,
    xero_login_and_consent,
)

pytestmark = pytest.mark.e2e


def note_pdf(text: str) -> bytes:
    """A scanned note capture can read nothing useful from: every field is the person's."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.setTitle(text)
    pdf.drawString(72, 720, "Delivery note")
    pdf.drawString(72, 700, "Goods received in good order.")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def wait_until_read(item: Item) -> Item:
    """With a real worker the document is read in the background: wait for it."""
    import time

    deadline = time.monotonic() + 90
    while Item.objects.filter(pk=item.pk, status=ItemStatus.PROCESSING).exists():
        assert time.monotonic() < deadline, "the document was not read"
        time.sleep(0.3)
    return Item.objects.get(pk=item.pk)


def inbox_items(business, user, count: int, *, supplier: str | None = None, category: str | None = None,
                start: int = 1) -> list[Item]:
    """Items as they come in: amounts, date and tax rate known; supplier and category left
    for the person unless given."""
    items = []
    for n in range(start, start + count):
        uploaded = SimpleUploadedFile(f"delivery-{n:02d}.pdf", note_pdf(f"note {n}"), "application/pdf")
        item = wait_until_read(documents_upload(business=business, files=[uploaded], acting_user=user).items[0])
        data = {
            "date": date(2026, 5, n), "reference": f"INV-{3000 + n}", "currency_code": "GBP",
            "net": Decimal("100.00") + n, "tax_amount": Decimal("20.00"), "total": Decimal("120.00") + n,
            "tax_rate": TaxRate.objects.for_business(business).get(xero_id="INPUT2"),
            "publish_destination": "purchases_awaiting_payment",
        }
        if supplier:
            data["contact"] = Contact.objects.for_business(business).get(name=supplier)
        if category:
            data["category"] = Category.objects.for_business(business).get(code=category)
        items.append(item_update(item=item, data=data, lines=None, changed_fields=list(data), acting_user=user))
    return items


def focused_name(page) -> str:
    return page.evaluate("() => document.activeElement && (document.activeElement.innerText || '')").strip()


def test_a_queue_of_ten_items_is_processed_with_the_keyboard_alone(walk, xero_lists, admin_user):
    business, _ = xero_lists
    items = inbox_items(business, admin_user, 10)
    assert {item.status for item in items} == {ItemStatus.TO_REVIEW}
    page = walk.page
    log_in(walk, "admin@example.com")

    # The Inbox tab "To review", from the keyboard: j/k move through the rows.
    tab_to(page, re.compile(r"^To review 10$"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name=re.compile(r"To review 10"))).to_have_attribute("aria-current", "page")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    assert "delivery-10.pdf" in focused_name(page)  # newest first: the first row
    expect(page.locator("tr.is-current")).to_have_count(1)
    walk.step("the queue", doc="inbox-queue", keep_focus=True)
    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    walk.step("the keys", doc="keyboard-shortcuts", keep_focus=True)
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_hidden()
    assert "delivery-10.pdf" in focused_name(page)  # back on the row it was on
    page.keyboard.press("Enter")
    expect_item_details(page)

    for number in range(10, 0, -1):
        expect(page.get_by_role("heading", level=1)).to_contain_text(f"Bill INV-{3000 + number}")
        walk.check_accessibility(f"item {number}")
        page.keyboard.press("e")  # to the first field
        tab_to(page, "Supplier")
        page.keyboard.type("Bakery Sup")
        page.keyboard.press("ArrowDown")
        expect(page.get_by_role("option", name=SUPPLIER, exact=True)).to_have_attribute("aria-selected", "true")
        if number == 10:
            walk.step("choosing the supplier", doc="contact-picker", keep_focus=True)
        page.keyboard.press("Enter")
        expect(page.get_by_role("combobox", name="Supplier")).to_have_value(SUPPLIER)
        tab_to(page, "Category")
        page.keyboard.type("429")
        expect(page.get_by_label("Category", exact=True).first).to_have_value(
            str(Category.objects.for_business(business).get(code="429").pk))
        if number == 10:
            walk.step("an item filled in from the keyboard")
        page.keyboard.press("Escape")  # leave the field, so s means "save and next"
        page.keyboard.press("s")
        if number > 1:
            expect(page.get_by_text(f"Bill INV-{3000 + number} from {SUPPLIER} saved.")).to_be_visible()

    expect(page.get_by_text("That was the last item in this view of the Inbox.")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"Ready 10"))).to_be_visible()
    walk.step("the queue is done")
    assert set(Item.objects.filter(pk__in=[i.pk for i in items]).values_list("status", flat=True)) == {"ready"}


def test_bulk_publish_shows_its_progress_and_links_the_failure(walk, xero_lists, admin_user, tasks):
    from xero_sandbox.accounting import control
    from xero_sandbox.models import Organisation

    business, _ = xero_lists
    inbox_items(business, admin_user, 11, supplier=SUPPLIER, category="429")
    [odd_one] = inbox_items(business, admin_user, 1, supplier=SUPPLIER, category="408", start=20)
    # Meanwhile in Xero, someone archives the account one of them uses.
    control.account_archive(organisation=Organisation.objects.get(name=UK), code="408")
    page = walk.page
    log_in(walk, "admin@example.com")

    bar = page.get_by_role("form", name="Bulk actions")
    expect(bar).to_be_hidden()
    page.get_by_label("Select all items on this page").check()
    expect(bar).to_be_visible()
    expect(bar).to_contain_text("12 selected")
    bar.get_by_label("Bulk action").select_option(label="Publish")
    walk.step("twelve selected")
    bar.get_by_role("button", name="Apply to selected").click()

    progress = page.get_by_role("status").filter(has_text=re.compile(r"Publish(ing|ed) \d+ of 12"))
    expect(progress).to_be_visible()
    if tasks is not None:  # a real worker: the line counts up while the page stays put
        expect(progress).to_contain_text(re.compile(r"Publishing \d+ of 12…"))
        walk.step("publishing, live", doc="bulk-publish-progress")
    expect(progress).to_contain_text("Published 11 of 12 to Xero. 1 failed:", timeout=120_000)
    walk.step("published, with the failure", doc="bulk-publish-done")
    progress.get_by_role("link", name=re.compile(f"Bill INV-{3020}")).click()
    expect_item_details(page)
    expect(page.locator("#publish").get_by_text("Publishing failed.")).to_be_visible()
    walk.step("the failed item")
    assert Item.objects.get(pk=odd_one.pk).status == ItemStatus.FAILED


def test_a_supplier_is_created_in_xero_from_item_details(walk, xero_lists, admin_user):
    from xero_sandbox.accounting.models import Contact as XeroContact

    business, _ = xero_lists
    [item] = inbox_items(business, admin_user, 1, category="429")
    page = walk.page
    log_in(walk, "admin@example.com")
    page.get_by_role("link", name=re.compile("delivery-01.pdf")).click()
    expect_item_details(page)

    box = page.get_by_role("combobox", name="Supplier")
    box.fill("Kestrel Print Works")
    create = page.get_by_role("option", name="Create supplier “Kestrel Print Works” in Xero")
    expect(create).to_be_visible()
    walk.step("a supplier Xero doesn't have yet", doc="create-supplier", keep_focus=True)
    box.press("ArrowDown")
    expect(create).to_have_attribute("aria-selected", "true")
    box.press("Enter")

    expect(page.get_by_text("Kestrel Print Works is now a supplier in Xero, and this item's supplier.")).to_be_visible()
    expect(page.get_by_role("combobox", name="Supplier")).to_have_value("Kestrel Print Works")
    walk.step("created and chosen")
    assert XeroContact.objects.filter(name="Kestrel Print Works").count() == 1
    item.refresh_from_db()
    assert item.contact.name == "Kestrel Print Works" and item.status == ItemStatus.READY


def test_the_clients_page_leads_to_the_business_needing_reconnection(walk, xero_lists, admin_user):
    from connections.services import connection_mark_needs_reconnect

    business, connection = xero_lists
    cafe = BusinessFactory(name="Harbour Cafe Pty", country="AU", base_currency="AUD")
    MembershipFactory(user=admin_user, business=cafe, role=Role.ADMINISTRATOR)
    florist = BusinessFactory(name="Kingsway Florist Ltd", country="GB", base_currency="GBP")
    MembershipFactory(user=admin_user, business=florist, role=Role.STANDARD)
    inbox_items(business, admin_user, 3, supplier=SUPPLIER, category="429")
    connection_mark_needs_reconnect(connection=XeroConnection.objects.get(pk=connection.pk),
                                    kind=EventKind.TOKEN_REFRESH_FAILED, reason="Xero refused the refresh token.")
    page = walk.page
    log_in(walk, "admin@example.com")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Clients").click()
    expect(page.get_by_role("heading", name="Clients")).to_be_visible()
    rows = page.get_by_role("row")
    first = rows.nth(1)
    expect(first.get_by_role("rowheader")).to_contain_text(business.name)
    expect(first).to_contain_text("Needs reconnecting")
    expect(first.get_by_role("cell").nth(2)).to_have_text("3")  # ready
    walk.step("clients", doc="clients")

    first.get_by_role("button", name=f"Reconnect {business.name}").click()
    expect(page.get_by_role("heading", name="Connections", exact=True)).to_be_visible()
    walk.step("connections of that business")
    page.get_by_role("row", name=re.compile("Xero")).get_by_role("button", name="Reconnect").click()
    # Xero still has the organisation connected for this sign-in: it offers to continue with it.
    xero_login_and_consent(walk, tick=(), button="Continue with 1 organisation")
    choose_organisation(walk)
    expect(page.get_by_role("row", name=re.compile("Xero")).get_by_text("Connected", exact=True)).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Clients").click()
    expect(page.get_by_role("row").nth(1)).not_to_contain_text("Needs reconnecting")
    walk.step("clients after reconnecting")
