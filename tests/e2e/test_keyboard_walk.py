"""The Connect walk with the keyboard alone: Tab, Enter and Space (and the arrow keys
within a radio group, which is how a radio group is used from the keyboard)."""

import pytest
from playwright.sync_api import expect

from dext.tenancy.tests.factories import PASSWORD
from tests.e2e.keyboard import activate, choose_radio, tab_to, type_into
from tests.e2e.steps import UK, expect_connected
from xero_sandbox.seed import DEMO_EMAIL, DEMO_PASSWORD

pytestmark = pytest.mark.e2e


def test_administrator_connects_xero_with_the_keyboard_only(walk, admin_user):
    page = walk.page
    walk.open("/accounts/login/")
    # The email field has the focus on arrival (autofocus).
    page.keyboard.type("admin@example.com")
    type_into(page, "Password", PASSWORD)
    walk.step("login filled in by keyboard")
    page.keyboard.press("Enter")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    walk.step("logged in")

    # The skip link comes first, then the sidebar.
    tab_to(page, "Skip to content", max_presses=3)
    activate(page, "Connections")
    expect(page.get_by_role("heading", name="Connections", exact=True)).to_be_visible()
    walk.step("connections")
    activate(page, "Connect")
    expect(page.get_by_role("heading", name="Connect accounting software")).to_be_visible()
    walk.step("accounting software")
    activate(page, "Connect Xero")
    expect(page.get_by_role("heading", name="Connect Xero")).to_be_visible()
    walk.step("xero summary")
    activate(page, "Connect software")

    # Xero's screens.
    expect(page.get_by_role("heading", name="Log in to Xero")).to_be_visible()
    walk.step("xero login")
    type_into(page, "Email address", DEMO_EMAIL)
    type_into(page, "Password", DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="dext (sandbox) wants access to your Xero data")).to_be_visible()
    activate(page, f"{UK} GBP", key="Space")
    expect(page.get_by_label(UK)).to_be_checked()
    walk.step("xero consent")
    activate(page, "Allow access")

    # Back in dext: choose the organisation, Next, Finish.
    expect(page.get_by_role("heading", name="Choose an organisation")).to_be_visible()
    choose_radio(page, UK)
    expect(page.get_by_label(UK)).to_be_checked()
    walk.step("choose organisation")
    activate(page, "Next")
    expect(page.get_by_role("heading", name="Your organisation is connected")).to_be_visible()
    walk.step("connected")
    activate(page, "Finish")
    expect_connected(walk)
    walk.step("connections, connected")

    # The Manage menu opens from the keyboard too.
    activate(page, "Manage")
    expect(page.get_by_role("button", name="Refresh integration data")).to_be_visible()
    walk.step("manage menu open")
    activate(page, "Refresh integration data")
    expect(page.locator("#lists-refresh-banner .alert--success")).to_be_visible()
    walk.step("refresh started")
