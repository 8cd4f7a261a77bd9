"""A worker's hold on a publication: claimed under a row lock with a lease, kept alive by
a heartbeat while the task runs, handed back for a retry, taken over when the worker
that held it died.

The lease is short (``LEASE``) and renewed every ``HEARTBEAT`` by a thread beside the
task, so a worker that dies mid-publish (SIGKILL, lost machine) stops renewing it and the
sweeper, every 15 seconds, hands its publications to another worker within a minute:
at most ``LEASE`` for the lease to run out plus one sweep. A batch task also keeps the
publications of the later batches it carries, so a chain broken by a dead worker is
picked up the same way. Queued publications waiting their turn get a longer grace
(``QUEUED_GRACE``): the queue, not a dead worker, is what they wait for. A retry waiting
for its countdown lives in one worker's memory, so it gets a short one (``RETRY_GRACE``).

One hold comes before any lease: a worker takes a message off the queue a moment before
its task claims the publication. A worker killed in that moment takes the message with it
(the broker hands it out again only after its visibility timeout, an hour). Such
publications are Queued with ``message_queued_at`` set; once the queue has drained and
``MESSAGE_PICKUP`` has passed, nothing can still be on its way to them, and the sweeper
queues them again (``publications_sweep``).
"""

import contextlib
import logging
import threading
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from items.models import Item, ItemStatus
from publishing import catalogue
from publishing.models import Publication, PublicationState
from publishing.services.outcomes import RetryLater, publication_fail

logger = logging.getLogger(__name__)

LEASE = timedelta(seconds=30)
HEARTBEAT = timedelta(seconds=10)
QUEUED_GRACE = timedelta(minutes=5)
# A retry waits in its worker's memory (a countdown task): if that worker dies, the retry
# is lost with it, so the sweeper steps in this long after it was due.
RETRY_GRACE = timedelta(seconds=60)
# A free worker starts a message it takes off the queue at once: a publication whose
# message left a drained queue longer ago than this, and which no task claimed, lost it.
MESSAGE_PICKUP = timedelta(seconds=60)
MAX_ATTEMPTS = 10


def publication_claim(publication_id: int, *, redelivered: bool = False) -> Publication | None:
    """Lock the publication for this worker, or None if it is done or another holds it.

    A message the broker delivers again (``redelivered``) was never acknowledged: the
    worker that ran it died, so its lease is taken over at once instead of waiting for
    it to expire (the Idempotency-Keys and the look-up make running again safe).
    """
    now = timezone.now()
    with transaction.atomic():
        publication = Publication.objects.select_for_update().filter(pk=publication_id).first()
        if publication is None or publication.state in (
            PublicationState.PUBLISHED, PublicationState.FAILED, PublicationState.SET_ASIDE
        ):
            return None
        if (
            publication.state == PublicationState.PUBLISHING
            and not redelivered
            and publication.lease_expires_at
            and publication.lease_expires_at > now
        ):
            return None
        publication.attempts += 1
        if publication.attempts > MAX_ATTEMPTS:
            publication.save(update_fields=["attempts", "updated"])
            publication_fail(publication, [catalogue.problem("xero_unavailable")])
            return None
        publication.state = PublicationState.PUBLISHING
        publication.lease_expires_at = now + LEASE
        publication.message_queued_at = None
        publication.started_at = publication.started_at or now
        publication.save(update_fields=["state", "lease_expires_at", "message_queued_at", "started_at", "attempts",
                                        "updated"])
        Item.objects.filter(pk=publication.item_id).update(status=ItemStatus.PUBLISHING, updated=now)
    return publication


def publication_hold_for_retry(publication: Publication, exc: RetryLater) -> None:
    """Back to Queued for the task's retry; the sweeper waits for the lease, so it only
    steps in if the retry message is lost."""
    now = timezone.now()
    changes = {"state": PublicationState.QUEUED, "message_queued_at": None,
               "lease_expires_at": now + timedelta(seconds=exc.countdown) + RETRY_GRACE}
    if not exc.counts:
        # Waiting for Xero's rate limit is not a failed attempt.
        changes["attempts"] = F("attempts") - 1
    with transaction.atomic():
        if Publication.objects.filter(pk=publication.pk, state=PublicationState.PUBLISHING).update(**changes):
            Item.objects.filter(pk=publication.item_id).update(status=ItemStatus.QUEUED, updated=now)


def publications_wait_in_queue(publication_ids: list[int]) -> None:
    """Publications whose task is in the queue: the sweeper leaves them for ``QUEUED_GRACE``
    (unless a worker has claimed them already). Call it once the task is queued."""
    now = timezone.now()
    Publication.objects.filter(pk__in=publication_ids, state=PublicationState.QUEUED).update(
        lease_expires_at=now + QUEUED_GRACE, message_queued_at=now
    )


def leases_take_over(publication_ids: list[int]) -> int:
    """A running task carries these Queued publications (the later batches of a bulk
    publish): their leases are now its heartbeat's, whatever grace the queue gave them, so
    they are picked up within a minute if its worker dies."""
    return Publication.objects.filter(pk__in=publication_ids, state=PublicationState.QUEUED).update(
        lease_expires_at=timezone.now() + LEASE, message_queued_at=None
    )


def leases_renew(publication_ids: list[int]) -> int:
    """Push the leases of these unfinished publications to ``LEASE`` from now; a lease
    already longer (a queued grace, a retry's countdown) is left as it is."""
    until = timezone.now() + LEASE
    return Publication.objects.filter(
        Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=until),
        pk__in=publication_ids,
        state__in=[PublicationState.QUEUED, PublicationState.PUBLISHING],
    ).update(lease_expires_at=until)


@contextlib.contextmanager
def leases_kept(publication_ids: list[int], *, every: timedelta = HEARTBEAT, renew_now: bool = False):
    """Renew the leases of ``publication_ids`` every ``every`` while the block runs (and
    take them over at once with ``renew_now``, for publications the task carries but
    doesn't claim)."""
    stop = threading.Event()

    def beat():
        try:
            while not stop.wait(every.total_seconds()):
                try:
                    leases_renew(publication_ids)
                except Exception:  # a missed beat is retried at the next; the lease has room for two
                    logger.warning("Lease heartbeat failed", exc_info=True)
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name="publishing-lease-heartbeat", daemon=True)
    if renew_now:
        leases_take_over(publication_ids)
        leases_renew(publication_ids)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=every.total_seconds() + 5)
