"""Xero failing in every way we know: nothing duplicated, nothing lost, a plain message."""

import time
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from items.models import Item, ItemStatus
from publishing.models import Publication, PublicationState

pytestmark = pytest.mark.django_db(transaction=True)


def publish(client, item):
    client.post(reverse("publishing:publish", args=[item.pk]))
    item.refresh_from_db()
    return item


def sandbox_org(connection):
    from xero_sandbox.models import Organisation

    return Organisation.objects.get(pk=connection.tenant_id)


def page_of(client, item):
    import html

    return html.unescape(client.get(reverse("items:detail", args=[item.pk])).content.decode())


# --- Faults ---------------------------------------------------------------------------------
def test_dropped_connection_after_create_does_not_make_a_second_document(client, make_item, connected):
    from xero_sandbox import faults
    from xero_sandbox.accounting.models import Document

    item = make_item(reference="DROP-1")
    faults.drop_after_commit(1, path_prefix="/xero-sandbox/api/api.xro/2.0/Invoices", method="PUT")
    item = publish(client, item)
    assert item.status == ItemStatus.PUBLISHED
    assert Document.objects.filter(number="DROP-1").count() == 1
    assert Document.objects.get(number="DROP-1").attachments.count() == 1


def test_unanswered_create_older_than_the_idempotency_window_is_looked_up_not_repeated(make_item, connected):
    """The state a worker killed mid-create leaves behind: the bill reached Xero, we never
    heard back, and Xero has since forgotten the Idempotency-Key."""
    from datetime import timedelta

    from django.utils import timezone

    from connections.xero.api import XeroApi
    from publishing import mapping, services
    from publishing.inputs import item_input
    from xero_sandbox.accounting.models import Document

    business, connection = connected
    item = make_item(reference="LATE-1")
    document = mapping.build_document(item_input(item))
    XeroApi.for_connection(connection).create_documents("Invoices", [document.payload], idempotency_key="lost-answer")
    publication = Publication.objects.create(
        business=business, item=item, item_version=item.version, state=PublicationState.QUEUED,
        create_key="lost-answer", create_sent_at=timezone.now() - timedelta(hours=1),
    )
    Item.objects.filter(pk=item.pk).update(status=ItemStatus.QUEUED)

    assert services.publication_run(publication_id=publication.pk) == PublicationState.PUBLISHED
    assert Document.objects.filter(number="LATE-1").count() == 1
    publication.refresh_from_db()
    assert publication.xero_id == str(Document.objects.get(number="LATE-1").pk)
    steps = list(publication.attempts_log.values_list("step", flat=True))
    assert "lookup" in steps and "create" not in steps


def test_server_errors_are_retried_then_published(client, make_item, connected):
    from xero_sandbox import faults
    from xero_sandbox.accounting.models import Document

    item = make_item(reference="FIVE-1")
    # The creates fail (PUT); the look-up for a copy already in Xero before them (GET) doesn't.
    faults.fail_next(2, status=500, path_prefix="/xero-sandbox/api/api.xro/2.0/Invoices", method="PUT")
    item = publish(client, item)
    assert item.status == ItemStatus.PUBLISHED
    assert Document.objects.filter(number="FIVE-1").count() == 1
    outcomes = list(Publication.objects.get(item=item).attempts_log.filter(step="create").values_list("outcome", flat=True))
    assert outcomes.count("retry") == 2 and outcomes.count("ok") == 1


def test_rate_limit_is_waited_out_and_nothing_is_sent_early(client, make_item, connected):
    from xero_sandbox import faults

    business, connection = connected
    item = make_item(reference="SLOW-1")
    faults.force_rate_limit(1, retry_after=2, organisation=sandbox_org(connection))
    started = time.monotonic()
    item = publish(client, item)
    assert item.status == ItemStatus.PUBLISHED
    calls = list(faults.calls(organisation=connection.tenant_id).order_by("pk").values_list("status", "created"))
    limited = [i for i, (status, _) in enumerate(calls) if status == 429]
    assert limited, "the sandbox should have answered 429 once"
    first_after = calls[limited[0] + 1][1]
    assert (first_after - calls[limited[0]][1]).total_seconds() >= 2
    assert time.monotonic() - started >= 2


def test_attachment_failure_retries_only_the_attachment(client, make_item, connected):
    from xero_sandbox import faults
    from xero_sandbox.accounting.models import Document

    item = make_item(reference="ATT-1")
    faults.fail_next(2, status=503, path_prefix="/xero-sandbox/api/api.xro/2.0/Invoices/", method="PUT")
    item = publish(client, item)
    assert item.status == ItemStatus.PUBLISHED
    document = Document.objects.get(number="ATT-1")
    assert document.attachments.count() == 1
    creates = Publication.objects.get(item=item).attempts_log.filter(step="create")
    assert creates.count() == 1


# --- The error catalogue, end to end ----------------------------------------------------------
def test_archived_category_is_caught_before_sending(client, make_item, connected):
    from lists.models import Category, ListStatus
    from xero_sandbox import faults

    business, _ = connected
    item = make_item(category="429")
    Category.objects.for_business(business).filter(code="429").update(status=ListStatus.ARCHIVED)
    faults.clear_log()
    item = publish(client, item)
    assert item.status == ItemStatus.FAILED
    assert "The category 429 · General Expenses has been archived or deleted in Xero" in page_of(client, item)
    assert faults.calls(method="PUT").count() == 0  # nothing was sent


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("archive_account", "The category 429 · General Expenses has been archived or deleted in Xero"),
        ("archive_contact", "is archived in Xero. Choose another supplier or customer"),
        ("archive_tracking", "is archived or deleted in Xero. Choose an active tracking option"),
        ("lock_date", "lock date set in Xero"),
    ],
)
def test_xero_refusals_show_the_catalogue_message(client, make_item, connected, setup, expected):
    """Changed in Xero after the last refresh: only Xero knows, and its refusal is explained."""
    from xero_sandbox import faults
    from xero_sandbox.accounting import control

    business, connection = connected
    organisation = sandbox_org(connection)
    item = make_item(category="429", tracking=("Region", "North"))
    if setup == "archive_account":
        control.account_archive(organisation=organisation, code="429")
    elif setup == "archive_contact":
        control.contact_archive(organisation=organisation, name="Bakery Supplies Co")
    elif setup == "archive_tracking":
        control.tracking_option_archive(organisation=organisation, category="Region", option="North")
    else:
        faults.set_lock_dates(organisation=organisation, period_lock_date=date(2026, 12, 31))
    item = publish(client, item)
    assert item.status == ItemStatus.FAILED
    publication = Publication.objects.get(item=item)
    assert publication.state == PublicationState.FAILED
    assert expected in page_of(client, item)
    assert publication.attempts_log.filter(step="create", outcome="ok").exists()  # Xero answered with the error


def test_invoice_number_must_be_unique_for_sales(client, make_item):
    first = publish(client, make_item(item_type="sale", contact="Corner Cafe", category="200", tax_rate="OUTPUT2",
                                      destination="sales_invoice", reference="S-1"))
    assert first.status == ItemStatus.PUBLISHED
    second = publish(client, make_item(item_type="sale", contact="Harbour Hotel", category="200", tax_rate="OUTPUT2",
                                       destination="sales_invoice", reference="S-1", total="60.00", net="50.00",
                                       tax="10.00"))
    assert second.status == ItemStatus.FAILED
    assert "Xero already has an invoice with the number S-1" in page_of(client, second)


def test_failed_item_is_fixed_and_published(client, make_item, connected):
    from items.services import item_update
    from xero_sandbox.accounting import control

    business, connection = connected
    item = make_item(category="429")
    control.account_archive(organisation=sandbox_org(connection), code="429")
    item = publish(client, item)
    assert item.status == ItemStatus.FAILED
    item = item_update(item=item, data={"category": make_item.category("400")}, lines=None,
                       changed_fields=["category"], acting_user=item.submitted_by)
    item = publish(client, item)
    assert item.status == ItemStatus.PUBLISHED
    assert Publication.objects.get(item=item).error_message == ""


def test_revoked_connection_says_reconnect(client, make_item, connected):
    from xero_sandbox import faults

    business, connection = connected
    item = make_item()
    faults.revoke_connection(connection.xero_connection_id)
    item = publish(client, item)
    assert item.status == ItemStatus.FAILED
    page = page_of(client, item)
    assert "the connection needs reconnecting" in page
    assert reverse("connections:index") in page


# --- Who may publish ------------------------------------------------------------------------
def test_standard_user_without_can_publish_gets_403(client, make_item, standard_user):
    item = make_item()
    client.force_login(standard_user)
    response = client.post(reverse("publishing:publish", args=[item.pk]))
    assert response.status_code == 403
    assert Item.objects.get(pk=item.pk).status == ItemStatus.READY


def test_standard_user_with_can_publish_publishes(client, make_item, standard_user):
    from dext.tenancy.models import Membership

    Membership.objects.filter(user=standard_user).update(can_publish=True)
    item = make_item()
    client.force_login(standard_user)
    assert publish(client, item).status == ItemStatus.PUBLISHED


def test_another_business_cannot_publish_my_item(client, make_item, other_admin):
    item = make_item()
    client.force_login(other_admin)
    assert client.post(reverse("publishing:publish", args=[item.pk])).status_code == 404


# --- Auto-publish and recovery --------------------------------------------------------------
def test_rule_with_auto_publish_always_publishes_when_ready(client, make_item, connected, admin_user):
    from items.models import AutoPublish, ContactRule

    business, _ = connected
    contact = make_item.contact("Office Depot Ltd")
    ContactRule.objects.create(
        business=business, contact=contact, auto_publish=AutoPublish.ALWAYS, auto_publish_by=admin_user
    )
    item = make_item(contact="Office Depot Ltd", reference="AUTO-1")
    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED
    assert Publication.objects.get(item=item).auto is True


def test_sweeper_requeues_a_publication_a_dead_worker_left_behind(client, make_item, connected):
    from django.utils import timezone

    from publishing import services

    item = make_item(reference="STUCK-1")
    publication = Publication.objects.create(
        business=item.business, item=item, item_version=item.version, state=PublicationState.PUBLISHING,
        lease_expires_at=timezone.now() - timezone.timedelta(minutes=1),
    )
    Item.objects.filter(pk=item.pk).update(status=ItemStatus.PUBLISHING)
    assert services.publications_sweep() == [publication.pk]
    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED


def test_decimal_totals_match_to_the_cent(client, make_item):
    from xero_sandbox.accounting.models import Document

    item = publish(client, make_item(net="0.03", tax="0.01", total="0.04", reference="CENT-1"))
    assert item.status == ItemStatus.PUBLISHED
    document = Document.objects.get(number="CENT-1")
    assert document.total == Decimal("0.04") and document.total_tax == Decimal("0.01")


def test_lock_date_known_from_the_last_refresh_is_caught_before_sending(client, make_item, connected):
    from lists.services import refresh_start
    from xero_sandbox import faults

    business, connection = connected
    faults.set_lock_dates(organisation=sandbox_org(connection), period_lock_date=date(2026, 12, 31))
    refresh_start(business=business, reason="manual")
    connection.refresh_from_db()
    assert connection.period_lock_date == date(2026, 12, 31)
    item = make_item()
    faults.clear_log()
    item = publish(client, item)
    assert item.status == ItemStatus.FAILED
    assert "before the period lock date set in Xero (31 December 2026)" in page_of(client, item)
    assert faults.calls(method="PUT").count() == 0


def test_draft_bill_inside_a_locked_period_is_still_published(client, make_item, connected):
    from lists.services import refresh_start
    from xero_sandbox import faults

    business, connection = connected
    faults.set_lock_dates(organisation=sandbox_org(connection), period_lock_date=date(2026, 12, 31))
    refresh_start(business=business, reason="manual")
    item = publish(client, make_item(destination="purchases_draft"))
    assert item.status == ItemStatus.PUBLISHED


def test_polling_panel_reloads_the_page_once_publishing_is_done(client, make_item):
    item = publish(client, make_item())
    response = client.get(reverse("publishing:panel", args=[item.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["HX-Refresh"] == "true"
    assert "Published to Xero" in response.content.decode()


def test_items_that_failed_for_want_of_a_connection_publish_after_reconnect(client, make_item, connected):
    from connections.tests.sandbox_flow import connect
    from xero_sandbox import faults

    business, connection = connected
    item = make_item(reference="PAUSED-1")
    faults.revoke_connection(connection.xero_connection_id)
    assert publish(client, item).status == ItemStatus.FAILED
    response = connect(client, organisation="Demo Company (UK)", purpose="reconnect")
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED
