"""The help article's "Setting up the Connection", and who may do it."""

import pytest
from playwright.sync_api import expect

from tests.e2e.steps import connect_xero, log_in, open_list

pytestmark = pytest.mark.e2e


def test_administrator_connects_xero_and_sees_the_chart_of_accounts(walk, admin_user):
    page = walk.page
    log_in(walk, "admin@example.com")

    connect_xero(walk)
    walk.step("connections, connected", doc="connections-connected")

    open_list(walk, "Categories")
    table = page.get_by_role("table")
    expect(table.get_by_role("cell", name="General Expenses", exact=True)).to_be_visible()
    expect(table.get_by_role("cell", name="Advertising & Marketing", exact=True)).to_be_visible()
    walk.step("categories", doc="lists-categories")


def test_standard_user_has_no_connections_and_gets_403_by_url(walk, standard_user):
    page = walk.page
    log_in(walk, "staff@example.com")

    sidebar = page.get_by_role("navigation", name="Main")
    expect(sidebar.get_by_role("link", name="Team")).to_be_visible()
    expect(sidebar.get_by_role("link", name="Connections")).to_have_count(0)

    response = walk.open("/settings/connections/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="You don't have access to this page")).to_be_visible()
    walk.step("403 for connections")
    expect(page.get_by_role("button", name="Connect software")).to_have_count(0)
