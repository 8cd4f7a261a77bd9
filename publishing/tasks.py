"""Publishing tasks: thin adapters that take ids and call services.

``acks_late`` with ``reject_on_worker_lost``: a worker killed mid-publish leaves the
message to be delivered again, and the publication's recorded progress and
Idempotency-Key make running it twice harmless. The publication's own attempt count
(rate-limit waits excluded) caps retries, so a message that keeps failing or killing
workers cannot loop forever.
"""

import contextlib

from celery import shared_task

from publishing import services
from publishing.services.leases import leases_kept

TASK_OPTIONS = {"acks_late": True, "reject_on_worker_lost": True, "max_retries": None}


def _run(task, work, publication_ids: list[int], *, carried: bool = False):
    """Run ``work``, keeping the leases of ``publication_ids`` alive while it runs in a
    worker, so a worker that dies lets go of them within a minute (``carried``: some are
    not claimed by the work itself, so their leases start now)."""
    eager = task.request.is_eager
    with contextlib.nullcontext() if eager else leases_kept(publication_ids, renew_now=carried):
        while True:
            try:
                return work()
            except services.RetryLater as exc:
                if not eager:
                    raise task.retry(countdown=exc.countdown, exc=exc) from exc
                # Run inline (tests, no broker): try again at once. The shared rate limiter
                # still holds every call back until Xero's Retry-After has passed.


def _redelivered(task) -> bool:
    """True when the broker delivers this message again because its worker died."""
    return bool((task.request.delivery_info or {}).get("redelivered"))


@shared_task(bind=True, name="publishing.publish_item", **TASK_OPTIONS)
def publish_item(self, publication_id: int) -> str:
    return _run(self, lambda: services.publication_run(
        publication_id=publication_id, task_id=self.request.id or "", redelivered=_redelivered(self)
    ), [publication_id])


@shared_task(bind=True, name="publishing.publish_batch", **TASK_OPTIONS)
def publish_batch(self, publication_ids: list[int], later_batches: list[list[int]] | None = None) -> dict:
    # The batch keeps the leases of the later batches it carries too: if this worker dies,
    # the rest of the chain is picked up by the sweeper with it.
    kept = publication_ids + [pk for batch in later_batches or [] for pk in batch]
    return _run(
        self, lambda: services.publications_run_batch(
            publication_ids=publication_ids, task_id=self.request.id or "", redelivered=_redelivered(self),
            later_batches=later_batches,
        ), kept, carried=bool(later_batches),
    )


@shared_task(name="publishing.sweep")
def sweep() -> int:
    return len(services.publications_sweep())


@shared_task(name="publishing.auto_publish")
def auto_publish(item_id: int) -> bool:
    return services.item_auto_publish(item_id=item_id)


@shared_task(bind=True, name="publishing.read_back_statuses", max_retries=5)
def read_back_statuses(self, connection_id: int, changes: dict[str, list[str]]) -> int:
    """Read back the status of the documents a batch of webhook events named."""
    try:
        return services.publications_read_back(connection_id=connection_id, changes=changes)
    except services.ReadBackLater as exc:
        if self.request.is_eager:
            return 0
        raise self.retry(countdown=exc.countdown, exc=exc) from exc


@shared_task(name="publishing.poll_statuses")
def poll_statuses() -> int:
    """From the beat: one poll task per connection with published documents."""
    connection_ids = services.connections_to_poll()
    for connection_id in connection_ids:
        poll_connection_statuses.delay(connection_id)
    return len(connection_ids)


@shared_task(name="publishing.poll_connection_statuses")
def poll_connection_statuses(connection_id: int) -> dict:
    return services.statuses_poll(connection_id=connection_id)
