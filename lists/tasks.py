"""Celery adapters for the lists refresh: take an id, call a service."""

from celery import shared_task

from lists import services


# acks_late: refresh_run only claims a queued (or dead) refresh, so a message
# redelivered after a worker crash is harmless.
@shared_task(name="lists.refresh", acks_late=True)
def refresh(refresh_id: int) -> None:
    services.refresh_run(refresh_id=refresh_id)


@shared_task(name="lists.refresh_all")
def refresh_all() -> None:
    services.refresh_start_for_connected_businesses(reason="schedule")
