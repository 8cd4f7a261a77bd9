"""A published bill is paid on Xero's (the sandbox's) organisation page and Item details shows
Paid by itself: the webhook reaches dext, and the page polls the item's status and swaps it
in, without a reload. Then a voided bill is published again from the item."""

import re
import time

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from dext import hooks
from dext.tenancy import formats
from items.models import ItemStatus
from publishing.models import Publication
from publishing.services import publish_request
from publishing.tests.conftest import ItemMaker
from publishing.tests.test_status_read_back import in_xero
from tests.e2e.steps import log_in
from xero_sandbox import clock
from xero_sandbox.models import Organisation

pytestmark = pytest.mark.e2e


def published_bill(business, user, reference: str) -> Publication:
    item = ItemMaker(business, user)(reference=reference)
    publish_request(business=business, items=[item], acting_user=user)
    deadline = time.monotonic() + 120
    while True:
        item.refresh_from_db()
        if item.status == ItemStatus.PUBLISHED:
            return Publication.objects.get(item=item)
        assert time.monotonic() < deadline, f"not published: {item.status}"
        time.sleep(0.5)


def test_bill_paid_on_xeros_page_shows_paid_without_a_reload(xero_webhooks, walk, xero_lists, admin_user):
    """The issue's walk: publish a bill, pay it on the sandbox's organisation page, and
    dext shows Paid without a reload — Xero's webhook (signed, delivered by the sandbox)
    reaches dext, which reads the bill back."""
    business, connection = xero_lists
    page = walk.page
    publication = published_bill(business, admin_user, "BAKE-9001")
    log_in(walk, "admin@example.com")
    walk.open(reverse("items:detail", args=[publication.item_id]))
    panel = page.locator("#publish")
    expect(panel).to_contain_text("In Xero: Awaiting payment")
    walk.step("published, awaiting payment")
    page.evaluate("window.dextWalkMarker = 'still this page'")

    # In Xero (another tab): the bill is paid in full.
    xero = page.context.new_page()
    organisation = Organisation.objects.get(pk=connection.tenant_id)
    xero.goto(f"{walk.base_url}/xero-sandbox/orgs/{organisation.pk}/")
    xero.get_by_role("button", name=re.compile(r"^Pay in full BAKE-9001")).click()
    expect(xero.get_by_role("status")).to_contain_text("BAKE-9001 is now PAID")
    xero.close()

    today = formats.day(clock.now().date(), locale=formats.business_locale(business))
    expect(panel).to_contain_text(f"In Xero: Paid on {today}", timeout=60_000)
    expect(page.locator("#item-status")).to_contain_text("In Xero: Paid")
    expect(page.locator("#history")).to_contain_text(f"Paid in Xero on {today}")
    assert page.evaluate("window.dextWalkMarker") == "still this page"  # no reload
    walk.step("paid in Xero", doc="item-paid-in-xero")


def test_bill_voided_in_xero_is_published_again(walk, xero_lists, admin_user):
    business, connection = xero_lists
    page = walk.page
    publication = published_bill(business, admin_user, "BAKE-9002")
    in_xero(connection, "POST", f"Invoices/{publication.xero_id}", {"Invoices": [{"Status": "VOIDED"}]})
    hooks.announce(hooks.XERO_CHANGED, connection=connection, changes={"INVOICE": {publication.xero_id}})
    log_in(walk, "admin@example.com")
    walk.open(reverse("items:detail", args=[publication.item_id]))
    panel = page.locator("#publish")
    expect(panel).to_contain_text("In Xero: Voided", timeout=40_000)
    walk.step("voided in Xero")

    panel.get_by_role("link", name="Publish again").click()
    expect(page.get_by_role("heading", name="Publish again?")).to_be_visible()
    walk.step("publish again: what it means", doc="publish-again")
    page.get_by_role("button", name="Publish again now").click()
    expect(page.locator("#publish")).to_contain_text("In Xero: Awaiting payment", timeout=60_000)
    walk.step("published again")
    new = Publication.objects.get(pk=publication.pk)
    assert new.xero_id != publication.xero_id
