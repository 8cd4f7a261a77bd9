"""The sweeper (every 15 seconds, from the beat): queue again what a dead worker or a lost
message left Queued or Publishing, in batches, so a bulk publish picked up from a dead
worker still creates 50 documents a call."""

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from publishing.models import Publication, PublicationState
from publishing.services.leases import MESSAGE_PICKUP, QUEUED_GRACE
from publishing.services.requesting import BATCH_SIZE

logger = logging.getLogger(__name__)


def publications_sweep(*, stale_after: timedelta = timedelta(minutes=2)) -> list[int]:
    """Queue again what a dead worker or a lost message left Queued or Publishing:
    - a lease run out (a dead worker's task, a retry lost with its worker, a queue's grace);
    - never started (a request whose message never reached the queue);
    - a message gone from a drained queue that no task took up (a worker killed between
      taking the message and starting the task)."""
    from publishing import tasks

    now = timezone.now()
    lease_expired = Q(state__in=[PublicationState.QUEUED, PublicationState.PUBLISHING], lease_expires_at__lt=now)
    never_started = Q(state=PublicationState.QUEUED, lease_expires_at__isnull=True, queued_at__lt=now - stale_after)
    lost = lease_expired | never_started
    if publishing_queue_size() == 0:
        lost |= Q(state=PublicationState.QUEUED, message_queued_at__lt=now - MESSAGE_PICKUP)
    stuck = list(Publication.objects.filter(lost).order_by("pk").values_list("pk", flat=True)[:500])
    # Queued again with a grace, so the next sweeps leave them to these tasks.
    Publication.objects.filter(pk__in=stuck).update(
        state=PublicationState.QUEUED, lease_expires_at=now + QUEUED_GRACE, message_queued_at=now
    )
    if len(stuck) == 1:
        transaction.on_commit(lambda: tasks.publish_item.delay(stuck[0]))
    else:
        for start in range(0, len(stuck), BATCH_SIZE):
            chunk = stuck[start:start + BATCH_SIZE]
            transaction.on_commit(lambda chunk=chunk: tasks.publish_batch.delay(chunk, []))
    return stuck


def publishing_queue_size() -> int | None:
    """How many messages wait on the queue publishing tasks go to; None when it can't be
    told (tasks run inline, or the broker did not answer)."""
    from kombu.exceptions import ChannelError

    from dext.celery import app

    if app.conf.task_always_eager:
        return None
    queue = app.conf.task_default_queue
    try:
        with app.connection_for_read() as conn:
            try:
                return conn.default_channel.queue_declare(queue=queue, passive=True).message_count
            except ChannelError:
                return 0  # the broker has no such queue: nothing waits on it
    except Exception:  # the broker is down: leave lost messages to the queue's grace
        logger.warning("Could not read the length of the publishing queue", exc_info=True)
        return None
