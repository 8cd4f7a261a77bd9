"""The refresh job against the local Xero sandbox, over real HTTP (``live_server``)."""

import threading
import time

import pytest
from django.db import connection as db_connection
from django.urls import reverse

from lists import services
from lists.models import (
    Category,
    Contact,
    Currency,
    ListRefresh,
    ListStatus,
    PaymentMethod,
    TaxRate,
    TrackingCategory,
    TrackingOption,
)

pytestmark = pytest.mark.django_db(transaction=True)

LIST_MODELS = [Category, Contact, Currency, PaymentMethod, TaxRate, TrackingCategory, TrackingOption]


def sandbox_org(connection):
    from xero_sandbox.models import Organisation

    return Organisation.objects.get(pk=connection.tenant_id)


def api_calls(org, path: str = "") -> int:
    from xero_sandbox import faults

    return faults.calls(organisation=org, path_contains=path or None).count()


def refresh_now(business, **kwargs) -> ListRefresh:
    # Outside a test transaction the task is queued on commit and runs eagerly, inline.
    refresh = services.refresh_start(business=business, **kwargs)
    refresh.refresh_from_db()
    return refresh


def row_counts(business) -> dict:
    return {model.__name__: model.objects.for_business(business).count() for model in LIST_MODELS}


def test_first_refresh_imports_every_list_with_the_right_flags(xero_connected_business):
    from xero_sandbox.accounting import models as sbx

    business, connection = xero_connected_business
    org = sandbox_org(connection)

    # Connecting started the first refresh, which ran inline (eager Celery).
    refresh = ListRefresh.objects.get(business=business)

    assert refresh.reason == "connect"
    assert refresh.status == ListRefresh.Status.SUCCEEDED, refresh.error_message
    assert refresh.is_incremental is False
    # Organisation, Accounts, TaxRates, TrackingCategories, Currencies, one page of Contacts.
    assert refresh.xero_calls == 6
    assert api_calls(org, "/Contacts") == 1
    assert Category.objects.for_business(business).count() == sbx.Account.objects.filter(organisation=org).count()
    bank = Category.objects.get(business=business, code="090")
    assert bank.is_bank and bank.type == "BANK" and bank.account_class == "ASSET"
    assert Category.objects.get(business=business, code="610").is_system
    assert not Category.objects.get(business=business, code="429").is_system
    methods = {m.code: m.kind for m in PaymentMethod.objects.for_business(business)}
    assert methods["090"] == PaymentMethod.Kind.BANK
    assert methods["092"] == PaymentMethod.Kind.CREDIT_CARD
    assert "429" not in methods
    supplier = Contact.objects.get(business=business, name="Bakery Supplies Co")
    assert supplier.is_supplier and supplier.status == ListStatus.ACTIVE
    assert Contact.objects.get(business=business, name="Corner Cafe").is_customer
    assert Contact.objects.get(business=business, name="Old Mill Flour (archived)").is_archived
    assert Contact.objects.for_business(business).count() == sbx.Contact.objects.filter(organisation=org).count()
    region = TrackingCategory.objects.get(business=business, name="Region")
    assert sorted(region.options.values_list("name", flat=True)) == ["East", "North", "South", "West"]
    assert TrackingOption.objects.get(business=business, name="Marketing").is_archived
    vat = TaxRate.objects.get(business=business, xero_id="INPUT2")
    assert vat.can_apply_to_expenses
    assert vat.effective_rate == 20
    assert set(Currency.objects.for_business(business).values_list("xero_id", flat=True)) >= {"GBP", "USD", "EUR"}


def test_second_refresh_updates_and_archives_and_deletes_nothing(xero_connected_business):
    from xero_sandbox.accounting import control

    business, connection = xero_connected_business
    org = sandbox_org(connection)
    before = row_counts(business)  # after the first refresh, which connecting ran
    time.sleep(1.1)  # If-Modified-Since has one-second resolution.
    control.contact_rename(organisation=org, name="Office Depot Ltd", new_name="Office Depot UK Ltd")
    control.account_archive(organisation=org, code="400")
    control.tracking_option_delete(organisation=org, category="Region", option="West")

    second = refresh_now(business)

    assert second.status == ListRefresh.Status.SUCCEEDED, second.error_message
    assert second.is_incremental is True
    assert row_counts(business) == before  # nothing deleted, nothing duplicated
    # Only what changed in Xero was written.
    assert second.progress["accounts"]["category_changed"] == 1
    assert second.progress["contacts"]["contact_changed"] == 1
    assert Contact.objects.filter(business=business, name="Office Depot UK Ltd").exists()
    assert not Contact.objects.filter(business=business, name="Office Depot Ltd").exists()
    assert Category.objects.get(business=business, code="400").is_archived
    assert TrackingOption.objects.get(business=business, category__name="Region", name="West").is_archived
    assert TrackingOption.objects.get(business=business, category__name="Region", name="North").status == "active"


def test_unchanged_incremental_refresh_fetches_no_contacts(xero_connected_business):
    business, connection = xero_connected_business
    org = sandbox_org(connection)
    time.sleep(1.1)

    second = refresh_now(business)

    assert second.status == ListRefresh.Status.SUCCEEDED
    assert second.is_incremental
    assert second.progress["contacts"]["fetched"] == 0
    assert api_calls(org, "/Contacts") == 2  # one full (on connect), one empty incremental


def test_item_pointing_at_an_archived_category_still_opens(xero_connected_business, client):
    from django.core.files.base import ContentFile

    from items.models import Document, Item
    from xero_sandbox.accounting import control

    business, connection = xero_connected_business
    category = Category.objects.get(business=business, code="429")
    stored_name = f"test-{business.pk}-archived-category.pdf"
    from django.core.files.storage import default_storage

    default_storage.save(stored_name, ContentFile(b"%PDF-1.4\n%%EOF"))
    document = Document.objects.create(
        business=business, storage_name=stored_name, original_name="bill.pdf",
        content_type="application/pdf", size=14, sha256="0" * 64,
    )
    item = Item.objects.create(business=business, document=document, category=category)
    time.sleep(1.1)
    control.account_archive(organisation=sandbox_org(connection), code="429")

    refresh_now(business)
    response = client.get(reverse("items:detail", args=[item.pk]))

    category.refresh_from_db()
    item.refresh_from_db()
    assert category.is_archived
    assert item.category_id == category.pk
    assert response.status_code == 200
    assert "General Expenses" in response.content.decode()


def test_refresh_interrupted_by_a_xero_500_keeps_the_previous_lists_and_shows_the_failure(
    xero_connected_business, client
):
    from xero_sandbox import faults
    from xero_sandbox.accounting import control

    business, connection = xero_connected_business
    org = sandbox_org(connection)
    before = row_counts(business)
    time.sleep(1.1)
    control.account_archive(organisation=org, code="400")
    control.contact_rename(organisation=org, name="Office Depot Ltd", new_name="Renamed Meanwhile")
    # Accounts, tax rates, tracking and currencies come back; then Contacts fails, every try.
    faults.fail_next(20, status=500, path_prefix="/xero-sandbox/api/api.xro/2.0/Contacts")

    failed = refresh_now(business)

    assert failed.status == ListRefresh.Status.FAILED
    assert failed.error_code == "unavailable"
    assert failed.attempts == services.REFRESH_MAX_ATTEMPTS  # retried, then gave up
    assert row_counts(business) == before
    assert Category.objects.get(business=business, code="400").status == ListStatus.ACTIVE
    assert Contact.objects.filter(business=business, name="Office Depot Ltd").exists()
    page = client.get(reverse("lists:categories")).content.decode()
    assert "The lists could not be refreshed: Xero is not responding right now." in page
    assert "The lists you already had are unchanged." in page

    faults.clear()
    recovered = refresh_now(business)
    assert recovered.status == ListRefresh.Status.SUCCEEDED
    assert Category.objects.get(business=business, code="400").is_archived


def test_a_passing_xero_500_is_retried_and_the_refresh_succeeds(xero_connected_business):
    from xero_sandbox import faults

    business, connection = xero_connected_business
    faults.fail_next(1, status=503, path_prefix="/xero-sandbox/api/api.xro/2.0/Accounts")

    refresh = refresh_now(business)

    assert refresh.status == ListRefresh.Status.SUCCEEDED, refresh.error_message
    assert refresh.attempts == 2
    assert refresh.error_message == ""


def test_rate_limit_with_retry_after_is_waited_out(xero_connected_business):
    from xero_sandbox import faults

    business, connection = xero_connected_business
    org = sandbox_org(connection)
    faults.force_rate_limit(1, retry_after=1)
    started = time.monotonic()

    refresh = refresh_now(business)

    assert refresh.status == ListRefresh.Status.SUCCEEDED, refresh.error_message
    assert time.monotonic() - started >= 1
    assert faults.calls(organisation=org, status=429).count() == 1
    assert Category.objects.for_business(business).exists()


def test_admin_refresh_from_a_list_page_fetches_only_that_list(xero_connected_business, client):
    business, connection = xero_connected_business
    org = sandbox_org(connection)
    calls_before = api_calls(org)

    response = client.post(reverse("lists:refresh"), {"lists": "tracking", "next": reverse("lists:tracking")})

    assert response.status_code == 302
    refresh = ListRefresh.objects.get(business=business, reason="list_page")
    assert refresh.status == ListRefresh.Status.SUCCEEDED
    assert refresh.lists == ["tracking"]
    assert api_calls(org) - calls_before == 2  # Organisation and TrackingCategories
    assert refresh.xero_calls == 2


@pytest.mark.skipif(db_connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_concurrent_refresh_requests_run_one_job(xero_connected_business):
    from django.db import connections

    business, connection = xero_connected_business
    org = sandbox_org(connection)
    earlier = set(ListRefresh.objects.filter(business=business).values_list("pk", flat=True))
    results, barrier = [], threading.Barrier(4)

    def request_refresh():
        try:
            barrier.wait()
            results.append(services.refresh_start(business=business).pk)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=request_refresh) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(results) == 4
    assert len(set(results)) == 1
    started = ListRefresh.objects.filter(business=business).exclude(pk__in=earlier)
    assert [refresh.pk for refresh in started] == results[:1]
    assert started.get().status == ListRefresh.Status.SUCCEEDED
    assert api_calls(org, "/Accounts") == 2  # the refresh on connect, then this one job
