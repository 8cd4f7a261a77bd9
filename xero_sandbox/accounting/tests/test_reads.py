"""Reading the books through xero-python over real HTTP; every body checked against Xero's spec."""

import datetime as dt

from xero_sandbox import clock
from xero_sandbox.accounting import control


def test_organisation_is_parsed_by_the_sdk(accounting, tenant):
    organisations = accounting.get_organisations(tenant).organisations
    assert organisations[0].name == "Demo Company (UK)"
    assert organisations[0].base_currency.value == "GBP"
    assert str(organisations[0].organisation_id) == tenant


def test_chart_of_accounts_has_bank_accounts_and_classes(accounting, tenant):
    accounts = accounting.get_accounts(tenant).accounts
    by_code = {account.code: account for account in accounts}
    assert by_code["090"].name == "Business Bank Account"
    assert by_code["090"].type.value == "BANK"
    assert by_code["310"]._class == "EXPENSE"
    assert by_code["200"]._class == "REVENUE"
    assert len(accounts) >= 60


def test_accounts_where_filter_returns_only_bank_accounts(accounting, tenant):
    accounts = accounting.get_accounts(tenant, where='Status=="ACTIVE" AND Type=="BANK"').accounts
    assert {account.code for account in accounts} == {"090", "091", "092"}


def test_accounts_if_modified_since_returns_only_changed_accounts(accounting, tenant, sandbox):
    clock.advance(120)
    since = clock.now() - dt.timedelta(seconds=30)
    control.account_archive(organisation=sandbox.organisation, code="429")
    accounts = accounting.get_accounts(tenant, if_modified_since=since).accounts
    assert [(account.code, account.status) for account in accounts] == [("429", "ARCHIVED")]


def test_contacts_are_paged_with_pagination_block(sandbox):
    response = sandbox.call("GET", "/Contacts", params={"page": 2, "pageSize": 50})
    body = response.json()
    assert response.status_code == 200
    assert body["pagination"]["page"] == 2
    assert body["pagination"]["pageSize"] == 50
    assert len(body["Contacts"]) == 50
    assert body["pagination"]["itemCount"] == 195  # 200 seeded, 5 archived hidden


def test_sdk_reads_contacts_page_size(accounting, tenant):
    contacts = accounting.get_contacts(tenant, page=1, page_size=10).contacts
    assert len(contacts) == 10


def test_archived_contacts_hidden_unless_include_archived(accounting, tenant):
    names = {c.name for c in accounting.get_contacts(tenant).contacts}
    assert "Old Mill Flour (archived)" not in names
    names = {c.name for c in accounting.get_contacts(tenant, include_archived=True).contacts}
    assert "Old Mill Flour (archived)" in names


def test_contacts_where_and_search_term(accounting, tenant):
    suppliers = accounting.get_contacts(tenant, where='IsSupplier==true AND Name=="Bakery Supplies Co"').contacts
    assert [c.name for c in suppliers] == ["Bakery Supplies Co"]
    found = accounting.get_contacts(tenant, search_term="harbour hotel").contacts
    assert [c.name for c in found] == ["Harbour Hotel"]


def test_contacts_if_modified_since_picks_up_renamed_contact(accounting, tenant, sandbox):
    clock.advance(120)
    since = clock.now() - dt.timedelta(seconds=30)
    control.contact_rename(organisation=sandbox.organisation, name="Corner Cafe", new_name="Corner Cafe & Deli")
    contacts = accounting.get_contacts(tenant, if_modified_since=since).contacts
    assert [c.name for c in contacts] == ["Corner Cafe & Deli"]


def test_tracking_categories_hide_archived_options_unless_asked(accounting, tenant):
    categories = {c.name: c for c in accounting.get_tracking_categories(tenant).tracking_categories}
    assert {o.name for o in categories["Region"].options} == {"North", "South", "East", "West"}
    assert "Marketing" not in {o.name for o in categories["Department"].options}
    categories = {
        c.name: c for c in accounting.get_tracking_categories(tenant, include_archived=True).tracking_categories
    }
    statuses = {o.name: o.status for o in categories["Department"].options}
    assert statuses["Marketing"] == "ARCHIVED"


def test_tax_rates_and_currencies(accounting, tenant):
    rates = {rate.tax_type: rate for rate in accounting.get_tax_rates(tenant).tax_rates}
    assert rates["INPUT2"].name == "20% (VAT on Expenses)"
    assert rates["INPUT2"].effective_rate == 20
    assert rates["OUTPUT2"].can_apply_to_expenses is False
    codes = {c.code.value for c in accounting.get_currencies(tenant).currencies}
    assert {"GBP", "USD", "EUR"} <= codes


def test_paths_match_case_insensitively(sandbox):
    assert sandbox.call("GET", "/organisation", validate=False).status_code == 200
    assert sandbox.call("GET", "/ORGANISATION", validate=False).status_code == 200


def test_missing_scope_is_401_authorization_unsuccessful(sandbox, organisation):
    from xero_sandbox.accounting.tests.conftest import connect

    sandbox.token = connect(organisation=organisation, scopes="accounting.settings.read")
    response = sandbox.call("GET", "/Contacts", validate=False)
    assert (response.status_code, response.json()["Detail"]) == (401, "AuthorizationUnsuccessful")
    assert sandbox.call("GET", "/Accounts").status_code == 200
