"""Lists kept current by Xero's webhooks, end to end over real HTTP: the sandbox (on
``live_server``) records a change, signs and POSTs it to dext's /webhooks/xero/ on the same
server, dext stores it, answers, and reads the contact back from the sandbox's API."""

import pytest
import requests
from django.db import transaction
from django.urls import reverse

from connections.models import WebhookEventOutcome, XeroWebhookEvent
from lists.models import Contact, ListStatus

pytestmark = pytest.mark.django_db(transaction=True)


def sandbox_org(connection):
    from xero_sandbox.models import Organisation

    return Organisation.objects.get(pk=connection.tenant_id)


def contacts_reads(org) -> int:
    from xero_sandbox import faults

    return faults.calls(organisation=org, method="GET", path_contains="/Contacts").count()


def sandbox_contact(org, name):
    from xero_sandbox.accounting.models import Contact as SandboxContact

    return SandboxContact.objects.get(organisation=org, name=name)


@pytest.fixture
def connected(xero_webhooks, xero_connected_business):
    business, connection = xero_connected_business
    return business, connection, sandbox_org(connection)


def test_a_contact_renamed_in_the_sandbox_is_renamed_in_dext(connected, xero_webhooks, client):
    business, connection, org = connected
    supplier = sandbox_contact(org, "Bakery Supplies Co")
    reads = contacts_reads(org)

    # The sandbox's own organisation page, as a person renames the contact in Xero.
    response = requests.post(
        f"{xero_webhooks.url}/xero-sandbox/control/orgs/{org.pk}/rename-contact/",
        json={"contact_id": str(supplier.pk), "new_name": "Bakery Supplies Group"}, timeout=30,
    )

    assert response.json()["ok"] is True
    contact = Contact.objects.get(business=business, xero_id=str(supplier.pk))
    assert contact.name == "Bakery Supplies Group"
    assert contacts_reads(org) == reads + 1
    event = XeroWebhookEvent.objects.get()
    assert (event.category, event.event_type, event.outcome) == ("CONTACT", "UPDATE", WebhookEventOutcome.PROCESSED)
    assert event.tenant_id == str(org.pk)
    page = client.get(reverse("connections:index")).content.decode()
    assert "Receiving</span> Xero's webhooks are arriving." in page


def test_a_bill_paid_in_the_sandbox_is_announced_to_the_apps_above(connected, monkeypatch):
    from dext import hooks
    from xero_sandbox.accounting import control
    from xero_sandbox.accounting.documents import documents_submit

    business, connection, org = connected
    heard = []
    monkeypatch.setitem(hooks._listeners, hooks.XERO_CHANGED,
                        [*hooks._listeners[hooks.XERO_CHANGED], lambda **kw: heard.append(kw["changes"])])
    result = documents_submit(
        organisation=org, kind="invoice", summarize_errors=True, allow_update=False,
        elements=[{"Type": "ACCPAY", "Status": "AUTHORISED", "Contact": {"Name": "Bakery Supplies Co"},
                   "InvoiceNumber": "BS-1", "Date": "2026-11-02", "LineItems": [
                       {"Description": "Flour", "Quantity": 1, "UnitAmount": "50.00", "AccountCode": "310"}]}],
    )
    bill = result.saved[0]

    control.document_pay_in_full(organisation=org, document_id=bill.pk)

    assert heard == [{"INVOICE": {str(bill.pk)}}, {"INVOICE": {str(bill.pk)}}]


def test_a_contact_archived_in_the_sandbox_is_archived_in_dext(connected):
    from xero_sandbox.accounting import control

    business, connection, org = connected

    control.contact_archive(organisation=org, name="Bakery Supplies Co")

    assert Contact.objects.get(business=business, name="Bakery Supplies Co").status == ListStatus.ARCHIVED


def test_a_contact_added_in_the_sandbox_appears_in_dext(connected):
    from xero_sandbox.accounting import control

    business, connection, org = connected

    control.contact_add(organisation=org, name="Harbour Fish Market")

    contact = Contact.objects.get(business=business, name="Harbour Fish Market")
    assert contact.status == ListStatus.ACTIVE and contact.is_supplier


def test_a_burst_of_contact_changes_is_one_contacts_read(connected):
    from xero_sandbox.accounting import control
    from xero_sandbox.models import WebhookDelivery

    business, connection, org = connected
    names = ["Bakery Supplies Co", "Corner Cafe", "Old Mill Flour (archived)"]
    reads = contacts_reads(org)

    # Several changes committed together: the sandbox batches them into one delivery.
    with transaction.atomic():
        for number, name in enumerate(names):
            control.contact_rename(organisation=org, name=name, new_name=f"Renamed {number}")
        control.contact_archive(organisation=org, name="Renamed 1")

    assert sorted(Contact.objects.filter(business=business, name__startswith="Renamed").values_list("name", flat=True)) == [
        "Renamed 0", "Renamed 1", "Renamed 2"]
    assert Contact.objects.get(business=business, name="Renamed 1").is_archived
    assert contacts_reads(org) == reads + 1
    assert XeroWebhookEvent.objects.count() == 4
    deliveries = WebhookDelivery.objects.filter(kind=WebhookDelivery.Kind.EVENTS)
    assert [d.event_count for d in deliveries] == [4]


def test_events_wait_while_the_worker_is_down_and_are_processed_when_it_is_back(connected, monkeypatch):
    from connections import webhooks
    from connections.tasks import webhooks_sweep
    from xero_sandbox.accounting import control

    business, connection, org = connected
    running = webhooks.enqueue_processing
    monkeypatch.setattr(webhooks, "enqueue_processing", lambda tenant_id, **kwargs: None)

    control.contact_rename(organisation=org, name="Corner Cafe", new_name="Corner Cafe & Bakery")

    assert XeroWebhookEvent.objects.get().outcome == WebhookEventOutcome.PENDING
    assert Contact.objects.filter(business=business, name="Corner Cafe").exists()

    monkeypatch.setattr(webhooks, "enqueue_processing", running)
    webhooks_sweep.delay()

    assert XeroWebhookEvent.objects.get().outcome == WebhookEventOutcome.PROCESSED
    assert Contact.objects.filter(business=business, name="Corner Cafe & Bakery").exists()


def test_nothing_is_sent_once_the_organisation_is_disconnected(connected):
    from connections.services import connection_disconnect
    from xero_sandbox.accounting import control

    business, connection, org = connected
    connection_disconnect(connection=connection, acting_user=None)

    control.contact_rename(organisation=org, name="Corner Cafe", new_name="Corner Cafe & Bakery")

    # Disconnecting removed the app's access in Xero, so Xero sends nothing more.
    assert not XeroWebhookEvent.objects.exists()
    assert Contact.objects.filter(business=business, name="Corner Cafe").exists()


def test_a_supplier_dext_creates_stays_a_supplier_when_xero_says_it_changed(connected, admin_user):
    from lists.contacts import contact_create_in_xero
    from xero_sandbox.accounting import control

    business, connection, org = connected
    contact, created = contact_create_in_xero(business=business, name="Harbour Fish Market", acting_user=admin_user)
    assert created

    # Renamed in Xero before any bill: Xero still says IsSupplier false.
    control.contact_rename(organisation=org, contact_id=contact.xero_id, new_name="Harbour Fish Market Ltd")

    contact.refresh_from_db()
    assert contact.name == "Harbour Fish Market Ltd"
    assert contact.is_supplier and contact.status == ListStatus.ACTIVE
    assert list(XeroWebhookEvent.objects.values_list("event_type", "outcome")) == [
        ("CREATE", WebhookEventOutcome.PROCESSED), ("UPDATE", WebhookEventOutcome.PROCESSED)]
