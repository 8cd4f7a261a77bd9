"""What the sweeper queues again, and when: a message a dead worker took off the queue but
never started is known once the queue has drained; a publication a running task carries
is held by that task's heartbeat, not the queue's grace.

The queue is a real Redis queue (no worker consumes it here): the sweeper reads its length
from the broker, as in production.
"""

import contextlib
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from dext.testing.services import redis_url, require_service
from dext.testing.worker import CeleryWorker
from publishing import tasks
from publishing.models import Publication, PublicationState
from publishing.services import publications_sweep
from publishing.services.leases import LEASE, MESSAGE_PICKUP, QUEUED_GRACE, leases_kept


@contextlib.contextmanager
def broker_queue():
    """This process's tasks go to a fresh Redis queue that nothing consumes (entered once
    the items exist: connecting and reading a document run their tasks inline)."""
    from dext.celery import app

    require_service("redis")
    queue = CeleryWorker(broker_url=redis_url(), database_url="", log_dir=settings.BASE_DIR / "var" / "test-workers")
    queue.connect_app(app)
    try:
        yield queue
    finally:
        queue.purge()
        queue.disconnect_app(app)


def _waiting_since(item, *, minutes: float, grace_left: timedelta = QUEUED_GRACE / 2) -> Publication:
    """A publication queued ``minutes`` ago, its queue grace not yet over."""
    now = timezone.now()
    return Publication.objects.create(
        business=item.business, item=item, item_version=item.version, state=PublicationState.QUEUED,
        queued_at=now - timedelta(minutes=minutes),
        message_queued_at=now - timedelta(minutes=minutes), lease_expires_at=now + grace_left,
    )


@pytest.mark.integration
def test_a_message_lost_with_a_killed_worker_is_queued_again_once_the_queue_has_drained(make_item, connected):
    lost = _waiting_since(make_item(reference="LOST-1"), minutes=2)
    with broker_queue() as queue:
        tasks.sweep.delay()  # another message still waits: the lost one may be behind it
        assert publications_sweep() == []

        queue.purge()
        assert publications_sweep() == [lost.pk]
        lost.refresh_from_db()
        assert lost.state == PublicationState.QUEUED
        # Its new message was just queued: the next sweeps leave it to that message.
        assert timezone.now() - lost.message_queued_at < timedelta(seconds=5)
        assert publications_sweep() == []


@pytest.mark.integration
def test_a_message_just_taken_or_a_retry_waiting_is_not_queued_twice(make_item, connected):
    just_taken = _waiting_since(make_item(reference="TAKEN-1"), minutes=MESSAGE_PICKUP.total_seconds() / 120)
    retry = _waiting_since(make_item(reference="RETRY-1"), minutes=10)
    Publication.objects.filter(pk=retry.pk).update(message_queued_at=None)  # as a retry's hold leaves it

    with broker_queue():
        assert publications_sweep() == []
    assert {p.state for p in Publication.objects.filter(pk__in=[just_taken.pk, retry.pk])} == {
        PublicationState.QUEUED
    }


def test_without_a_queue_to_read_only_leases_decide(make_item, connected):
    # Tasks run inline here: there is no queue to ask, so a message is never presumed lost.
    waiting = _waiting_since(make_item(reference="INLINE-1"), minutes=30)
    assert publications_sweep() == []
    Publication.objects.filter(pk=waiting.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))
    assert publications_sweep() == [waiting.pk]
    waiting.refresh_from_db()
    assert waiting.state == PublicationState.PUBLISHED  # (its task ran inline)


def test_a_running_batch_takes_over_the_later_batches_it_carries(make_item, connected):
    carried = _waiting_since(make_item(reference="LATER-1"), minutes=1)
    assert carried.lease_expires_at - timezone.now() > LEASE

    with leases_kept([carried.pk], renew_now=True):
        carried.refresh_from_db()
        # The task's heartbeat holds it now: if the worker dies, it is picked up within a
        # lease, not at the end of the queue's grace; and no message of its own is awaited.
        assert carried.lease_expires_at - timezone.now() <= LEASE
        assert carried.message_queued_at is None
