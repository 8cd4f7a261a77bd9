"""Publishing items to Xero: exactly once in effect, resumable, at the rate limit.

The per-item state machine is Ready → Queued → Publishing → Published | Failed, changed
under a row lock. A publish is three resumable steps, each recorded on the
:class:`Publication` as it succeeds: create the document, record the payment (bills
published as Paid), attach the file. A retry starts at the first step not yet done.

A create is never repeated blindly. It always carries an ``Idempotency-Key`` that is
stable for the item's version, so a quick retry of the same request is answered by
Xero from its cache (https://developer.xero.com/documentation/guides/idempotent-requests/idempotency);
when that cannot apply (the 6-minute window has passed, or a batch is re-formed with
other members) and an earlier create's outcome is unknown, the document is looked up
in Xero by contact, number, date and total before anything is created again.
"""

import hashlib
import logging
import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from connections.models import XeroConnection
from connections.selectors import connection_active
from connections.xero.api import XeroApi
from connections.xero.errors import (
    XeroAuthError,
    XeroError,
    XeroRateLimited,
    XeroUnavailable,
    XeroValidationError,
)
from dext.errors import ApplicationError
from dext.tenancy.selectors import user_may_publish
from items.models import Item, ItemHistory, ItemStatus
from publishing import catalogue, mapping
from publishing.inputs import item_input
from publishing.models import Publication, PublicationState, PublishAttempt
from publishing.validation import problems_before_sending

logger = logging.getLogger(__name__)

BATCH_SIZE = 50
# Xero keeps an Idempotency-Key's answer for 6 minutes; we rely on it for 5.
IDEMPOTENCY_SAFE_WINDOW = timedelta(minutes=5)
LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 10
MAX_ATTACHMENT_ATTEMPTS = 5
MAX_COUNTDOWN = 3000.0
PUBLISHABLE = (ItemStatus.READY, ItemStatus.FAILED)


PUBLISH_NEEDS_PERMISSION = "Publishing to Xero needs the administrator role or the “can publish” permission."


class PublishError(ApplicationError):
    code = "cannot_publish"


class RetryLater(Exception):
    """A step could not finish now (rate limit, Xero unavailable); try again after ``countdown``."""

    def __init__(self, countdown: float, reason: str, *, counts: bool = True):
        super().__init__(reason)
        # Celery's countdown must stay below the broker's visibility timeout.
        self.countdown = min(countdown, MAX_COUNTDOWN)
        self.reason = reason
        self.counts = counts


@dataclass(frozen=True)
class PublishRequestResult:
    queued: list[int]
    skipped: dict[int, str]


# --- Requesting a publish -----------------------------------------------------------------
def publish_request(*, business, items, acting_user, auto: bool = False) -> PublishRequestResult:
    """Queue items for publishing; the work happens in Celery tasks after commit.

    ``acting_user`` is who publishes: the person who pressed Publish, or the author of
    the supplier/customer rule that publishes automatically (``auto``). They must be
    allowed to publish in ``business`` now, whatever path queued the request."""
    from publishing import tasks

    if not user_may_publish(user=acting_user, business=business):
        raise PublishError(PUBLISH_NEEDS_PERMISSION, code="permission_denied")
    if connection_active(business=business) is None:
        connection = XeroConnection.objects.filter(business=business).first()
        if connection is not None and connection.needs_reconnect:
            raise PublishError(catalogue.problem("reconnect_required").message, code="reconnect_required")
        raise PublishError("Connect Xero first: publishing sends items to your connected Xero organisation.",
                           code="not_connected")
    queued, skipped = [], {}
    with transaction.atomic():
        locked = list(
            Item.objects.select_for_update().filter(business=business, pk__in=[i.pk for i in items]).order_by("pk")
        )
        existing = {p.item_id: p for p in Publication.objects.select_for_update().filter(item__in=locked)}
        for item in locked:
            if item.status not in PUBLISHABLE:
                skipped[item.pk] = f"it is {item.get_status_display().lower()}"
                continue
            publication = existing.get(item.pk) or Publication(business=business, item=item, item_version=item.version)
            _requeue(publication, item=item, acting_user=acting_user, auto=auto)
            item.status = ItemStatus.QUEUED
            item.save(update_fields=["status", "updated"])
            _history(item, acting_user, "Queued for publishing" + (" by its supplier rule" if auto else ""))
            queued.append(publication.pk)
        if queued:
            ids = list(queued)
            if len(ids) == 1:
                transaction.on_commit(lambda: tasks.publish_item.delay(ids[0]))
            else:
                # One batch at a time, each queuing the next once its documents exist:
                # while a batch is being prepared, the items of the one before are
                # attaching their files, instead of every batch first (see _next_batch).
                chunks = [ids[start:start + BATCH_SIZE] for start in range(0, len(ids), BATCH_SIZE)]
                transaction.on_commit(lambda: tasks.publish_batch.delay(chunks[0], chunks[1:]))
    return PublishRequestResult(queued=queued, skipped=skipped)


def _requeue(publication: Publication, *, item: Item, acting_user, auto: bool) -> None:
    if not publication.xero_id and publication.item_version != item.version:
        # The item changed since the last try and nothing exists in Xero yet: publish the
        # new version under its own key. (An unknown earlier create is still looked up.)
        publication.item_version = item.version
        publication.create_key = ""
    publication.state = PublicationState.QUEUED
    publication.requested_by = acting_user if getattr(acting_user, "is_authenticated", False) else None
    publication.auto = auto
    publication.queued_at = timezone.now()
    publication.lease_expires_at = None
    publication.attempts = 0
    publication.attachment_attempts = 0
    publication.error_code = publication.error_message = publication.error_fix_url = publication.error_fix_label = ""
    publication.save()


def attachment_retry(*, item: Item, acting_user) -> Publication:
    """Try attaching the document again for an item whose document exists in Xero."""
    from publishing import tasks

    if not user_may_publish(user=acting_user, business=item.business):
        raise PublishError(PUBLISH_NEEDS_PERMISSION, code="permission_denied")
    with transaction.atomic():
        publication = Publication.objects.select_for_update().filter(item=item, business=item.business).first()
        if publication is None or not publication.xero_id or publication.attachment_xero_id:
            raise PublishError("There is no attachment waiting to be retried for this item.", code="nothing_to_retry")
        publication.state = PublicationState.QUEUED
        publication.lease_expires_at = None
        publication.attempts = 0
        publication.attachment_attempts = 0
        publication.error_code = publication.error_message = ""
        publication.save()
        _history(item, acting_user, "Attachment retry requested")
        transaction.on_commit(lambda: tasks.publish_item.delay(publication.pk))
    return publication


def publications_resume_after_reconnect(*, business) -> list[int]:
    """Publish again the items that failed only because the connection needed reconnecting.

    Each is published again on behalf of whoever asked for it the first time (the rule's
    author for automatic publishes), and only if that person may still publish; the
    others stay Failed with a note in their history."""
    publications = list(
        Publication.objects.filter(
            business=business,
            state=PublicationState.FAILED,
            error_code="reconnect_required",
            item__status=ItemStatus.FAILED,
        ).select_related("item", "requested_by")
    )
    by_requester: dict = {}
    for publication in publications:
        by_requester.setdefault(publication.requested_by, []).append(publication)
    queued: list[int] = []
    for requester, waiting in by_requester.items():
        items = [publication.item for publication in waiting]
        if not user_may_publish(user=requester, business=business):
            who = requester.email if requester is not None else "nobody who asked for it"
            for item in items:
                _history(item, None, f"Not published again after reconnecting: {who} may no longer publish to Xero.")
            continue
        auto = all(publication.auto for publication in waiting)
        queued += publish_request(business=business, items=items, acting_user=requester, auto=auto).queued
    return queued


def item_auto_publish(*, item_id: int) -> bool:
    """Publish an item that just became Ready if its contact's rule says Always, with the
    permission of the rule's author, checked again now (they may have lost it since)."""
    from items.models import AutoPublish, ContactRule

    item = Item.objects.select_related("business", "contact").filter(pk=item_id).first()
    if item is None or item.status != ItemStatus.READY or item.contact_id is None:
        return False
    rule = (
        ContactRule.objects.select_related("auto_publish_by")
        .filter(business=item.business, contact_id=item.contact_id)
        .first()
    )
    if rule is None or rule.auto_publish != AutoPublish.ALWAYS:
        return False
    author = rule.auto_publish_by
    if not user_may_publish(user=author, business=item.business):
        who = author.email if author is not None else "nobody who may publish"
        _history(
            item, None,
            f"Not published automatically: the rule for {item.contact} was last saved by {who}, who may not "
            "publish to Xero. The rule is paused until someone who may publish saves it again.",
        )
        return False
    if connection_active(business=item.business) is None:
        return False
    return bool(publish_request(business=item.business, items=[item], acting_user=author, auto=True).queued)


# --- Running a publish (Celery tasks call these) ------------------------------------------
def publication_run(*, publication_id: int, task_id: str = "", redelivered: bool = False) -> str:
    """Take one publication as far as it goes: create, pay, attach. Returns the state."""
    publication = _claim(publication_id, redelivered=redelivered)
    if publication is None:
        return "skipped"
    try:
        api = _api_for(publication)
        if not publication.xero_id:
            if not _check_before_sending(publication, task_id=task_id):
                return publication.state
            _create([publication], api=api, task_id=task_id)
            publication.refresh_from_db()
            if publication.state == PublicationState.FAILED:
                return publication.state
        _finish_after_create(publication, api=api, task_id=task_id)
    except RetryLater as exc:
        _hold_for_retry(publication, exc)
        raise
    except XeroAuthError:
        _fail(publication, [catalogue.problem("reconnect_required")])
    return publication.state


def publications_run_batch(*, publication_ids: list[int], task_id: str = "", redelivered: bool = False,
                           later_batches: list[list[int]] | None = None) -> dict[int, str]:
    """Create up to 50 documents in one call per endpoint; then each item goes on alone
    (payment, attachment) in its own task. ``later_batches`` are queued, as one task,
    once this batch's documents exist (or it has nothing to create)."""
    from publishing import tasks

    claimed = [p for p in (_claim(pk, redelivered=redelivered) for pk in publication_ids) if p is not None]
    if not claimed:
        _next_batch(later_batches)
        return {}
    try:
        api = _api_for(claimed[0])
        to_create = [p for p in claimed if not p.xero_id and _check_before_sending(p, task_id=task_id)]
        by_endpoint: dict[str, list[Publication]] = {}
        documents: dict[int, mapping.XeroDocument] = {}
        for publication in to_create:
            try:
                documents[publication.pk] = mapping.build_document(item_input(publication.item))
                endpoint = documents[publication.pk].endpoint
            except mapping.MappingError:
                endpoint = ""  # _create records the problem on the item
            by_endpoint.setdefault(endpoint, []).append(publication)
        for group in by_endpoint.values():
            _create(group, api=api, task_id=task_id, documents=documents)
    except RetryLater as exc:
        for publication in claimed:
            _hold_for_retry(publication, exc)
        raise
    except XeroAuthError:
        for publication in claimed:
            _fail(publication, [catalogue.problem("reconnect_required")])
        _next_batch(later_batches)
        return {p.pk: PublicationState.FAILED for p in claimed}
    _next_batch(later_batches)
    states = {}
    for publication in claimed:
        publication.refresh_from_db()
        states[publication.pk] = publication.state
        if publication.state == PublicationState.PUBLISHING:
            # Hand over to a per-item task for the payment and the attachment.
            Publication.objects.filter(pk=publication.pk).update(
                state=PublicationState.QUEUED, lease_expires_at=None
            )
            tasks.publish_item.delay(publication.pk)
    return states


def _next_batch(later_batches: list[list[int]] | None) -> None:
    """Queue the next batch of a bulk publish (it carries the ones after it). A chain
    broken by a lost task leaves its publications Queued, and the sweeper takes them."""
    from publishing import tasks

    if later_batches:
        tasks.publish_batch.delay(later_batches[0], later_batches[1:])


def _claim(publication_id: int, *, redelivered: bool = False) -> Publication | None:
    """Lock the publication for this worker, or None if it is done or another holds it.

    A message the broker delivers again (``redelivered``) was never acknowledged: the
    worker that ran it died, so its lease is taken over at once instead of waiting for
    it to expire (the Idempotency-Keys and the look-up make running again safe).
    """
    now = timezone.now()
    with transaction.atomic():
        publication = Publication.objects.select_for_update().filter(pk=publication_id).first()
        if publication is None or publication.state in (PublicationState.PUBLISHED, PublicationState.FAILED):
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
            _fail(publication, [catalogue.problem("xero_unavailable")])
            return None
        publication.state = PublicationState.PUBLISHING
        publication.lease_expires_at = now + LEASE
        publication.started_at = publication.started_at or now
        publication.save(update_fields=["state", "lease_expires_at", "started_at", "attempts", "updated"])
        Item.objects.filter(pk=publication.item_id).update(status=ItemStatus.PUBLISHING, updated=now)
    return publication


def _hold_for_retry(publication: Publication, exc: RetryLater) -> None:
    """Back to Queued for the task's retry; the sweeper waits for the lease, so it only
    steps in if the retry message is lost."""
    now = timezone.now()
    changes = {"state": PublicationState.QUEUED, "lease_expires_at": now + timedelta(seconds=exc.countdown) + LEASE}
    if not exc.counts:
        # Waiting for Xero's rate limit is not a failed attempt.
        changes["attempts"] = F("attempts") - 1
    with transaction.atomic():
        if Publication.objects.filter(pk=publication.pk, state=PublicationState.PUBLISHING).update(**changes):
            Item.objects.filter(pk=publication.item_id).update(status=ItemStatus.QUEUED, updated=now)


def _api_for(publication: Publication) -> XeroApi:
    connection = connection_active(business=publication.business)
    if connection is None:
        raise XeroAuthError("No active connection.")
    return XeroApi.for_connection(connection)


def _check_before_sending(publication: Publication, *, task_id: str) -> bool:
    problems = problems_before_sending(publication.item)
    if problems:
        _log(publication, PublishAttempt.Step.VALIDATE, task_id=task_id, outcome="error", error_code=problems[0].code)
        _fail(publication, problems)
        return False
    return True


# --- Step 1: create -----------------------------------------------------------------------
def _create(publications: list[Publication], *, api: XeroApi, task_id: str,
            documents: dict[int, "mapping.XeroDocument"] | None = None) -> None:
    built = documents or {}
    documents = {}
    for publication in publications:
        try:
            documents[publication.pk] = built.get(publication.pk) or mapping.build_document(
                item_input(publication.item)
            )
        except mapping.MappingError as exc:
            _fail(publication, [catalogue.problem(exc.code)])
    pending = [p for p in publications if p.pk in documents]
    if not pending:
        return
    endpoint = documents[pending[0].pk].endpoint
    key = _create_key(pending)
    now = timezone.now()
    # An earlier create whose answer we never saw, that this request can't replay: look first.
    unsure = [
        p for p in pending
        if p.create_sent_at and (p.create_key != key or now - p.create_sent_at >= IDEMPOTENCY_SAFE_WINDOW)
    ]
    if unsure:
        found = _look_up(unsure, documents=documents, api=api, task_id=task_id)
        for publication in unsure:
            if publication.pk in found:
                _created(publication, documents[publication.pk], found[publication.pk], endpoint=endpoint)
        pending = [p for p in pending if p.pk not in found]
        if not pending:
            return
        # Members changed, so the request (and its key) is a new one.
        key = _create_key(pending, fresh=True)
    with transaction.atomic():
        for publication in pending:
            if publication.create_key != key or publication.create_sent_at is None:
                publication.create_key = key
                publication.create_sent_at = now
                publication.endpoint = endpoint
                publication.xero_type = documents[publication.pk].type
                publication.save(update_fields=["create_key", "create_sent_at", "endpoint", "xero_type", "updated"])
    payloads = [documents[p.pk].payload for p in pending]
    attempt = _log_start(pending, PublishAttempt.Step.CREATE, task_id=task_id, key=key,
                         summary={"endpoint": endpoint, "documents": payloads})
    try:
        elements = api.create_documents(endpoint, payloads, idempotency_key=key)
    except XeroValidationError as exc:
        _log_end(attempt, api=api, outcome="error", error_code="validation")
        problems = catalogue.from_xero_messages(exc.messages)
        for publication in pending:
            _fail(publication, problems)
        return
    except (XeroRateLimited, XeroUnavailable) as exc:
        _log_end(attempt, api=api, outcome="unknown" if getattr(exc, "outcome_unknown", False) else "retry",
                 error_code=exc.code)
        raise _retry_for(exc, publications[0]) from exc
    _log_end(attempt, api=api, outcome="ok")
    for publication, element in zip(pending, elements, strict=True):
        errors = [e.get("Message", "") for e in element.get("ValidationErrors") or []]
        if element.get("StatusAttributeString") == "ERROR" or errors:
            context = _context(publication)
            _fail(publication, catalogue.from_xero_messages(errors, context=context))
        else:
            _created(publication, documents[publication.pk], element, endpoint=endpoint)


def _create_key(publications: list[Publication], *, fresh: bool = False) -> str:
    bases = sorted(p.key_base for p in publications)
    if len(bases) == 1 and not fresh:
        return f"{bases[0]}-create"
    digest = hashlib.sha256("|".join(bases).encode()).hexdigest()[:32]
    suffix = f"-{timezone.now().strftime('%Y%m%d%H%M%S%f')}" if fresh else ""
    return f"dext-create-{digest}{suffix}"[:128]


def _created(publication: Publication, document: mapping.XeroDocument, element: dict, *, endpoint: str) -> None:
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
    _history(publication.item, None, f"Created in Xero ({document.type} {publication.xero_status})")


def _look_up(publications: list[Publication], *, documents, api: XeroApi, task_id: str) -> dict[int, dict]:
    """Find documents an earlier, unanswered create may have made (contact, number, date, total)."""
    endpoint = documents[publications[0].pk].endpoint
    attempt = _log_start(publications, PublishAttempt.Step.LOOKUP, task_id=task_id, key="",
                         summary={"endpoint": endpoint, "items": [p.item_id for p in publications]})
    found: dict[int, dict] = {}
    try:
        if endpoint == "Invoices":
            contacts = sorted({documents[p.pk].payload["Contact"]["ContactID"] for p in publications})
            numbers = sorted({documents[p.pk].payload.get("InvoiceNumber", "") for p in publications})
            candidates = api.find_documents(
                endpoint, contact_ids=contacts, numbers=[n for n in numbers if n] if all(numbers) else None
            )
        else:
            candidates = []
            for publication in publications:
                payload = documents[publication.pk].payload
                where = f'Contact.ContactID==Guid("{payload["Contact"]["ContactID"]}")'
                candidates += api.find_documents(endpoint, contact_ids=[], where=where)
    except (XeroRateLimited, XeroUnavailable) as exc:
        _log_end(attempt, api=api, outcome="retry", error_code=exc.code)
        raise _retry_for(exc, publications[0]) from exc
    taken: set[str] = set()
    for publication in publications:
        match = _match(documents[publication.pk], candidates, endpoint=endpoint, taken=taken)
        if match is not None:
            found[publication.pk] = match
            taken.add(mapping.document_id(endpoint, match))
    _log_end(attempt, api=api, outcome="ok", response={"found": len(found)})
    return found


def _match(document: mapping.XeroDocument, candidates: list[dict], *, endpoint: str, taken: set[str]) -> dict | None:
    from connections.xero.dates import parse_xero_date

    payload = document.payload
    for candidate in candidates:
        if mapping.document_id(endpoint, candidate) in taken:
            continue
        if candidate.get("Status") in ("DELETED", "VOIDED") or candidate.get("Type") != document.type:
            continue
        if (candidate.get("Contact") or {}).get("ContactID") != payload["Contact"]["ContactID"]:
            continue
        if str(parse_xero_date(candidate.get("Date"))) != payload["Date"]:
            continue
        if Decimal(str(candidate.get("Total", "0"))).quantize(mapping.TWO_PLACES) != document.total:
            continue
        number_field = {"Invoices": "InvoiceNumber", "CreditNotes": "CreditNoteNumber", "BankTransactions": "Reference"}[
            endpoint
        ]
        wanted = payload.get(number_field) or payload.get("Reference") or ""
        if wanted and (candidate.get(number_field) or "") != wanted:
            continue
        return candidate
    return None


# --- Steps 2 and 3: payment, attachment ---------------------------------------------------
def _finish_after_create(publication: Publication, *, api: XeroApi, task_id: str) -> None:
    if publication.payment_needed and not publication.payment_xero_id and not _pay(publication, api=api, task_id=task_id):
        return
    if not publication.attachment_xero_id and publication.error_code not in ("attachment_too_large",):
        _attach(publication, api=api, task_id=task_id)
    if publication.state != PublicationState.FAILED:
        _published(publication)


def _pay(publication: Publication, *, api: XeroApi, task_id: str) -> bool:
    document = mapping.build_document(item_input(publication.item))
    if document.payment is None:
        publication.payment_needed = False
        publication.save(update_fields=["payment_needed", "updated"])
        return True
    payment = {**document.payment, "Invoice": {"InvoiceID": publication.xero_id}}
    key = f"{publication.key_base}-payment"
    attempt = _log_start([publication], PublishAttempt.Step.PAYMENT, task_id=task_id, key=key, summary=payment)
    try:
        element = api.create_payments([payment], idempotency_key=key)[0]
    except XeroValidationError as exc:
        _log_end(attempt, api=api, outcome="error", error_code="validation")
        _fail(publication, catalogue.from_xero_messages(exc.messages, context=_context(publication)))
        return False
    except (XeroRateLimited, XeroUnavailable) as exc:
        _log_end(attempt, api=api, outcome="retry", error_code=exc.code)
        raise _retry_for(exc, publication) from exc
    errors = [e.get("Message", "") for e in element.get("ValidationErrors") or []]
    if element.get("StatusAttributeString") == "ERROR" or errors:
        _log_end(attempt, api=api, outcome="error", error_code="validation")
        _fail(publication, catalogue.from_xero_messages(errors, context=_context(publication)))
        return False
    _log_end(attempt, api=api, outcome="ok")
    publication.payment_xero_id = str(element.get("PaymentID") or "")
    publication.xero_status = "PAID"
    publication.save(update_fields=["payment_xero_id", "xero_status", "updated"])
    return True


def _attach(publication: Publication, *, api: XeroApi, task_id: str) -> None:
    document = publication.item.document
    file_name = mapping.attachment_file_name(document.original_name, content_type=document.content_type,
                                             item_id=publication.item_id)
    with default_storage.open(document.storage_name, "rb") as handle:
        content = handle.read()
    key = f"{publication.key_base}-attach"
    attempt = _log_start([publication], PublishAttempt.Step.ATTACH, task_id=task_id, key=key,
                         summary={"file_name": file_name, "bytes": len(content), "document_id": publication.xero_id})
    publication.attachment_attempts += 1
    publication.save(update_fields=["attachment_attempts", "updated"])
    try:
        attachment = api.attach_file(
            publication.endpoint, publication.xero_id, file_name, content, idempotency_key=key,
            include_online=publication.xero_type in ("ACCREC", "ACCRECCREDIT"),
        )
    except XeroValidationError as exc:
        _log_end(attempt, api=api, outcome="error", error_code="validation")
        code = "attachment_too_large" if exc.status == 413 else "attachment_failed"
        _attachment_problem(publication, code)
        return
    except (XeroRateLimited, XeroUnavailable) as exc:
        _log_end(attempt, api=api, outcome="retry", error_code=exc.code)
        if publication.attachment_attempts >= MAX_ATTACHMENT_ATTEMPTS:
            _attachment_problem(publication, "attachment_failed")
            return
        raise _retry_for(exc, publication) from exc
    _log_end(attempt, api=api, outcome="ok")
    publication.attachment_xero_id = str(attachment.get("AttachmentID") or "attached")
    publication.error_code = publication.error_message = ""
    publication.save(update_fields=["attachment_xero_id", "error_code", "error_message", "updated"])


def _attachment_problem(publication: Publication, code: str) -> None:
    found = catalogue.problem(code)
    publication.error_code = found.code
    publication.error_message = found.message
    publication.error_fix_label = found.fix_label
    publication.save(update_fields=["error_code", "error_message", "error_fix_label", "updated"])


# --- Outcomes -------------------------------------------------------------------------------
def _published(publication: Publication) -> None:
    now = timezone.now()
    with transaction.atomic():
        Publication.objects.filter(pk=publication.pk).update(
            state=PublicationState.PUBLISHED, finished_at=now, lease_expires_at=None, updated=now
        )
        Item.objects.filter(pk=publication.item_id).update(status=ItemStatus.PUBLISHED, updated=now)
        publication.refresh_from_db()
        message = f"Published to Xero ({publication.xero_type} {publication.xero_status})"
        if publication.error_code:
            message += f"; {publication.error_message}"
        _history(publication.item, publication.requested_by, message)


def _fail(publication: Publication, problems: list[catalogue.PublishProblem]) -> None:
    from publishing.links import fix_url

    first = problems[0]
    now = timezone.now()
    with transaction.atomic():
        Publication.objects.filter(pk=publication.pk).update(
            state=PublicationState.FAILED,
            finished_at=now,
            lease_expires_at=None,
            error_code=first.code,
            error_message=" ".join(p.message for p in problems)[:4000],
            error_fix_url=fix_url(first.fix, item_id=publication.item_id),
            error_fix_label=first.fix_label,
            updated=now,
        )
        Item.objects.filter(pk=publication.item_id).update(status=ItemStatus.FAILED, updated=now)
        _history(publication.item, publication.requested_by, f"Publishing failed: {first.message}"[:500])
    publication.refresh_from_db()


def _retry_for(exc: XeroError, publication: Publication) -> RetryLater:
    if isinstance(exc, XeroRateLimited):
        return RetryLater(exc.retry_after + random.uniform(0, 2), "rate limited", counts=False)  # noqa: S311
    attempt = max(1, publication.attempts)
    backoff = min(600.0, 5.0 * 2 ** (attempt - 1))
    return RetryLater(random.uniform(backoff / 2, backoff), exc.code)  # noqa: S311 - jitter


def _context(publication: Publication) -> dict:
    item = publication.item
    return {
        "account": item.category.code if item.category_id else "",
        "contact": item.contact.name if item.contact_id else "",
        "tax_type": item.tax_rate.xero_id if item.tax_rate_id else "",
        "number": item.reference,
        "currency": item.currency_code,
    }


def _history(item: Item, user, message: str) -> None:
    ItemHistory.objects.create(
        business_id=item.business_id, item=item, user=user if getattr(user, "is_authenticated", False) else None,
        action=ItemHistory.Action.STATUS, message=message[:500],
    )


# --- The attempt log (support staff) --------------------------------------------------------
def _log(publication: Publication, step: str, *, task_id: str, outcome: str, error_code: str = "") -> None:
    PublishAttempt.objects.create(
        business_id=publication.business_id, publication=publication, step=step, task_id=task_id or "",
        outcome=outcome, error_code=error_code, finished=timezone.now(),
    )


def _log_start(publications, step, *, task_id, key, summary) -> list[PublishAttempt]:
    return PublishAttempt.objects.bulk_create(
        [
            PublishAttempt(
                business_id=p.business_id, publication=p, step=step, task_id=task_id or "", idempotency_key=key,
                request_summary=_json_safe(summary),
            )
            for p in publications
        ]
    )


def _log_end(attempts: list[PublishAttempt], *, api: XeroApi, outcome: str, error_code: str = "",
             response=None) -> None:
    last = api.last_response
    body = response if response is not None else (last.data if last else {})
    PublishAttempt.objects.filter(pk__in=[a.pk for a in attempts]).update(
        finished=timezone.now(), outcome=outcome, error_code=error_code,
        http_status=last.status if last else None, response_body=_json_safe(_trim(body)),
    )


def _trim(body):
    if isinstance(body, dict) and "_raw" in body:
        return {"_raw": str(body["_raw"])[:2000]}
    text = str(body)
    return body if len(text) < 20000 else {"truncated": text[:20000]}


def _json_safe(value):
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value


# --- Recovery --------------------------------------------------------------------------------
def publications_sweep(*, stale_after: timedelta = timedelta(minutes=2)) -> list[int]:
    """Queue again what a dead worker or a lost message left Queued or Publishing."""
    from publishing import tasks

    now = timezone.now()
    lease_expired = Q(state__in=[PublicationState.QUEUED, PublicationState.PUBLISHING], lease_expires_at__lt=now)
    never_started = Q(state=PublicationState.QUEUED, lease_expires_at__isnull=True, queued_at__lt=now - stale_after)
    stuck = list(Publication.objects.filter(lease_expired | never_started).values_list("pk", flat=True)[:500])
    for publication_id in stuck:
        # Queued again with a fresh lease, so the next sweep leaves it to this task.
        Publication.objects.filter(pk=publication_id).update(state=PublicationState.QUEUED, lease_expires_at=now + LEASE)
        transaction.on_commit(lambda publication_id=publication_id: tasks.publish_item.delay(publication_id))
    return stuck
