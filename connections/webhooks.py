"""Xero webhooks, the receiving end: verify, store, answer; then process in a task.

Follows https://developer.xero.com/documentation/guides/webhooks/overview/ (and the
vendored ``xero-webhooks.yaml``):

- ``x-xero-signature`` is base64(HMAC-SHA256(webhook key, raw body)); it is compared in
  constant time before the body is parsed. A bad or missing signature, or no key
  configured, is answered 401; a good one 200 with an empty body, within Xero's 5 seconds:
  the request only stores the events (one INSERT), nothing calls Xero.
- The intent-to-receive check is the same request with no events.
- Xero delivers at least once and gives events no id: each is stored once under a digest
  of what identifies it, so a replayed event changes nothing.

Processing (``webhook_events_process``) runs per organisation: it claims every pending
event of the tenant at once, so a burst becomes one batch, and announces one
``hooks.XERO_CHANGED`` per connected business with {category: resource ids}; the apps
above read each resource once. Events of organisations no business is connected to are
marked ignored. A batch whose listener met a busy or unavailable Xero is released and
tried again; a periodic sweep (beat) processes whatever is still pending, so nothing is
lost while the worker is down.
"""

import base64
import hashlib
import hmac
import json
import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from connections.models import (
    ConnectionStatus,
    WebhookEventOutcome,
    XeroConnection,
    XeroWebhookEvent,
    XeroWebhookReceiver,
)
from connections.xero.errors import XeroError, XeroRateLimited, XeroUnavailable
from dext import hooks

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "x-xero-signature"
# Categories announced to the apps above (Xero's spec also has SUBSCRIPTION, about the app).
CATEGORIES = ("CONTACT", "INVOICE", "CREDITNOTE")
# A claim older than this belongs to a worker that died; the sweep takes the events back.
CLAIM_STALE_AFTER = timedelta(minutes=5)
# A batch Xero keeps refusing (busy, down) is given up after this many runs; the polling
# that works without webhooks (lists refresh, status reads) still catches the change.
MAX_ATTEMPTS = 5
RETRY_BACKOFF_SECONDS = 30
# Xero keeps events 31 days and may replay them; processed ones are kept as long.
KEEP_PROCESSED = timedelta(days=31)


# --- Receiving ------------------------------------------------------------------------------


def signature_valid(*, body: bytes, signature: str | None, key: str) -> bool:
    """Whether ``signature`` is base64(HMAC-SHA256(key, body)), compared in constant time."""
    if not key or not signature:
        return False
    expected = base64.b64encode(hmac.new(key.encode(), body, hashlib.sha256).digest())
    try:
        given = signature.strip().encode("ascii")
    except UnicodeEncodeError:
        return False
    return hmac.compare_digest(expected, given)


def webhook_receive(*, body: bytes, signature: str | None) -> bool:
    """Verify and store one delivery. Returns whether it was accepted (200) or not (401)."""
    if not signature_valid(body=body, signature=signature, key=settings.XERO_WEBHOOK_KEY):
        _note_refused(body)
        return False
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        # Signed with our key but not JSON: nothing to store (Xero never sends this).
        logger.warning("A correctly signed Xero webhook delivery was not JSON; ignored")
        return True
    events = payload.get("events") if isinstance(payload, dict) else None
    now = timezone.now()
    if not events:
        _receiver_update(last_intent_check_at=now)
        return True
    webhook_events_store(events=events if isinstance(events, list) else [], received_at=now)
    _receiver_update(last_delivery_at=now)
    return True


def _note_refused(body: bytes) -> None:
    """Count a refused delivery that carried events. Xero's intent-to-receive check sends
    badly signed payloads on purpose (with no events); those are not failures."""
    try:
        payload = json.loads(body)
        carried_events = bool(payload.get("events")) if isinstance(payload, dict) else True
    except (ValueError, UnicodeDecodeError):
        carried_events = True
    if not carried_events:
        return
    logger.warning("Refused a Xero webhook delivery: missing or wrong x-xero-signature")
    _receiver_update(last_signature_failure_at=timezone.now(), signature_failures=F("signature_failures") + 1)


def _receiver_update(**changes) -> None:
    if not XeroWebhookReceiver.objects.filter(pk=1).update(**changes):
        XeroWebhookReceiver.objects.get_or_create(pk=1)
        XeroWebhookReceiver.objects.filter(pk=1).update(**changes)


def event_key(event: dict) -> str:
    """A stable id for an event (Xero gives none): the same change delivered twice has the same key."""
    parts = [str(event.get(name) or "") for name in ("tenantId", "eventCategory", "eventType", "resourceId", "eventDateUtc")]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _event_date(value) -> datetime | None:
    # "2024-06-21T01:15:39.902": UTC, without an offset.
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def webhook_events_store(*, events: list, received_at: datetime | None = None) -> int:
    """Store the events (each once) and queue their processing on commit. Returns how many
    were new."""
    received_at = received_at or timezone.now()
    rows = []
    for event in events:
        if not isinstance(event, dict) or not all(
            event.get(name) for name in ("tenantId", "eventCategory", "eventType", "resourceId")
        ):
            logger.warning("A Xero webhook event without tenantId, eventCategory, eventType or resourceId; ignored")
            continue
        data = event.get("data") if isinstance(event.get("data"), dict) else {}
        rows.append(
            XeroWebhookEvent(
                event_key=event_key(event),
                tenant_id=str(event["tenantId"])[:64],
                tenant_type=str(event.get("tenantType") or "")[:30],
                category=str(event["eventCategory"]).upper()[:30],
                event_type=str(event["eventType"]).upper()[:30],
                resource_id=str(event["resourceId"])[:64],
                resource_url=str(event.get("resourceUrl") or "")[:500],
                event_date=_event_date(event.get("eventDateUtc")),
                data=data,
                payload=event,
                received_at=received_at,
            )
        )
    if not rows:
        return 0
    keys = [row.event_key for row in rows]
    with transaction.atomic():
        known = set(XeroWebhookEvent.objects.filter(event_key__in=keys).values_list("event_key", flat=True))
        XeroWebhookEvent.objects.bulk_create(rows, ignore_conflicts=True)
        tenants = sorted({row.tenant_id for row in rows if row.event_key not in known})
        for tenant_id in tenants:
            transaction.on_commit(lambda tenant_id=tenant_id: enqueue_processing(tenant_id), robust=True)
    return len({key for key in keys if key not in known})


def enqueue_processing(tenant_id: str, *, countdown: float | None = None) -> None:
    from connections.tasks import webhook_events_process as task

    task.apply_async((tenant_id,), countdown=countdown)


# --- Processing ------------------------------------------------------------------------------


@dataclass
class ProcessResult:
    claimed: int = 0
    outcome: str = ""
    retry_after: float | None = None


def _claimable(now: datetime) -> Q:
    return Q(outcome=WebhookEventOutcome.PENDING) & (
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_STALE_AFTER)
    )


def webhook_events_process(*, tenant_id: str) -> ProcessResult:
    """Process every pending event of one organisation as one batch (idempotent)."""
    claim = uuid.uuid4().hex
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            XeroWebhookEvent.objects.select_for_update(skip_locked=True)
            .filter(_claimable(now), tenant_id=tenant_id)
            .values_list("pk", flat=True)
        )
        XeroWebhookEvent.objects.filter(pk__in=ids).update(claim=claim, claimed_at=now, attempts=F("attempts") + 1)
    if not ids:
        return ProcessResult()
    claimed = XeroWebhookEvent.objects.filter(claim=claim, outcome=WebhookEventOutcome.PENDING)
    changes: dict[str, set[str]] = defaultdict(set)
    for category, resource_id in claimed.values_list("category", "resource_id"):
        if category in CATEGORIES:
            changes[category].add(resource_id)
    connections = list(
        XeroConnection.objects.filter(tenant_id=tenant_id, status=ConnectionStatus.CONNECTED).select_related("business")
    )
    if not connections:
        _finish(claim, outcome=WebhookEventOutcome.IGNORED, error="No business is connected to this organisation.")
        return ProcessResult(claimed=len(ids), outcome=WebhookEventOutcome.IGNORED)
    errors = []
    for connection in connections:
        if not changes:
            break
        try:
            hooks.announce(hooks.XERO_CHANGED, connection=connection, changes={k: set(v) for k, v in changes.items()})
        except (XeroRateLimited, XeroUnavailable) as exc:
            return _release(claim, code=exc.code, retry_after=getattr(exc, "retry_after", 0))
        except XeroError as exc:
            # Not worth retrying (the connection needs reconnecting, a record was refused).
            logger.warning("Xero webhook batch for connection %s: %s (%s)", connection.pk, exc.code, exc.detail or exc)
            errors.append(exc.code)
        except Exception:
            # A bug in a listener: tried again by the sweep, and given up after MAX_ATTEMPTS.
            _release(claim, code="internal_error")
            raise
    _finish(claim, outcome=WebhookEventOutcome.PROCESSED, error=", ".join(errors))
    return ProcessResult(claimed=len(ids), outcome=WebhookEventOutcome.PROCESSED)


def _finish(claim: str, *, outcome: str, error: str = "") -> None:
    XeroWebhookEvent.objects.filter(claim=claim, outcome=WebhookEventOutcome.PENDING).update(
        outcome=outcome, processed_at=timezone.now(), error=error[:300]
    )


def _release(claim: str, *, code: str, retry_after: float | None = 0) -> ProcessResult:
    """Xero was busy or down (or a listener failed): the events go back to pending and are
    tried again later, or given up after MAX_ATTEMPTS (polling still catches the change)."""
    events = XeroWebhookEvent.objects.filter(claim=claim, outcome=WebhookEventOutcome.PENDING)
    events.filter(attempts__gte=MAX_ATTEMPTS).update(
        outcome=WebhookEventOutcome.FAILED, processed_at=timezone.now(), error=code[:300]
    )
    released = events.update(claim="", claimed_at=None, error=code[:300])
    wait = max(float(retry_after or 0), RETRY_BACKOFF_SECONDS)
    logger.info("Xero webhook batch %s: %s, %s events tried again in %ss", claim, code, released, wait)
    return ProcessResult(claimed=released, outcome=WebhookEventOutcome.PENDING, retry_after=wait if released else None)


def webhook_events_sweep() -> list[str]:
    """Queue processing for every organisation with events still pending (the worker was
    down, a message was lost, a claim went stale); drop processed events Xero no longer
    replays. Returns the tenant ids queued."""
    now = timezone.now()
    tenants = sorted(set(XeroWebhookEvent.objects.filter(_claimable(now)).values_list("tenant_id", flat=True)))
    for tenant_id in tenants:
        enqueue_processing(tenant_id)
    # Pending events have no processed_at: only finished ones go.
    XeroWebhookEvent.objects.filter(processed_at__lt=now - KEEP_PROCESSED).delete()
    return tenants
