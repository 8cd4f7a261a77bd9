"""Periodic connection upkeep. Thin adapters: each takes ids and calls a service."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from connections import services, webhooks
from connections.attempts import oauth_attempts_purge_abandoned
from connections.models import ConnectionStatus, XeroConnection

# Xero's refresh tokens lapse after 60 days unused; refresh well before.
KEEP_ALIVE_AFTER = timedelta(days=30)


@shared_task(name="connections.health_check")
def health_check(connection_id: int) -> str:
    connection = XeroConnection.objects.get(pk=connection_id)
    return services.connection_health_check(connection=connection).status


@shared_task(name="connections.health_check_all")
def health_check_all() -> int:
    ids = list(XeroConnection.objects.filter(status=ConnectionStatus.CONNECTED).values_list("pk", flat=True))
    for connection_id in ids:
        health_check.delay(connection_id)
    return len(ids)


@shared_task(name="connections.keep_alive_idle")
def keep_alive_idle() -> int:
    cutoff = timezone.now() - KEEP_ALIVE_AFTER
    idle = XeroConnection.objects.filter(status=ConnectionStatus.CONNECTED, refresh_token_obtained_at__lt=cutoff)
    count = 0
    for connection in idle:
        services.connection_keep_alive(connection=connection)
        count += 1
    return count


@shared_task(name="connections.purge_abandoned_attempts")
def purge_abandoned_attempts() -> int:
    return oauth_attempts_purge_abandoned()


# acks_late: processing claims pending events only, so a redelivered message is harmless.
@shared_task(name="connections.webhook_events_process", acks_late=True)
def webhook_events_process(tenant_id: str) -> str:
    result = webhooks.webhook_events_process(tenant_id=tenant_id)
    if result.retry_after is not None:
        webhooks.enqueue_processing(tenant_id, countdown=result.retry_after)
    return result.outcome


@shared_task(name="connections.webhooks_sweep")
def webhooks_sweep() -> int:
    return len(webhooks.webhook_events_sweep())
