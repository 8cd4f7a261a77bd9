"""The sandbox's Celery task: deliver its pending webhook events (queued when events are
recorded, and every 15 seconds from beat so retries go out when they fall due)."""

from celery import shared_task

from xero_sandbox import webhooks


@shared_task(name="xero_sandbox.webhooks_deliver")
def webhooks_deliver() -> int:
    return webhooks.deliver_pending()
