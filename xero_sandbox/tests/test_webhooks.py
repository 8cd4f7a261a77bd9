"""The sandbox sends webhooks like Xero: intent to receive, signed batches shaped as
``xero-webhooks.yaml``, retries with growing intervals, unhealthy after a day of failures,
and an event for every change Xero notifies (https://developer.xero.com/documentation/guides/webhooks/overview/).

Deliveries to an app that is not this one are faked at the network boundary (``responses``);
those to dext itself cross real HTTP to ``live_server``."""

import base64
import datetime as dt
import hashlib
import hmac
import json
from pathlib import Path

import pytest
import responses
import yaml
from openapi_schema_validator import OAS31Validator

from xero_sandbox import clock, webhooks
from xero_sandbox.accounting import control
from xero_sandbox.accounting.documents import documents_submit
from xero_sandbox.accounting.models import Document
from xero_sandbox.accounting.seed import seed_books
from xero_sandbox.accounting.tests.conftest import connect
from xero_sandbox.models import WebhookDelivery, WebhookEvent, WebhookSubscription
from xero_sandbox.seed import DEMO_ORGANISATIONS, seed_identity

SPEC = Path(__file__).resolve().parents[1] / "openapi" / "xero-webhooks.yaml"
APP_URL = "https://app.example.com/webhooks/xero/"
KEY = "sandbox-test-webhook-key"

pytestmark = pytest.mark.django_db(transaction=True)


def signed(body: bytes, key: str = KEY) -> str:
    return base64.b64encode(hmac.new(key.encode(), body, hashlib.sha256).digest()).decode()


class App:
    """An app's webhook endpoint done right (at the network boundary): 401 for a bad signature."""

    def __init__(self, *, status: int = 200, key: str = KEY):
        self.status, self.key, self.received = status, key, []

    def __call__(self, request):
        if request.headers.get("x-xero-signature") != signed(request.body, self.key):
            return 401, {}, ""
        payload = json.loads(request.body)
        if payload["events"]:
            self.received.append(payload)
            return self.status, {}, ""
        return 200, {}, ""

    @property
    def events(self) -> list[dict]:
        return [event for payload in self.received for event in payload["events"]]


@pytest.fixture
def organisations(settings):
    settings.XERO_SANDBOX_WEBHOOK_URL = APP_URL
    settings.XERO_SANDBOX_WEBHOOK_KEY = KEY
    uk, nz = seed_identity(organisations=DEMO_ORGANISATIONS[:2])
    seed_books(uk)
    seed_books(nz)
    connect(organisation=uk)  # the app is connected to the UK organisation only
    return uk, nz


@pytest.fixture
def app(organisations):
    endpoint = App()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_callback(responses.POST, APP_URL, callback=endpoint)
        yield endpoint


@pytest.fixture(scope="module")
def webhook_schema():
    with SPEC.open() as handle:
        spec = yaml.safe_load(handle)
    return spec


def assert_matches_spec(payload: dict, spec: dict) -> None:
    name = "CreditNoteWebhookEvent" if any(e["eventCategory"] == "CREDITNOTE" for e in payload["events"]) else "WebhookEvent"
    schema = {**spec["components"]["schemas"][name], "components": spec["components"]}
    OAS31Validator(schema).validate(payload)


def bill(org, *, status="AUTHORISED", total="120.00"):
    result = documents_submit(
        organisation=org, kind="invoice", summarize_errors=True, allow_update=False,
        elements=[{
            "Type": "ACCPAY", "Status": status, "Contact": {"Name": "Bakery Supplies Co"}, "InvoiceNumber": "BS-1001",
            "Date": "2026-11-02", "DueDate": "2026-12-02",
            "LineItems": [{"Description": "Flour", "Quantity": 1, "UnitAmount": total, "AccountCode": "310",
                           "TaxType": "NONE"}],
        }],
    )
    assert not result.failed, result.outcomes
    return result.saved[0]


# --- Intent to receive -------------------------------------------------------------------------


def test_intent_to_receive_passes_against_dext(live_server, organisations, settings):
    settings.XERO_WEBHOOK_KEY = KEY

    subscription = webhooks.subscription_configure(url=f"{live_server.url}/webhooks/xero/", key=KEY)

    assert subscription.status == WebhookSubscription.Status.OK
    probes = WebhookDelivery.objects.filter(kind=WebhookDelivery.Kind.INTENT)
    assert sorted((p.correctly_signed, p.status_code) for p in probes) == [(False, 401), (False, 401), (True, 200), (True, 200)]


def test_intent_to_receive_fails_against_dext_with_another_key(live_server, organisations, settings):
    settings.XERO_WEBHOOK_KEY = "the key dext was given"

    subscription = webhooks.subscription_configure(url=f"{live_server.url}/webhooks/xero/", key=KEY)

    assert subscription.status == WebhookSubscription.Status.INTENT_FAILED
    assert "correctly signed: expected 200, got 401" in subscription.status_detail
    # Nothing is delivered to a webhook that did not pass.
    control.contact_rename(organisation=organisations[0], name="Bakery Supplies Co", new_name="Renamed")
    assert webhooks.deliver_pending(force=True) == 0
    assert WebhookEvent.objects.filter(delivered_at__isnull=True).count() == 1


def test_intent_to_receive_fails_against_an_endpoint_that_accepts_anything(organisations):
    with responses.RequestsMock() as mock:
        mock.add(responses.POST, APP_URL, status=200)
        subscription = webhooks.subscription_configure(url=APP_URL, key=KEY)

    assert subscription.status == WebhookSubscription.Status.INTENT_FAILED
    assert "wrongly signed: expected 401, got 200" in subscription.status_detail


def test_the_check_runs_before_the_first_delivery_and_again_when_the_key_changes(app, organisations, settings):
    control.contact_rename(organisation=organisations[0], name="Bakery Supplies Co", new_name="Renamed")

    assert WebhookSubscription.objects.get().status == WebhookSubscription.Status.OK
    assert WebhookDelivery.objects.filter(kind=WebhookDelivery.Kind.INTENT).count() == 4
    assert len(app.events) == 1

    settings.XERO_SANDBOX_WEBHOOK_KEY = "a new key the app does not know"
    control.contact_rename(organisation=organisations[0], name="Renamed", new_name="Renamed again")

    assert WebhookSubscription.objects.get().status == WebhookSubscription.Status.INTENT_FAILED
    assert len(app.events) == 1


# --- What is sent --------------------------------------------------------------------------------


def test_a_delivery_is_signed_and_shaped_as_xero_sends_it(app, organisations, webhook_schema, settings):
    uk, _nz = organisations
    clock.freeze(dt.datetime(2026, 11, 29, 9, 30, 15, 123000, tzinfo=dt.UTC))

    contact = control.contact_rename(organisation=uk, name="Bakery Supplies Co", new_name="Bakery Supplies Group")

    (payload,) = app.received
    assert_matches_spec(payload, webhook_schema)
    assert payload["events"] == [{
        "resourceUrl": f"{settings.SITE_URL}/xero-sandbox/api/api.xro/2.0/Contacts/{contact.pk}",
        "resourceId": str(contact.pk),
        "eventDateUtc": "2026-11-29T09:30:15.123",
        "eventType": "UPDATE",
        "eventCategory": "CONTACT",
        "tenantId": str(uk.pk),
        "tenantType": "ORGANISATION",
    }]
    assert payload["firstEventSequence"] == payload["lastEventSequence"] == 1
    assert len(payload["entropy"]) == 20


def test_changes_committed_together_are_one_batch(app, organisations, webhook_schema):
    from django.db import transaction

    uk, _nz = organisations
    with transaction.atomic():
        control.contact_add(organisation=uk, name="Harbour Fish Market")
        control.contact_rename(organisation=uk, name="Corner Cafe", new_name="Corner Cafe & Bakery")
        control.contact_archive(organisation=uk, name="Office Depot Ltd")

    (payload,) = app.received
    assert_matches_spec(payload, webhook_schema)
    assert [(e["eventCategory"], e["eventType"]) for e in payload["events"]] == [
        ("CONTACT", "CREATE"), ("CONTACT", "UPDATE"), ("CONTACT", "UPDATE")]
    assert (payload["firstEventSequence"], payload["lastEventSequence"]) == (1, 3)


def test_only_organisations_connected_to_the_app_are_notified(app, organisations):
    _uk, nz = organisations

    control.contact_rename(organisation=nz, name="Bakery Supplies Co", new_name="Renamed")

    assert not WebhookEvent.objects.exists()
    assert app.received == []


def test_no_events_without_a_webhook(organisations, settings):
    settings.XERO_SANDBOX_WEBHOOK_KEY = ""

    control.contact_rename(organisation=organisations[0], name="Bakery Supplies Co", new_name="Renamed")

    assert not WebhookSubscription.objects.exists()
    assert not WebhookEvent.objects.exists()


def test_a_bill_created_paid_voided_and_deleted_is_notified_each_time(app, organisations, webhook_schema):
    uk, _nz = organisations

    paid = bill(uk)
    control.document_pay_in_full(organisation=uk, document_id=paid.pk)
    voided = bill(uk)
    control.document_void(organisation=uk, document_id=voided.pk)
    draft = bill(uk, status="DRAFT")
    control.document_delete(organisation=uk, document_id=draft.pk)

    events = [(e["resourceId"], e["eventCategory"], e["eventType"]) for e in app.events]
    assert events == [
        (str(paid.pk), "INVOICE", "CREATE"), (str(paid.pk), "INVOICE", "UPDATE"),
        (str(voided.pk), "INVOICE", "CREATE"), (str(voided.pk), "INVOICE", "UPDATE"),
        (str(draft.pk), "INVOICE", "CREATE"), (str(draft.pk), "INVOICE", "UPDATE"),
    ]
    for payload in app.received:
        assert_matches_spec(payload, webhook_schema)
    assert all(e["resourceUrl"].endswith(f"/Invoices/{e['resourceId']}") for e in app.events)
    paid.refresh_from_db()
    assert (paid.status, paid.amount_due, paid.fully_paid_on_date) == ("PAID", 0, clock.now().date())
    assert paid.payments.get().amount == paid.total
    assert Document.objects.get(pk=voided.pk).status == "VOIDED"
    assert Document.objects.get(pk=draft.pk).status == "DELETED"


def test_a_credit_note_event_carries_its_type_and_status(app, organisations, webhook_schema):
    uk, _nz = organisations

    result = documents_submit(
        organisation=uk, kind="creditnote", summarize_errors=True, allow_update=False,
        elements=[{"Type": "ACCPAYCREDIT", "Status": "AUTHORISED", "Contact": {"Name": "Bakery Supplies Co"},
                   "Date": "2026-11-02", "LineItems": [{"Description": "Returned flour", "Quantity": 1,
                                                        "UnitAmount": "20.00", "AccountCode": "310", "TaxType": "NONE"}]}],
    )

    (payload,) = app.received
    assert_matches_spec(payload, webhook_schema)
    (event,) = payload["events"]
    assert event["eventCategory"] == "CREDITNOTE" and event["eventType"] == "CREATE"
    assert event["resourceId"] == str(result.saved[0].pk)
    assert event["data"] == {"Type": "ACCPAYCREDIT", "Status": "AUTHORISED"}


def test_bank_transactions_are_not_notified(app, organisations):
    uk, _nz = organisations

    result = documents_submit(
        organisation=uk, kind="banktransaction", summarize_errors=True, allow_update=False,
        elements=[{"Type": "SPEND", "Contact": {"Name": "Bakery Supplies Co"}, "BankAccount": {"Code": "090"},
                   "Date": "2026-11-02", "LineItems": [{"Description": "Coffee", "Quantity": 1, "UnitAmount": "4.50",
                                                        "AccountCode": "429", "TaxType": "NONE"}]}],
    )

    assert not result.failed
    assert app.received == []


# --- Retries and health -----------------------------------------------------------------------


def test_failed_deliveries_are_retried_less_often_then_the_webhook_turns_unhealthy(app, organisations):
    uk, _nz = organisations
    clock.freeze()
    app.status = 503
    control.contact_rename(organisation=uk, name="Bakery Supplies Co", new_name="Renamed")
    subscription = WebhookSubscription.objects.get()
    assert (subscription.status, subscription.consecutive_failures) == (WebhookSubscription.Status.OK, 1)

    # Not due yet: nothing is posted.
    assert webhooks.deliver_pending() == 0
    assert len(app.received) == 1

    waits = []
    while True:
        subscription.refresh_from_db()
        if subscription.status != WebhookSubscription.Status.OK:
            break
        wait = subscription.next_attempt_at - clock.now()
        waits.append(wait)
        clock.advance(wait.total_seconds())
        webhooks.deliver_pending()

    assert subscription.status == WebhookSubscription.Status.UNHEALTHY
    assert subscription.consecutive_failures == webhooks.MAX_FAILURES
    assert waits == sorted(waits) and waits[0] < waits[-1]
    assert dt.timedelta(hours=20) <= sum(waits, dt.timedelta()) <= dt.timedelta(hours=30)
    assert len(app.received) == webhooks.MAX_FAILURES  # the same event, every time
    assert {p["events"][0]["resourceId"] for p in app.received} == {app.received[0]["events"][0]["resourceId"]}

    # Unhealthy: nothing more is sent, even when asked.
    clock.advance(24 * 3600)
    assert webhooks.deliver_pending(force=True) == 0
    assert len(app.received) == webhooks.MAX_FAILURES

    # Re-enabled (the app is fixed): the check runs again, then what waited is delivered.
    app.status = 200
    webhooks.subscription_enable()
    subscription.refresh_from_db()
    assert (subscription.status, subscription.consecutive_failures) == (WebhookSubscription.Status.OK, 0)
    assert len(app.received) == webhooks.MAX_FAILURES + 1
    assert not WebhookEvent.objects.filter(delivered_at__isnull=True).exists()


def test_a_failed_delivery_keeps_its_events_for_the_next_one(app, organisations):
    uk, _nz = organisations
    clock.freeze()
    app.status = 500
    control.contact_rename(organisation=uk, name="Bakery Supplies Co", new_name="Renamed")
    app.status = 200
    control.contact_rename(organisation=uk, name="Corner Cafe", new_name="Corner Cafe & Bakery")  # not due yet

    clock.advance(10)
    assert webhooks.deliver_pending() == 2

    assert [len(p["events"]) for p in app.received] == [1, 2]
    assert WebhookSubscription.objects.get().consecutive_failures == 0


def test_the_beat_retries_deliveries(settings):
    entries = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "xero_sandbox.webhooks_deliver" in entries


# --- The control API and pages -------------------------------------------------------------------


def test_control_api_configures_the_webhook_and_shows_it(client, organisations):
    with responses.RequestsMock() as mock:
        mock.add_callback(responses.POST, "https://other.example.com/hook", callback=App(key="other-key"))
        response = client.post(
            "/xero-sandbox/control/api/webhook", {"url": "https://other.example.com/hook", "key": "other-key"},
            content_type="application/json",
        )

    assert response.status_code == 200
    state = client.get("/xero-sandbox/control/api/").json()["webhook"]
    assert (state["url"], state["status"], state["from_settings"]) == ("https://other.example.com/hook", "ok", False)
    page = client.get("/xero-sandbox/control/").content.decode()
    assert "https://other.example.com/hook" in page
    assert "status <strong>OK</strong>" in page
    assert "<td>Intent to receive (bad signature)</td><td></td><td>401</td>" in page


def test_control_api_refuses_a_webhook_without_a_key(client, organisations):
    response = client.post("/xero-sandbox/control/api/webhook", {"url": APP_URL}, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"] == "A webhook needs a delivery URL (http or https) and a key."


def test_organisation_page_pays_voids_and_deletes_with_xeros_rules(client, organisations):
    uk, _nz = organisations
    authorised, draft = bill(uk), bill(uk, status="DRAFT")
    page = client.get(f"/xero-sandbox/orgs/{uk.pk}/").content.decode()
    assert 'aria-label="Pay in full BS-1001 (Bakery Supplies Co)"' in page
    url = f"/xero-sandbox/orgs/{uk.pk}/control/"

    refused = client.post(url, {"action": "delete-document", "document_id": authorised.pk}, follow=True)
    assert ("Xero deletes only draft or awaiting-approval documents; this bill BS-1001 is AUTHORISED: "
            "void it instead.") in refused.content.decode()
    refused = client.post(url, {"action": "pay-document", "document_id": draft.pk}, follow=True)
    assert "Xero takes payments only on approved (AUTHORISED) documents; this bill BS-1001 is DRAFT." in (
        refused.content.decode())

    paid = client.post(url, {"action": "pay-document", "document_id": authorised.pk}, follow=True)
    assert "Paid in full: bill BS-1001 is now PAID." in paid.content.decode()
    refused = client.post(url, {"action": "void-document", "document_id": authorised.pk}, follow=True)
    assert "Xero cannot void this bill BS-1001: it has payments: remove them first." in refused.content.decode()
    deleted = client.post(url, {"action": "delete-document", "document_id": draft.pk}, follow=True)
    assert "Deleted: bill BS-1001 is now DELETED." in deleted.content.decode()
    assert Document.objects.get(pk=authorised.pk).status == "PAID"
