from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from connections.models import (
    ConnectionEvent,
    ConnectionStatus,
    XeroConnection,
    XeroWebhookEvent,
    XeroWebhookReceiver,
)
from dext.tenancy.models import Business


def connection_for_business(*, business: Business) -> XeroConnection | None:
    """The business's connection in any state (None if it never connected)."""
    return XeroConnection.objects.filter(business=business).select_related("connected_by").first()


def connection_active(*, business: Business) -> XeroConnection | None:
    """The business's connection if it is usable now."""
    return XeroConnection.objects.filter(business=business, status=ConnectionStatus.CONNECTED).first()


def events_recent(*, business: Business, limit: int = 20) -> QuerySet[ConnectionEvent]:
    return ConnectionEvent.objects.for_business(business).select_related("actor")[:limit]


# --- Webhooks, as far as dext can see them -----------------------------------------------------
# Xero has no API for a subscription's health; what dext knows is what reached it.
SIGNATURE_FAILURES_RECENT = timedelta(hours=24)
# An organisation with no event for this long may simply be quiet, or Xero stopped
# delivering (it turns a webhook off after a day of failed deliveries).
QUIET_AFTER = timedelta(days=7)


@dataclass(frozen=True)
class WebhookHealth:
    state: str  # "not_configured", "receiving", "waiting", "quiet" or "refused"
    last_event_at: datetime | None
    poll_minutes: int
    signature_failures: int = 0
    last_signature_failure_at: datetime | None = None
    last_intent_check_at: datetime | None = None

    @property
    def is_warning(self) -> bool:
        return self.state in ("quiet", "refused")


def webhook_health(*, connection: XeroConnection, now: datetime | None = None) -> WebhookHealth:
    now = now or timezone.now()
    poll_minutes = settings.XERO_STATUS_POLL_MINUTES
    if not settings.XERO_WEBHOOK_KEY:
        return WebhookHealth(state="not_configured", last_event_at=None, poll_minutes=poll_minutes)
    last_event_at = (
        XeroWebhookEvent.objects.filter(tenant_id=connection.tenant_id)
        .order_by("-received_at")
        .values_list("received_at", flat=True)
        .first()
    )
    receiver = XeroWebhookReceiver.objects.filter(pk=1).first()
    failure_at = receiver.last_signature_failure_at if receiver else None
    common = {
        "last_event_at": last_event_at,
        "poll_minutes": poll_minutes,
        "signature_failures": receiver.signature_failures if receiver else 0,
        "last_signature_failure_at": failure_at,
        "last_intent_check_at": receiver.last_intent_check_at if receiver else None,
    }
    if failure_at and failure_at > now - SIGNATURE_FAILURES_RECENT and (last_event_at is None or failure_at > last_event_at):
        return WebhookHealth(state="refused", **common)
    if last_event_at is None:
        return WebhookHealth(state="waiting", **common)
    if last_event_at < now - QUIET_AFTER:
        return WebhookHealth(state="quiet", **common)
    return WebhookHealth(state="receiving", **common)
