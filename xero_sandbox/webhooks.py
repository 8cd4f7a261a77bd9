"""Xero's webhooks, the sending end: record what Xero would notify, deliver it signed.

As https://developer.xero.com/documentation/guides/webhooks/overview/ describes (and
``xero-webhooks.yaml``):

- An app has one webhook (:class:`WebhookSubscription`): a delivery URL and a key. Until
  the endpoint passes the *intent to receive* check, nothing is delivered. The check (on
  configuring, on a URL or key change, on re-enabling) posts several payloads with no
  events, some signed with the key and some not: the endpoint must answer 200 to every
  good one and 401 to every bad one.
- Events (CONTACT, INVOICE, CREDITNOTE; CREATE or UPDATE, archiving being an UPDATE) are
  recorded for organisations connected to the app, and delivered in batches: one POST
  carries every pending event, with ``firstEventSequence``/``lastEventSequence`` and
  ``entropy``, signed in ``x-xero-signature`` = base64(HMAC-SHA256(key, body)).
- A delivery that is not answered 200 within 5 seconds failed. Failed deliveries are
  retried "with decreasing frequency" for up to a day; then the webhook is marked
  unhealthy and delivers nothing until it is re-enabled (which runs the check again).
  Events wait meanwhile (Xero keeps them 31 days).

Deliveries run in a Celery task queued when events are recorded, and from beat (retries
fall due); tests call :func:`deliver_pending` directly.
"""

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import random
import secrets
import string

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse

from xero_sandbox import clock
from xero_sandbox.models import (
    Organisation,
    SandboxApp,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)

logger = logging.getLogger(__name__)

CATEGORIES = ("CONTACT", "INVOICE", "CREDITNOTE")
_RESOURCE_PATH = {"CONTACT": "Contacts", "INVOICE": "Invoices", "CREDITNOTE": "CreditNotes"}
# Xero expects an answer within 5 seconds.
TIMEOUT_SECONDS = 5.0
# Events per POST (Xero batches; it documents no size).
BATCH_SIZE = 100
# Waits after the 1st, 2nd … failed delivery; after the last one fails (about a day after
# the first) the webhook is unhealthy, as Xero turns a webhook off after 24 hours.
RETRY_DELAYS = [
    dt.timedelta(seconds=10),
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=1),
    dt.timedelta(hours=2),
    dt.timedelta(hours=4),
    dt.timedelta(hours=8),
    dt.timedelta(hours=8),
]
MAX_FAILURES = len(RETRY_DELAYS) + 1
DELIVERY_LEASE = dt.timedelta(seconds=60)
# The intent-to-receive probes: True is correctly signed.
INTENT_PROBES = (True, False, True, False)


class WebhookConfigError(ValueError):
    pass


# --- The subscription -----------------------------------------------------------------------


def settings_url() -> str:
    return settings.XERO_SANDBOX_WEBHOOK_URL or f"{settings.SITE_URL}/webhooks/xero/"


def settings_key() -> str:
    return settings.XERO_SANDBOX_WEBHOOK_KEY or settings.XERO_WEBHOOK_KEY


def _builtin_app() -> SandboxApp | None:
    return SandboxApp.objects.filter(client_id=settings.XERO_SANDBOX_CLIENT_ID).first()


def subscription_current() -> WebhookSubscription | None:
    """The built-in app's webhook, created from (and kept in step with) the settings while
    they configure it. None when nothing configures one (no key)."""
    # One query when there is nothing to do: this runs on every write the sandbox serves.
    subscription = (
        WebhookSubscription.objects.filter(app__client_id=settings.XERO_SANDBOX_CLIENT_ID).select_related("app").first()
    )
    if subscription is not None and not subscription.from_settings:
        return subscription
    url, key = settings_url(), settings_key()
    if not key:
        return None
    app = subscription.app if subscription is not None else _builtin_app()
    if app is None:
        return None
    now = clock.now()
    if subscription is None:
        subscription, _ = WebhookSubscription.objects.get_or_create(
            app=app, defaults={"url": url, "key": key, "created": now, "updated": now}
        )
    if (subscription.url, subscription.key) != (url, key):
        _reset(subscription, url=url, key=key, from_settings=True)
    return subscription


def _reset(subscription: WebhookSubscription, *, url: str, key: str, from_settings: bool) -> None:
    """A new URL or key: the intent-to-receive check runs again before any delivery."""
    subscription.url, subscription.key, subscription.from_settings = url, key, from_settings
    subscription.status = WebhookSubscription.Status.PENDING
    subscription.status_detail = ""
    subscription.consecutive_failures = 0
    subscription.failing_since = subscription.next_attempt_at = None
    subscription.updated = clock.now()
    subscription.save()


def subscription_configure(*, url: str, key: str) -> WebhookSubscription:
    """Set the built-in app's delivery URL and key (the developer portal's form) and run the
    intent-to-receive check. Empty ``url`` and ``key``: follow the settings again."""
    app = _builtin_app()
    if app is None:
        raise WebhookConfigError("The sandbox has no app yet: seed it first.")
    url, key = (url or "").strip(), (key or "").strip()
    if not url and not key:
        WebhookSubscription.objects.filter(app=app).update(from_settings=True, url="", key="")
        subscription = subscription_current()
        if subscription is None:
            raise WebhookConfigError("No webhook key in the settings: give a URL and a key.")
    else:
        if not url.startswith(("http://", "https://")) or not key:
            raise WebhookConfigError("A webhook needs a delivery URL (http or https) and a key.")
        now = clock.now()
        subscription, _ = WebhookSubscription.objects.get_or_create(
            app=app, defaults={"url": url, "key": key, "created": now, "updated": now}
        )
        _reset(subscription, url=url, key=key, from_settings=False)
    intent_check(subscription)
    return subscription


def subscription_enable() -> WebhookSubscription:
    """Re-enable an unhealthy (or failed) webhook: the check runs again, and pending events
    are delivered once it passes."""
    subscription = subscription_current()
    if subscription is None:
        raise WebhookConfigError("No webhook is configured.")
    _reset(subscription, url=subscription.url, key=subscription.key, from_settings=subscription.from_settings)
    if intent_check(subscription):
        deliver_pending(force=True)
    return subscription


# --- Recording events -------------------------------------------------------------------------


def record(*, organisation: Organisation | None = None, organisation_id=None, category: str, event_type: str,
           resource_id, data: dict | None = None) -> int:
    """Record one change Xero would notify, for every webhook whose app is connected to the
    organisation; their delivery is queued when the transaction commits. Returns how many
    events were recorded."""
    if category not in CATEGORIES:
        raise ValueError(f"Xero sends no webhook for {category}")
    organisation_id = organisation.pk if organisation is not None else organisation_id
    subscription = subscription_current()
    if subscription is None or not subscription.app.connections.filter(organisation_id=organisation_id).exists():
        return 0
    with transaction.atomic():
        WebhookSubscription.objects.filter(pk=subscription.pk).update(last_sequence=F("last_sequence") + 1)
        sequence = WebhookSubscription.objects.values_list("last_sequence", flat=True).get(pk=subscription.pk)
        WebhookEvent.objects.create(
            subscription=subscription,
            organisation_id=organisation_id,
            sequence=sequence,
            category=category,
            event_type=event_type,
            resource_id=resource_id,
            event_date=clock.now(),
            data=data or {},
        )
        transaction.on_commit(_queue_delivery, robust=True)
    return 1


def record_document(document, *, created: bool) -> int:
    """An invoice or bill (INVOICE) or a credit note (CREDITNOTE, with its Type and Status)
    created or changed; bank transactions have no webhooks."""
    category = {"invoice": "INVOICE", "creditnote": "CREDITNOTE"}.get(document.kind)
    if category is None:
        return 0
    data = {"Type": document.type, "Status": document.status} if category == "CREDITNOTE" else None
    return record(
        organisation_id=document.organisation_id, category=category, event_type="CREATE" if created else "UPDATE",
        resource_id=document.pk, data=data,
    )


def record_contact(contact, *, created: bool) -> int:
    return record(
        organisation_id=contact.organisation_id, category="CONTACT", event_type="CREATE" if created else "UPDATE",
        resource_id=contact.pk,
    )


def _queue_delivery() -> None:
    from xero_sandbox.tasks import webhooks_deliver

    webhooks_deliver.delay()


# --- Delivering --------------------------------------------------------------------------------


def sign(body: bytes, key: str) -> str:
    return base64.b64encode(hmac.new(key.encode(), body, hashlib.sha256).digest()).decode()


def _entropy() -> str:
    return "".join(secrets.choice(string.ascii_uppercase) for _ in range(20))


def _post(subscription: WebhookSubscription, body: bytes, *, key: str) -> tuple[int | None, str]:
    try:
        response = requests.post(
            subscription.url,
            data=body,
            headers={"Content-Type": "application/json", "x-xero-signature": sign(body, key)},
            timeout=TIMEOUT_SECONDS,
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        return None, f"{type(exc).__name__}: {exc}"[:300]
    return response.status_code, ""


def intent_check(subscription: WebhookSubscription) -> bool:
    """Xero's intent-to-receive check: several empty payloads, some signed with another key.
    OK only if every good one got 200 and every bad one 401."""
    probes = list(INTENT_PROBES)
    random.shuffle(probes)
    passed = True
    problems = []
    for correctly_signed in probes:
        body = json.dumps(
            {"events": [], "firstEventSequence": 0, "lastEventSequence": 0, "entropy": _entropy()}
        ).encode()
        key = subscription.key if correctly_signed else secrets.token_urlsafe(32)
        status, error = _post(subscription, body, key=key)
        expected = 200 if correctly_signed else 401
        ok = status == expected
        passed &= ok
        if not ok:
            problems.append(
                f"{'correctly' if correctly_signed else 'wrongly'} signed: expected {expected}, got {status or error}"
            )
        WebhookDelivery.objects.create(
            subscription=subscription, kind=WebhookDelivery.Kind.INTENT, created=clock.now(), url=subscription.url,
            correctly_signed=correctly_signed, status_code=status, error=error, succeeded=ok,
        )
    subscription.last_intent_check_at = clock.now()
    subscription.status = WebhookSubscription.Status.OK if passed else WebhookSubscription.Status.INTENT_FAILED
    subscription.status_detail = "" if passed else "; ".join(problems)[:300]
    subscription.updated = clock.now()
    subscription.save(update_fields=["last_intent_check_at", "status", "status_detail", "updated"])
    return passed


def _event_json(event: WebhookEvent, *, base_url: str) -> dict:
    item = {
        "resourceUrl": f"{base_url}/{_RESOURCE_PATH[event.category]}/{event.resource_id}",
        "resourceId": str(event.resource_id),
        # Xero's format: UTC with milliseconds and no offset ("2024-06-21T01:15:39.902").
        "eventDateUtc": event.event_date.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3],
        "eventType": event.event_type,
        "eventCategory": event.category,
        "tenantId": str(event.organisation_id),
        "tenantType": "ORGANISATION",
    }
    if event.category == "CREDITNOTE":
        item["data"] = event.data
    return item


def api_base_url() -> str:
    return f"{settings.SITE_URL}{reverse('xero_sandbox:index')}api/api.xro/2.0"


def _take_lease(subscription: WebhookSubscription) -> bool:
    now = clock.now()
    return bool(
        WebhookSubscription.objects.filter(pk=subscription.pk)
        .filter(Q(delivering_until__isnull=True) | Q(delivering_until__lt=now))
        .update(delivering_until=now + DELIVERY_LEASE)
    )


def deliver_pending(*, force: bool = False) -> int:
    """Deliver what is pending, in batches, if the webhook is OK and a retry is due (or
    ``force``). Runs the intent-to-receive check first when it has not passed since the
    URL or key last changed. Returns how many events were delivered."""
    subscription = subscription_current()
    if subscription is None:
        return 0
    pending = WebhookEvent.objects.filter(subscription=subscription, delivered_at__isnull=True)
    if not pending.exists():
        return 0
    if not _take_lease(subscription):
        return 0
    delivered = 0
    try:
        subscription.refresh_from_db()
        if subscription.status == WebhookSubscription.Status.PENDING:
            intent_check(subscription)
        if subscription.status != WebhookSubscription.Status.OK:
            return 0
        if not force and subscription.next_attempt_at and subscription.next_attempt_at > clock.now():
            return 0
        base_url = api_base_url()
        while True:
            batch = list(pending.order_by("sequence")[:BATCH_SIZE])
            if not batch:
                break
            if not _deliver_batch(subscription, batch, base_url=base_url):
                break
            delivered += len(batch)
    finally:
        WebhookSubscription.objects.filter(pk=subscription.pk).update(delivering_until=None)
    return delivered


def _deliver_batch(subscription: WebhookSubscription, batch: list[WebhookEvent], *, base_url: str) -> bool:
    body = json.dumps(
        {
            "events": [_event_json(event, base_url=base_url) for event in batch],
            "firstEventSequence": batch[0].sequence,
            "lastEventSequence": batch[-1].sequence,
            "entropy": _entropy(),
        }
    ).encode()
    status, error = _post(subscription, body, key=subscription.key)
    now = clock.now()
    succeeded = status == 200
    WebhookDelivery.objects.create(
        subscription=subscription, kind=WebhookDelivery.Kind.EVENTS, created=now, url=subscription.url,
        event_count=len(batch), first_sequence=batch[0].sequence, last_sequence=batch[-1].sequence,
        status_code=status, error=error, succeeded=succeeded,
    )
    subscription.last_delivery_at = now
    if succeeded:
        WebhookEvent.objects.filter(pk__in=[event.pk for event in batch]).update(delivered_at=now)
        subscription.last_success_at = now
        subscription.consecutive_failures = 0
        subscription.failing_since = subscription.next_attempt_at = None
        subscription.status_detail = ""
    else:
        subscription.consecutive_failures += 1
        subscription.failing_since = subscription.failing_since or now
        subscription.status_detail = f"Delivery failed: {status or error}"[:300]
        if subscription.consecutive_failures >= MAX_FAILURES:
            subscription.status = WebhookSubscription.Status.UNHEALTHY
            subscription.next_attempt_at = None
            logger.warning("Sandbox webhook to %s is unhealthy after %s failed deliveries",
                           subscription.url, subscription.consecutive_failures)
        else:
            subscription.next_attempt_at = now + RETRY_DELAYS[subscription.consecutive_failures - 1]
    subscription.updated = now
    subscription.save(update_fields=[
        "last_delivery_at", "last_success_at", "consecutive_failures", "failing_since", "next_attempt_at",
        "status", "status_detail", "updated",
    ])
    return succeeded


def state() -> dict | None:
    """The webhook as the control API shows it."""
    subscription = subscription_current()
    if subscription is None:
        return None
    return {
        "url": subscription.url,
        "status": subscription.status,
        "status_detail": subscription.status_detail,
        "from_settings": subscription.from_settings,
        "last_intent_check_at": subscription.last_intent_check_at.isoformat() if subscription.last_intent_check_at else None,
        "last_delivery_at": subscription.last_delivery_at.isoformat() if subscription.last_delivery_at else None,
        "last_success_at": subscription.last_success_at.isoformat() if subscription.last_success_at else None,
        "consecutive_failures": subscription.consecutive_failures,
        "next_attempt_at": subscription.next_attempt_at.isoformat() if subscription.next_attempt_at else None,
        "pending_events": subscription.events.filter(delivered_at__isnull=True).count(),
    }
