"""Control functions, the JSON control API, seed and the organisation page."""

import pytest

from xero_sandbox import clock
from xero_sandbox.accounting import control
from xero_sandbox.accounting.models import Account, Contact, TrackingOption
from xero_sandbox.accounting.seed import seed_books
from xero_sandbox.models import Organisation


@pytest.fixture
def org(db):
    organisation = Organisation.objects.create(
        name="Demo Company (NZ)", country_code="NZ", base_currency="NZD", created=clock.now()
    )
    seed_books(organisation)
    return organisation


def test_seed_is_idempotent_and_country_specific(org):
    seed_books(org)
    assert Contact.objects.filter(organisation=org).count() == 200
    assert Account.objects.get(organisation=org, code="820").name == "GST"
    assert org.tax_rates.get(tax_type="INPUT2").effective_rate == 15


def test_generate_large_organisation(org):
    seeded_accounts = Account.objects.filter(organisation=org).count()
    added = control.generate_large_organisation(org, contacts=2000, accounts=300, options_per_category=20, tax_rates=5)
    assert added["contacts"] == 2000
    assert Contact.objects.filter(organisation=org).count() == 2200
    assert Account.objects.filter(organisation=org).count() == seeded_accounts + 300
    assert TrackingOption.objects.filter(category__organisation=org).count() == 8 + 40


def test_control_api_archives_tracking_option(client, org):
    response = client.post(
        f"/xero-sandbox/control/orgs/{org.pk}/archive-tracking-option/",
        {"category": "Region", "option": "North"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert TrackingOption.objects.get(category__organisation=org, name="North").status == "ARCHIVED"


def test_control_api_reports_unknown_account(client, org):
    response = client.post(f"/xero-sandbox/control/orgs/{org.pk}/archive-account/", {"code": "nope"})
    assert response.status_code == 400
    assert response.json()["error"] == "No account with code 'nope'."


def test_organisation_page_shows_counts_and_forms(client, org):
    response = client.get(f"/xero-sandbox/orgs/{org.pk}/")
    assert response.status_code == 200
    assert "200 contacts" in response.content.decode()
    assert "Archive account" in response.content.decode()


def test_organisation_page_form_adds_contact(client, org):
    response = client.post(
        f"/xero-sandbox/orgs/{org.pk}/control/", {"action": "add-contact", "name": "New Supplier Ltd"}, follow=True
    )
    assert "Added contact New Supplier Ltd." in response.content.decode()
    assert Contact.objects.filter(organisation=org, name="New Supplier Ltd").exists()
