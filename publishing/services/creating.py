"""Step 1, the create: one call for a group of documents of one endpoint, under an
Idempotency-Key stable for the group's item versions, never repeated blindly."""

import hashlib
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from connections.xero.api import XeroApi
from connections.xero.errors import XeroRateLimited, XeroUnavailable, XeroValidationError
from publishing import catalogue, mapping
from publishing.inputs import item_input
from publishing.models import Publication, PublishAttempt
from publishing.services.attempt_log import attempts_end, attempts_start
from publishing.services.duplicates import duplicates_set_aside
from publishing.services.lookups import documents_look_up
from publishing.services.outcomes import (
    RetryLater,
    item_history,
    problem_context,
    publication_fail,
    retry_for,
)
from publishing.wording import published_as

# Xero keeps an Idempotency-Key's answer for 6 minutes; we rely on it for 5.
IDEMPOTENCY_SAFE_WINDOW = timedelta(minutes=5)


def documents_create(publications: list[Publication], *, api: XeroApi, task_id: str,
                     documents: dict[int, mapping.XeroDocument] | None = None, check_duplicates: bool = True) -> None:
    built = documents or {}
    documents = {}
    for publication in publications:
        try:
            documents[publication.pk] = built.get(publication.pk) or mapping.build_document(
                item_input(publication.item)
            )
        except mapping.MappingError as exc:
            publication_fail(publication, [catalogue.problem(exc.code)])
    pending = [p for p in publications if p.pk in documents]
    if pending and check_duplicates:
        # Already in Xero, entered by someone else? Then not created: set aside for a person.
        aside = duplicates_set_aside(pending, documents=documents, api=api, task_id=task_id)
        pending = [p for p in pending if p.pk not in aside]
    if not pending:
        return
    endpoint = documents[pending[0].pk].endpoint
    key = create_key(pending)
    now = timezone.now()
    # An earlier create whose answer we never saw, that this request can't replay: look first.
    unsure = [
        p for p in pending
        if p.create_sent_at and (p.create_key != key or now - p.create_sent_at >= IDEMPOTENCY_SAFE_WINDOW)
    ]
    if unsure:
        found = documents_look_up(unsure, documents=documents, api=api, task_id=task_id)
        for publication in unsure:
            if publication.pk in found:
                record_created(publication, documents[publication.pk], found[publication.pk], endpoint=endpoint)
        pending = [p for p in pending if p.pk not in found]
        if not pending:
            return
        # Members changed, so the request (and its key) is a new one.
        key = create_key(pending, fresh=True)
    with transaction.atomic():
        for publication in pending:
            if publication.create_key != key or publication.create_sent_at is None:
                publication.create_key = key
                publication.create_sent_at = now
                publication.endpoint = endpoint
                publication.xero_type = documents[publication.pk].type
                publication.save(update_fields=["create_key", "create_sent_at", "endpoint", "xero_type", "updated"])
    payloads = [documents[p.pk].payload for p in pending]
    attempt = attempts_start(pending, PublishAttempt.Step.CREATE, task_id=task_id, key=key,
                             summary={"endpoint": endpoint, "documents": payloads})
    try:
        elements = api.create_documents(endpoint, payloads, idempotency_key=key)
    except XeroValidationError as exc:
        attempts_end(attempt, api=api, outcome="error" if len(pending) == 1 else "unknown", error_code="validation")
        if len(pending) == 1:
            publication_fail(pending[0], catalogue.from_xero_messages(exc.messages, context=problem_context(pending[0])))
        else:
            _after_batch_refused(pending, documents=documents, api=api, task_id=task_id)
        return
    except (XeroRateLimited, XeroUnavailable) as exc:
        attempts_end(attempt, api=api, outcome="unknown" if getattr(exc, "outcome_unknown", False) else "retry",
                     error_code=exc.code)
        raise retry_for(exc, publications[0]) from exc
    attempts_end(attempt, api=api, outcome="ok")
    for publication, element in zip(pending, elements, strict=True):
        errors = [e.get("Message", "") for e in element.get("ValidationErrors") or []]
        if element.get("StatusAttributeString") == "ERROR" or errors:
            publication_fail(publication, catalogue.from_xero_messages(errors, context=problem_context(publication)))
        else:
            record_created(publication, documents[publication.pk], element, endpoint=endpoint)


def _after_batch_refused(pending: list[Publication], *, documents, api: XeroApi, task_id: str) -> None:
    """A 400 for a whole batch proves nothing about its elements: Xero has been seen to
    create the valid ones and still answer 400 listing only the others, even with
    ``summarizeErrors=false`` (xero-ruby #247 https://github.com/XeroAPI/xero-ruby/issues/247,
    Xero-Net #354 https://github.com/XeroAPI/Xero-Net/issues/354). So each element's outcome
    is unknown: what Xero has is recorded, and each of the others, now known not to
    exist, is sent on its own, so its answer (created, or its own error) is its own."""
    endpoint = documents[pending[0].pk].endpoint
    found = documents_look_up(pending, documents=documents, api=api, task_id=task_id)
    for publication in pending:
        if publication.pk in found:
            record_created(publication, documents[publication.pk], found[publication.pk], endpoint=endpoint)
    for publication in pending:
        if publication.pk in found:
            continue
        # Not in Xero: this create is a new request, under the item's own key.
        publication.create_key = ""
        publication.create_sent_at = None
        publication.save(update_fields=["create_key", "create_sent_at", "updated"])
        # Checked for copies in Xero before the batch was sent.
        documents_create([publication], api=api, task_id=task_id, documents=documents, check_duplicates=False)


def create_key(publications: list[Publication], *, fresh: bool = False) -> str:
    """The Idempotency-Key of a create: the item's own for a single document, a digest
    of the members for a batch; ``fresh`` when the request must not replay an earlier one."""
    bases = sorted(p.key_base for p in publications)
    if len(bases) == 1 and not fresh:
        return f"{bases[0]}-create"
    digest = hashlib.sha256("|".join(bases).encode()).hexdigest()[:32]
    suffix = f"-{timezone.now().strftime('%Y%m%d%H%M%S%f')}" if fresh else ""
    return f"dext-create-{digest}{suffix}"[:128]


def record_created(publication: Publication, document: mapping.XeroDocument, element: dict, *, endpoint: str) -> None:
    """The document exists in Xero (created now, or found by a look-up): keep its id."""
    publication.endpoint = endpoint
    publication.xero_type = document.type
    publication.xero_id = mapping.document_id(endpoint, element)
    publication.xero_number = mapping.document_number(endpoint, element)
    publication.xero_status = str(element.get("Status") or document.status)
    total = element.get("Total")
    publication.xero_total = Decimal(str(total)) if total is not None else document.total
    publication.payment_needed = document.payment is not None
    publication.notice = " ".join(document.notices)[:500]
    if not publication.xero_id:
        raise RetryLater(30, "Xero's answer had no document id")
    publication.save()
    item_history(publication.item, None, f"Created in Xero as {published_as(document.type, publication.xero_status)}")
