"""Connections page: what dext can tell of Xero's webhooks for the organisation (Xero has no
API for a subscription's health, so the page says what reached dext)."""

import base64
import hashlib
import hmac
import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from connections.models import XeroConnection, XeroWebhookEvent

TENANT = "6f1b3c5e-0d6a-4a1e-9a55-0a6b8e1c0b01"
KEY = "health-test-key"


@pytest.fixture
def connection(business):
    return XeroConnection.objects.create(business=business, tenant_id=TENANT, tenant_name="Demo Company (UK)")


def updates_section(client) -> str:
    html = client.get(reverse("connections:index")).content.decode()
    match = re.search(r'<section class="webhook-health".*?</section>', html, re.S)
    assert match, "no 'Updates from Xero' section"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(0)).split())


def store_event(*, received_at, tenant=TENANT):
    XeroWebhookEvent.objects.create(
        event_key=hashlib.sha256(f"{tenant}-{received_at.isoformat()}".encode()).hexdigest(), tenant_id=tenant, category="CONTACT", event_type="UPDATE",
        resource_id="717f2bfc-c6d4-41fd-b238-3f2f0c0cf777", received_at=received_at, outcome="processed",
    )


def test_without_a_webhook_key_the_page_says_dext_polls(admin_client, connection, settings):
    settings.XERO_WEBHOOK_KEY = ""
    settings.XERO_STATUS_POLL_MINUTES = 15

    text = updates_section(admin_client)

    assert "Webhooks not configured" in text
    assert "Not configured — dext checks Xero every 15 minutes" in text


def test_receiving_shows_when_the_last_event_for_this_organisation_arrived(admin_client, connection, settings):
    settings.XERO_WEBHOOK_KEY = KEY
    store_event(received_at=timezone.now() - timedelta(days=2))
    last = timezone.now() - timedelta(hours=1)
    store_event(received_at=last)
    store_event(received_at=timezone.now(), tenant="another-organisation")

    text = updates_section(admin_client)

    assert "Receiving" in text
    assert f"Last event {timezone.localtime(last):%-d %b %Y, %H:%M}" in text


def test_before_any_event_the_page_says_it_is_waiting(admin_client, connection, settings):
    settings.XERO_WEBHOOK_KEY = KEY

    text = updates_section(admin_client)

    assert "Waiting No webhook event from Xero for Demo Company (UK) yet." in text


def test_nothing_for_a_long_time_is_a_warning(admin_client, connection, settings):
    settings.XERO_WEBHOOK_KEY = KEY
    store_event(received_at=timezone.now() - timedelta(days=9))

    text = updates_section(admin_client)

    assert "Nothing received lately" in text
    assert "check the webhook's status in Xero's developer portal" in text


def test_refused_signatures_are_a_warning(admin_client, client, connection, settings):
    settings.XERO_WEBHOOK_KEY = KEY
    body = json.dumps({"events": [{"tenantId": TENANT}], "firstEventSequence": 1, "lastEventSequence": 1,
                       "entropy": "x"}).encode()
    wrong = base64.b64encode(hmac.new(b"old-key", body, hashlib.sha256).digest()).decode()
    for _ in range(2):
        response = admin_client.post(reverse("xero_webhook"), body, content_type="application/json",
                                     HTTP_X_XERO_SIGNATURE=wrong)
        assert response.status_code == 401

    text = updates_section(admin_client)

    assert "Signature failures dext refused 2 webhook deliveries with a wrong signature" in text
    assert "must match dext's XERO_WEBHOOK_KEY" in text


def test_intent_to_receive_probes_with_bad_signatures_are_not_failures(admin_client, connection, settings):
    settings.XERO_WEBHOOK_KEY = KEY
    intent = b'{"events":[],"firstEventSequence":0,"lastEventSequence":0,"entropy":"ABC"}'
    good = base64.b64encode(hmac.new(KEY.encode(), intent, hashlib.sha256).digest()).decode()
    admin_client.post(reverse("xero_webhook"), intent, content_type="application/json", HTTP_X_XERO_SIGNATURE="bad")
    admin_client.post(reverse("xero_webhook"), intent, content_type="application/json", HTTP_X_XERO_SIGNATURE=good)

    text = updates_section(admin_client)

    assert "Waiting" in text and "Xero last checked the endpoint" in text
    assert "Signature failures" not in text
