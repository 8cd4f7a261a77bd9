"""Bulk publishing (the ``publish_batch`` task): up to 50 documents created in one call
per endpoint, then each item goes on alone (payment, attachment) in its own task.

The batches of one bulk publish run as a pipeline: each batch queues the next once its
documents exist (or it has nothing to create), so files attach while the next batch is
being prepared.
"""

from connections.xero.errors import XeroAuthError, XeroPermissionMissing
from publishing import catalogue, mapping
from publishing.inputs import item_input
from publishing.models import Publication, PublicationState
from publishing.services.creating import documents_create
from publishing.services.leases import (
    publication_claim,
    publication_hold_for_retry,
    publications_wait_in_queue,
)
from publishing.services.outcomes import RetryLater, permission_problem, publication_fail
from publishing.services.running import api_for, checked_before_sending


def publications_run_batch(*, publication_ids: list[int], task_id: str = "", redelivered: bool = False,
                           later_batches: list[list[int]] | None = None) -> dict[int, str]:
    """Create the batch's documents; ``later_batches`` are queued, as one task, once
    this batch's documents exist (or it has nothing to create)."""
    from publishing import tasks

    claimed = [p for p in (publication_claim(pk, redelivered=redelivered) for pk in publication_ids) if p is not None]
    if not claimed:
        _next_batch(later_batches)
        return {}
    try:
        api = api_for(claimed[0])
        to_create = [p for p in claimed if not p.xero_id and checked_before_sending(p, task_id=task_id)]
        by_endpoint: dict[str, list[Publication]] = {}
        documents: dict[int, mapping.XeroDocument] = {}
        for publication in to_create:
            try:
                documents[publication.pk] = mapping.build_document(item_input(publication.item))
                endpoint = documents[publication.pk].endpoint
            except mapping.MappingError:
                endpoint = ""  # documents_create records the problem on the item
            by_endpoint.setdefault(endpoint, []).append(publication)
        for group in by_endpoint.values():
            documents_create(group, api=api, task_id=task_id, documents=documents)
    except RetryLater as exc:
        for publication in claimed:
            publication_hold_for_retry(publication, exc)
        raise
    except XeroAuthError as exc:
        problem = permission_problem(exc) if isinstance(exc, XeroPermissionMissing) else catalogue.problem(
            "reconnect_required"
        )
        for publication in claimed:
            publication.refresh_from_db()
            # Documents already in Xero go on (their next step meets the same refusal
            # and says so); the others fail now.
            if publication.state == PublicationState.PUBLISHING and not publication.xero_id:
                publication_fail(publication, [problem])
    _next_batch(later_batches)
    states = dict(Publication.objects.filter(pk__in=[p.pk for p in claimed]).values_list("pk", "state"))
    # Each document in Xero goes on to a per-item task for the payment and the attachment;
    # waiting in the queue, not for a worker, they get the queue's grace from the sweeper.
    handed_over = [pk for pk, state in states.items() if state == PublicationState.PUBLISHING]
    Publication.objects.filter(pk__in=handed_over).update(state=PublicationState.QUEUED)
    for publication_id in handed_over:
        tasks.publish_item.delay(publication_id)
    # Only once their tasks are queued: a worker dying before that leaves them this task's
    # short lease, so the sweeper picks them up.
    publications_wait_in_queue(handed_over)
    return states


def _next_batch(later_batches: list[list[int]] | None) -> None:
    """Queue the next batch of a bulk publish (it carries the ones after it). A chain
    broken by a lost task leaves its publications Queued, and the sweeper takes them."""
    from publishing import tasks

    if later_batches:
        tasks.publish_batch.delay(later_batches[0], later_batches[1:])
        publications_wait_in_queue([pk for batch in later_batches for pk in batch])
