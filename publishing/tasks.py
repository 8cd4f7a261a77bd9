"""Publishing tasks: thin adapters that take ids and call services.

``acks_late`` with ``reject_on_worker_lost``: a worker killed mid-publish leaves the
message to be delivered again, and the publication's recorded progress and
Idempotency-Key make running it twice harmless. A cap on attempts (in the service)
stops a message that keeps killing workers from looping forever.
"""

from celery import shared_task

from publishing import services

TASK_OPTIONS = {"acks_late": True, "reject_on_worker_lost": True, "max_retries": 12}


@shared_task(bind=True, name="publishing.publish_item", **TASK_OPTIONS)
def publish_item(self, publication_id: int) -> str:
    try:
        return services.publication_run(publication_id=publication_id, task_id=self.request.id or "")
    except services.RetryLater as exc:
        raise self.retry(countdown=exc.countdown, exc=exc) from exc


@shared_task(bind=True, name="publishing.publish_batch", **TASK_OPTIONS)
def publish_batch(self, publication_ids: list[int]) -> dict:
    try:
        return services.publications_run_batch(publication_ids=publication_ids, task_id=self.request.id or "")
    except services.RetryLater as exc:
        raise self.retry(countdown=exc.countdown, exc=exc) from exc


@shared_task(name="publishing.sweep")
def sweep() -> int:
    return len(services.publications_sweep())


@shared_task(name="publishing.auto_publish")
def auto_publish(item_id: int) -> bool:
    return services.item_auto_publish(item_id=item_id)
