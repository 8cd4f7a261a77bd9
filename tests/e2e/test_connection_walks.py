"""The help article's "How to Refresh Lists", "How to Reconnect" and Disconnect, on a
business already connected to Demo Company (UK)."""

import re

import pytest
from django.db import connection as db_connection
from playwright.sync_api import expect

from connections.models import XeroConnection
from connections.services import connection_health_check
from tests.e2e.steps import (
    UK,
    expect_connected,
    log_in,
    open_connections,
    open_list,
    open_manage_menu,
    upload_and_open,
    xero_login_and_consent,
)
from xero_sandbox import faults
from xero_sandbox.accounting import control
from xero_sandbox.models import Organisation

pytestmark = pytest.mark.e2e


def _uk_organisation() -> Organisation:
    return Organisation.objects.get(name=UK)


def test_refresh_integration_data_shows_the_renamed_supplier(walk, tasks, xero_connected_business):
    page = walk.page
    log_in(walk, "admin@example.com")
    open_list(walk, "Suppliers")
    expect(page.get_by_role("cell", name="Bakery Supplies Co", exact=True)).to_be_visible()
    walk.step("suppliers before")

    # In Xero, someone renames the supplier; each call to Xero is slowed down so the
    # refresh is visibly in progress for a moment.
    control.contact_rename(organisation=_uk_organisation(), name="Bakery Supplies Co", new_name="Bakery Supplies & Sons")
    faults.add_latency(300)

    open_connections(walk)
    page.evaluate("() => { window.e2eSamePage = true; }")
    open_manage_menu(walk).get_by_role("button", name="Refresh integration data").click()
    banner = page.locator("#lists-refresh-banner .alert--success")
    expect(banner).to_be_visible()
    if tasks is not None:  # a real worker: the refresh runs while the page is shown
        page.evaluate("() => { window.e2eSamePage = true; }")
        expect(banner).to_contain_text("Refresh in progress")
        walk.step("refresh in progress")
    expect(banner).to_contain_text("Lists refreshed", timeout=60_000)
    if tasks is not None:
        assert page.evaluate("() => window.e2eSamePage === true"), "the page reloaded instead of updating the banner"
    walk.step("refresh done")

    open_list(walk, "Suppliers")
    expect(page.get_by_role("cell", name="Bakery Supplies & Sons", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="Bakery Supplies Co", exact=True)).to_have_count(0)
    walk.step("suppliers after")


def test_reconnect_after_xero_revokes_access(walk, xero_connected_business):
    business, connection = xero_connected_business
    page = walk.page
    log_in(walk, "admin@example.com")
    open_connections(walk)
    expect_connected(walk)

    # Xero's side breaks the connection; the daily health check is what notices.
    if db_connection.vendor == "postgresql":
        # The user's sign-in is revoked in Xero (a password reset does this): dext's tokens
        # stop working, and Xero's consent screen offers to continue with the organisation.
        faults.revoke_refresh_tokens()
        faults.expire_tokens(organisation=_uk_organisation())
        consent_button = "Continue with 1 organisation"
    else:
        # On SQLite the product's token refresh (which holds a row lock while it calls
        # Xero) cannot reach the sandbox's token endpoint in the same in-memory database,
        # so here the user disconnects dext in Xero instead: no refresh is involved.
        faults.revoke_connection(connection.xero_connection_id)
        consent_button = "Allow access"
    connection_health_check(connection=XeroConnection.objects.get(pk=connection.pk))

    open_connections(walk)
    row = page.get_by_role("row", name=re.compile("Xero"))
    expect(row.get_by_text("Needs reconnecting")).to_be_visible()
    expect(page.get_by_text(re.compile("dext can no longer reach Demo Company")).first).to_be_visible()
    walk.step("needs reconnecting", doc="connections-needs-reconnecting")

    open_manage_menu(walk).get_by_role("button", name="Reconnect").click()
    xero_login_and_consent(walk, tick=() if db_connection.vendor == "postgresql" else (UK,), button=consent_button)
    expect(page.get_by_role("heading", name="Choose an organisation")).to_be_visible()
    page.get_by_label(UK).check()
    walk.step("choose organisation")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Your organisation is connected")).to_be_visible()
    walk.step("reconnected")
    page.get_by_role("link", name="Finish").click()
    expect_connected(walk)
    expect(page.get_by_text("Publishing is paused")).to_have_count(0)
    walk.step("connections, connected again")

    open_list(walk, "Categories")
    expect(page.get_by_role("cell", name="General Expenses", exact=True)).to_be_visible()
    walk.step("categories intact")


def test_disconnect_keeps_lists_and_turns_publishing_off(walk, xero_connected_business, bill_pdf):
    page = walk.page
    log_in(walk, "admin@example.com")
    open_connections(walk)
    expect_connected(walk)

    open_manage_menu(walk).get_by_role("link", name="Disconnect").click()
    expect(page.get_by_role("heading", name="Disconnect Xero?")).to_be_visible()
    walk.step("confirm disconnect")
    page.get_by_role("button", name="Disconnect").click()

    expect(page.locator(".alert--success", has_text=f"Disconnected from {UK}")).to_be_visible()
    row = page.get_by_role("row", name=re.compile("Xero"))
    expect(row.get_by_text("Disconnected", exact=True)).to_be_visible()
    expect(page.get_by_text("Publish is off until you connect again")).to_be_visible()
    walk.step("disconnected")

    open_list(walk, "Categories")
    expect(page.get_by_role("cell", name="General Expenses", exact=True)).to_be_visible()
    walk.step("categories kept")

    upload_and_open(walk, bill_pdf)
    panel = page.locator("#publish")
    expect(panel.get_by_text("Publishing is off: this business isn't connected to Xero.")).to_be_visible()
    expect(panel.get_by_role("button", name="Publish")).to_be_disabled()
    expect(panel.get_by_role("link", name="Connect Xero")).to_be_visible()
    walk.step("publish is off")
