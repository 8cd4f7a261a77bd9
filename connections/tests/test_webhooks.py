"""The webhook endpoint as Xero sees it: signatures, intent to receive, storing each event
once, and processing per organisation (https://developer.xero.com/documentation/guides/webhooks/overview/)."""

import base64
import hashlib
import hmac
import json

import pytest
from django.urls import reverse

from connections import webhooks
from connections.models import ConnectionStatus, WebhookEventOutcome, XeroConnection, XeroWebhookEvent
from dext import hooks

# Processing is queued on commit: the tests commit, as a request does.
pytestmark = pytest.mark.django_db(transaction=True)

KEY = "unit-test-webhook-key"
TENANT = "c2cc9b6e-9458-4c7d-93cc-f02b81b0594f"


def sign(body: bytes, key: str = KEY) -> str:
    return base64.b64encode(hmac.new(key.encode(), body, hashlib.sha256).digest()).decode()


def event(resource_id="717f2bfc-c6d4-41fd-b238-3f2f0c0cf777", *, category="CONTACT", tenant=TENANT,
          event_type="UPDATE", when="2024-06-21T01:15:39.902"):
    return {
        "resourceUrl": f"https://api.xero.com/api.xro/2.0/Contacts/{resource_id}",
        "resourceId": resource_id,
        "eventDateUtc": when,
        "eventType": event_type,
        "eventCategory": category,
        "tenantId": tenant,
        "tenantType": "ORGANISATION",
    }


def payload(*events) -> bytes:
    return json.dumps(
        {"events": list(events), "firstEventSequence": 1, "lastEventSequence": max(1, len(events)),
         "entropy": "S0m3r4Nd0mt3xt"}
    ).encode()


def post(client, body: bytes, signature: str | None):
    headers = {"HTTP_X_XERO_SIGNATURE": signature} if signature is not None else {}
    return client.post(reverse("xero_webhook"), data=body, content_type="application/json", **headers)


@pytest.fixture
def key(settings):
    settings.XERO_WEBHOOK_KEY = KEY
    return KEY


@pytest.fixture
def listeners(monkeypatch):
    """The apps above, replaced by the test's own listeners (end-to-end tests use the real ones)."""
    replaced: list = []
    monkeypatch.setitem(hooks._listeners, hooks.XERO_CHANGED, replaced)
    return replaced


@pytest.fixture
def heard(listeners):
    """What the apps above hear (``hooks.XERO_CHANGED``)."""
    calls = []

    def listener(*, connection, changes):
        calls.append((connection.pk, changes))

    listeners.append(listener)
    return calls


@pytest.fixture
def tenant_connection(business):
    return XeroConnection.objects.create(business=business, tenant_id=TENANT, tenant_name="Demo Company (UK)")


def test_correct_signature_is_answered_200_with_an_empty_body_and_no_cookies(client, key):
    body = payload(event())

    response = post(client, body, sign(body))

    assert response.status_code == 200
    assert response.content == b""
    assert not response.cookies
    stored = XeroWebhookEvent.objects.get()
    assert (stored.category, stored.event_type, stored.resource_id, stored.tenant_id) == (
        "CONTACT", "UPDATE", "717f2bfc-c6d4-41fd-b238-3f2f0c0cf777", TENANT)
    assert stored.payload == json.loads(body)["events"][0]
    assert stored.event_date.isoformat() == "2024-06-21T01:15:39.902000+00:00"
    assert stored.received_at is not None


def test_wrong_signature_is_401_and_nothing_is_stored(client, key):
    body = payload(event())

    response = post(client, body, sign(body, "another-key"))

    assert response.status_code == 401
    assert response.content == b""
    assert not response.cookies
    assert not XeroWebhookEvent.objects.exists()


def test_signature_of_another_body_is_401(client, key):
    response = post(client, payload(event()), sign(payload(event(), event("b8c2e7e0-0000-4000-8000-000000000001"))))

    assert response.status_code == 401
    assert not XeroWebhookEvent.objects.exists()


def test_missing_signature_is_401(client, key):
    assert post(client, payload(event()), None).status_code == 401
    assert not XeroWebhookEvent.objects.exists()


def test_without_a_webhook_key_every_delivery_is_401(client, settings):
    settings.XERO_WEBHOOK_KEY = ""
    body = payload(event())

    assert post(client, body, sign(body, "")).status_code == 401
    assert post(client, body, sign(body, KEY)).status_code == 401
    assert not XeroWebhookEvent.objects.exists()


def test_signature_is_checked_before_the_body_is_read_as_json(client, key):
    assert post(client, b"not json at all", sign(b"x")).status_code == 401
    assert post(client, b"not json at all", sign(b"not json at all")).status_code == 200


def test_get_is_not_allowed(client, key):
    assert client.get(reverse("xero_webhook")).status_code == 405


def test_intent_to_receive_answers_200_to_good_and_401_to_bad_payloads(client, key):
    intent = b'{"events":[],"firstEventSequence":0,"lastEventSequence":0,"entropy":"KQZQJXNWPRYCUNKWDJVB"}'

    assert post(client, intent, sign(intent)).status_code == 200
    assert post(client, intent, sign(intent, "wrong")).status_code == 401
    assert not XeroWebhookEvent.objects.exists()


def test_replayed_body_stores_each_event_once(client, key, tenant_connection, heard):
    body = payload(event(), event("b8c2e7e0-0000-4000-8000-000000000001", category="INVOICE", event_type="CREATE"))

    assert post(client, body, sign(body)).status_code == 200
    assert post(client, body, sign(body)).status_code == 200
    # The same event in a later delivery, with other sequence numbers and entropy.
    again = json.dumps({"events": [event()], "firstEventSequence": 7, "lastEventSequence": 7,
                        "entropy": "other"}).encode()
    assert post(client, again, sign(again)).status_code == 200

    assert XeroWebhookEvent.objects.count() == 2
    assert len(heard) == 1  # the replays found nothing new to process


def test_an_event_changed_again_later_is_a_new_event(client, key):
    first = payload(event(when="2024-06-21T01:15:39.902"))
    later = payload(event(when="2024-06-21T01:17:02.113"))

    post(client, first, sign(first))
    post(client, later, sign(later))

    assert XeroWebhookEvent.objects.count() == 2


def test_events_for_an_organisation_no_business_is_connected_to_are_ignored(client, key, heard, business):
    XeroConnection.objects.create(
        business=business, tenant_id=TENANT, tenant_name="Gone", status=ConnectionStatus.DISCONNECTED
    )
    body = payload(event(), event(tenant="00000000-1111-2222-3333-444444444444"))

    post(client, body, sign(body))

    assert set(XeroWebhookEvent.objects.values_list("outcome", flat=True)) == {WebhookEventOutcome.IGNORED}
    assert all(e.processed_at for e in XeroWebhookEvent.objects.all())
    assert heard == []


def test_a_burst_for_one_organisation_is_one_announcement(client, key, tenant_connection, heard):
    contacts = [f"0000000{n}-aaaa-4bbb-8ccc-dddddddddddd" for n in range(5)]
    events = [event(c) for c in contacts] + [event(contacts[0], when="2024-06-21T01:16:00.000")]
    events += [event("11111111-2222-4333-8444-555555555555", category="INVOICE", event_type="CREATE")]
    body = payload(*events)

    post(client, body, sign(body))

    assert heard == [(tenant_connection.pk, {"CONTACT": set(contacts), "INVOICE": {"11111111-2222-4333-8444-555555555555"}})]
    assert set(XeroWebhookEvent.objects.values_list("outcome", flat=True)) == {WebhookEventOutcome.PROCESSED}


def test_processing_again_changes_nothing(key, tenant_connection, heard):
    webhooks.webhook_events_store(events=[event()])
    assert len(heard) == 1

    result = webhooks.webhook_events_process(tenant_id=TENANT)

    assert result.claimed == 0
    assert len(heard) == 1


def test_a_busy_xero_leaves_the_events_pending_to_be_tried_again(key, tenant_connection, listeners, monkeypatch):
    from connections.xero.errors import XeroUnavailable

    def listener(*, connection, changes):
        raise XeroUnavailable("Xero answered 503.")

    listeners.append(listener)
    monkeypatch.setattr(webhooks, "enqueue_processing", lambda *args, **kwargs: None)  # the worker is down
    webhooks.webhook_events_store(events=[event()])
    result = webhooks.webhook_events_process(tenant_id=TENANT)
    listeners.remove(listener)

    assert result.retry_after >= webhooks.RETRY_BACKOFF_SECONDS
    stored = XeroWebhookEvent.objects.get()
    assert (stored.outcome, stored.claim, stored.error, stored.attempts) == ("pending", "", "unavailable", 1)

    result = webhooks.webhook_events_process(tenant_id=TENANT)  # Xero is back (no failing listener)
    stored.refresh_from_db()
    assert stored.outcome == WebhookEventOutcome.PROCESSED


def test_events_stored_while_the_worker_is_down_are_processed_by_the_sweep(
    client, key, tenant_connection, heard, monkeypatch
):
    running = webhooks.enqueue_processing
    monkeypatch.setattr(webhooks, "enqueue_processing", lambda tenant_id, **kwargs: None)  # the message is lost
    body = payload(event())

    assert post(client, body, sign(body)).status_code == 200
    assert XeroWebhookEvent.objects.get().outcome == WebhookEventOutcome.PENDING
    assert heard == []
    monkeypatch.setattr(webhooks, "enqueue_processing", running)  # the worker is back; beat runs the sweep

    from connections.tasks import webhooks_sweep

    assert webhooks_sweep.delay().get() == 1
    assert XeroWebhookEvent.objects.get().outcome == WebhookEventOutcome.PROCESSED
    assert heard == [(tenant_connection.pk, {"CONTACT": {"717f2bfc-c6d4-41fd-b238-3f2f0c0cf777"}})]


def test_the_sweep_is_in_the_beat_schedule(settings):
    entries = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "connections.webhooks_sweep" in entries


def test_a_failing_listener_is_tried_again_then_given_up(key, tenant_connection, listeners, monkeypatch):
    def listener(*, connection, changes):
        raise RuntimeError("a bug above")

    listeners.append(listener)
    monkeypatch.setattr(webhooks, "enqueue_processing", lambda *args, **kwargs: None)
    webhooks.webhook_events_store(events=[event()])

    for attempt in range(1, webhooks.MAX_ATTEMPTS + 1):
        with pytest.raises(RuntimeError):
            webhooks.webhook_events_process(tenant_id=TENANT)
        stored = XeroWebhookEvent.objects.get()
        assert stored.attempts == attempt

    assert (stored.outcome, stored.error) == (WebhookEventOutcome.FAILED, "internal_error")
    assert webhooks.webhook_events_process(tenant_id=TENANT).claimed == 0


def test_support_staff_see_the_events_in_the_admin(support_client, key):
    webhooks.webhook_events_store(events=[event()])

    page = support_client.get(reverse("admin:connections_xerowebhookevent_changelist"))

    assert page.status_code == 200
    assert "717f2bfc-c6d4-41fd-b238-3f2f0c0cf777" in page.content.decode()


def test_the_sweep_forgets_finished_events_after_31_days(key, listeners):
    from datetime import timedelta

    from django.utils import timezone

    webhooks.webhook_events_store(events=[event(), event("b8c2e7e0-0000-4000-8000-000000000001")])
    old, pending = XeroWebhookEvent.objects.order_by("pk")
    XeroWebhookEvent.objects.filter(pk=old.pk).update(
        outcome=WebhookEventOutcome.IGNORED, processed_at=timezone.now() - timedelta(days=32))
    # The other one as a worker that died before processing it left it: pending, unclaimed.
    XeroWebhookEvent.objects.filter(pk=pending.pk).update(
        outcome=WebhookEventOutcome.PENDING, claimed_at=None, processed_at=None)

    assert webhooks.webhook_events_sweep() == [TENANT]

    assert list(XeroWebhookEvent.objects.values_list("pk", flat=True)) == [pending.pk]
