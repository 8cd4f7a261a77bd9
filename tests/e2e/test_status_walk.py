"""A published bill is paid in Xero (the sandbox, over its API) and Item details shows Paid
by itself: the page polls the item's status and swaps it in, without a reload. Then a
voided bill is published again from the item."""

import time

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from dext import hooks
from items.models import ItemStatus
from publishing.models import Publication
from publishing.services import publish_request
from publishing.tests.conftest import ItemMaker
from publishing.tests.test_status_read_back import in_xero, pay
from tests.e2e.steps import log_in

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


def test_bill_paid_in_xero_shows_paid_without_a_reload(walk, xero_lists, admin_user):
    business, connection = xero_lists
    page = walk.page
    publication = published_bill(business, admin_user, "BAKE-9001")
    log_in(walk, "admin@example.com")
    walk.open(reverse("items:detail", args=[publication.item_id]))
    panel = page.locator("#publish")
    expect(panel).to_contain_text("In Xero: Awaiting payment")
    walk.step("published, awaiting payment")
    page.evaluate("window.dextWalkMarker = 'still this page'")

    pay(connection, publication, amount=publication.xero_total, on="2026-05-10")
    hooks.announce(hooks.XERO_CHANGED, connection=connection, changes={"INVOICE": {publication.xero_id}})

    expect(panel).to_contain_text("In Xero: Paid on 10 May 2026", timeout=40_000)
    expect(page.locator("#item-status")).to_contain_text("In Xero: Paid")
    expect(page.locator("#history")).to_contain_text("Paid in Xero on 10 May 2026")
    assert page.evaluate("window.dextWalkMarker") == "still this page"  # no reload
    walk.step("paid in Xero")


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
    walk.step("publish again: what it means")
    page.get_by_role("button", name="Publish again now").click()
    expect(page.locator("#publish")).to_contain_text("In Xero: Awaiting payment", timeout=60_000)
    walk.step("published again")
    new = Publication.objects.get(pk=publication.pk)
    assert new.xero_id != publication.xero_id
