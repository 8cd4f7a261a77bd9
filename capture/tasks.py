"""Capture tasks, on the ``capture`` queue (``CELERY_TASK_ROUTES``): thin adapters over
``capture.services``.

Reading is idempotent (the item is filled from its document, fields set by hand are
kept), so a task whose worker died is delivered again (``acks_late`` with
``reject_on_worker_lost``); the run's own attempt count caps retries.
"""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from capture import services


@shared_task(
    bind=True, name="capture.read_document", acks_late=True, reject_on_worker_lost=True, max_retries=None,
    soft_time_limit=180, time_limit=240,
)
def read_document(self, item_id: int) -> str:
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    try:
        return services.capture_run(item_id=item_id, task_id=self.request.id or "", redelivered=redelivered)
    except SoftTimeLimitExceeded:
        return services.capture_give_up(item_id=item_id, reason="Reading it took too long.")
    except services.RetryCapture as exc:
        if self.request.is_eager:
            raise
        raise self.retry(countdown=30, exc=exc) from exc


@shared_task(name="capture.sweep")
def sweep() -> int:
    return len(services.captures_sweep())
