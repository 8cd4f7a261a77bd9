"""The sweeper (every 15 seconds, from the beat): queue again what a dead worker or a lost
message left Queued or Publishing, in batches, so a bulk publish picked up from a dead
worker still creates 50 documents a call."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from publishing.models import Publication, PublicationState
from publishing.services.leases import QUEUED_GRACE
from publishing.services.requesting import BATCH_SIZE


def publications_sweep(*, stale_after: timedelta = timedelta(minutes=2)) -> list[int]:
    """Queue again what a dead worker or a lost message left Queued or Publishing."""
    from publishing import tasks

    now = timezone.now()
    lease_expired = Q(state__in=[PublicationState.QUEUED, PublicationState.PUBLISHING], lease_expires_at__lt=now)
    never_started = Q(state=PublicationState.QUEUED, lease_expires_at__isnull=True, queued_at__lt=now - stale_after)
    stuck = list(
        Publication.objects.filter(lease_expired | never_started).order_by("pk").values_list("pk", flat=True)[:500]
    )
    # Queued again with a grace, so the next sweeps leave them to these tasks.
    Publication.objects.filter(pk__in=stuck).update(state=PublicationState.QUEUED, lease_expires_at=now + QUEUED_GRACE)
    if len(stuck) == 1:
        transaction.on_commit(lambda: tasks.publish_item.delay(stuck[0]))
    else:
        for start in range(0, len(stuck), BATCH_SIZE):
            chunk = stuck[start:start + BATCH_SIZE]
            transaction.on_commit(lambda chunk=chunk: tasks.publish_batch.delay(chunk, []))
    return stuck
