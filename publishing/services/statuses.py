"""What happened in Xero to the documents we published: paid, voided, deleted …

Two ways in, one way to record it:

- a Xero webhook (``hooks.XERO_CHANGED``, announced once per batch of events for one
  organisation) names the invoices and credit notes that changed: they are read back by
  id, one call for up to 50 of them (:func:`publications_read_back`);
- a periodic poll reads, per connection and endpoint, what changed since the newest
  ``UpdatedDateUTC`` it saw last time (``If-Modified-Since``), page by page, oldest change
  first, and keeps what concerns documents we published (:func:`statuses_poll`). Xero
  sends no webhooks for bank transactions, so they are always polled; invoices and
  credit notes are polled too unless webhooks are configured.

Either way :func:`publication_status_record` stores the status on the publication and
writes a History line when it changes ("Paid in Xero on 5 May 2026", "Voided in Xero").
"""

import logging
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from connections.models import ConnectionStatus, XeroConnection
from connections.selectors import webhook_health
from connections.xero.api import STATUS_PAGE_SIZE, DocumentStatus, XeroApi
from connections.xero.errors import XeroAuthError, XeroPermissionMissing, XeroRateLimited, XeroUnavailable
from dext.tenancy import formats
from items.models import Item
from publishing.models import Publication, StatusPoll
from publishing.services.outcomes import item_history
from publishing.wording import document_words, status_words

logger = logging.getLogger(__name__)

ENDPOINTS = ("Invoices", "CreditNotes", "BankTransactions")
# Webhook categories (https://developer.xero.com/documentation/guides/webhooks/overview/) → our endpoints.
WEBHOOK_CATEGORIES = {"INVOICE": "Invoices", "CREDITNOTE": "CreditNotes"}
# Nothing changes a voided or deleted document any more.
FINAL_STATUSES = ("VOIDED", "DELETED")
# Pages read in one poll of one endpoint; the next poll goes on from the newest change read.
MAX_PAGES_PER_POLL = 20


class ReadBackLater(Exception):
    """Xero is rate limiting or unavailable: read again after ``countdown`` seconds."""

    def __init__(self, countdown: float):
        super().__init__(f"read back again in {countdown:.0f} s")
        self.countdown = countdown


def _connection(connection_id: int) -> XeroConnection | None:
    connection = XeroConnection.objects.select_related("business").filter(pk=connection_id).first()
    if connection is None or connection.status != ConnectionStatus.CONNECTED:
        return None
    return connection


def _ours(*, business_id: int, endpoint: str, ids) -> dict[str, Publication]:
    """Our publications of these Xero documents, by lower-case id."""
    wanted = {str(xero_id).lower() for xero_id in ids if xero_id}
    if not wanted:
        return {}
    found = Publication.objects.filter(business_id=business_id, endpoint=endpoint).filter(
        xero_id__in=wanted | {xero_id.upper() for xero_id in wanted}
    )
    return {publication.xero_id.lower(): publication for publication in found}


def publications_read_back(*, connection_id: int, changes: dict[str, list[str]]) -> int:
    """Read the status of the documents ``changes`` names ({endpoint: [Xero ids]}) that
    we published, one call per endpoint for up to 50 of them; returns how many changed."""
    connection = _connection(connection_id)
    if connection is None:
        return 0
    api = XeroApi.for_connection(connection)
    changed = 0
    for endpoint, ids in changes.items():
        if endpoint not in ENDPOINTS:
            continue
        ours = _ours(business_id=connection.business_id, endpoint=endpoint, ids=ids)
        if not ours:
            continue
        statuses = _read(lambda endpoint=endpoint, ours=ours: api.document_statuses(endpoint, sorted(ours)))
        if statuses is None:
            return changed
        changed += _record_all(ours, statuses)
    return changed


def _read(call):
    """The answer of ``call``, or None when the connection can't be used any more (a
    reconnect is needed: the connection is marked so by the gateway)."""
    try:
        return _raise_later(call)
    except (XeroAuthError, XeroPermissionMissing):
        logger.info("Reading back statuses stopped: the connection can't read from Xero now")
        return None


def _record_all(ours: dict[str, Publication], statuses: list[DocumentStatus]) -> int:
    changed = 0
    for status in statuses:
        publication = ours.get(status.xero_id)
        if publication is not None and publication_status_record(publication=publication, status=status):
            changed += 1
    return changed


def publication_status_record(*, publication: Publication, status: DocumentStatus) -> bool:
    """Store Xero's status of the publication's document; True (and a History line) when
    it changed. An answer older than the one already stored is ignored."""
    now = timezone.now()
    with transaction.atomic():
        locked = Publication.objects.select_for_update().filter(pk=publication.pk).first()
        if locked is None or (locked.xero_id or "").lower() != status.xero_id:
            return False  # published again since: another document now
        if status.updated and locked.xero_updated_at and status.updated < locked.xero_updated_at:
            return False
        changed = status.status != locked.xero_status or (
            status.status == "PAID" and status.fully_paid_on != locked.xero_paid_on
        )
        locked.xero_status = status.status or locked.xero_status
        locked.xero_updated_at = status.updated or locked.xero_updated_at
        locked.xero_amount_due = status.amount_due
        locked.xero_paid_on = status.fully_paid_on if status.status == "PAID" else None
        locked.xero_status_checked_at = now
        locked.save(update_fields=[
            "xero_status", "xero_updated_at", "xero_amount_due", "xero_paid_on", "xero_status_checked_at", "updated",
        ])
        if changed:
            message = status_change_words(locked)
            if message:
                item = Item.objects.select_related("business").get(pk=locked.item_id)
                item_history(item, None, message)
    return changed


def status_change_words(publication: Publication) -> str:
    """The History line for a document's new status in Xero."""
    status = publication.xero_status
    if status == "PAID":
        if publication.xero_paid_on:
            locale = formats.business_locale(publication.business)
            return f"Paid in Xero on {formats.day(publication.xero_paid_on, locale=locale)}"
        return "Paid in Xero"
    if status == "VOIDED":
        return "Voided in Xero"
    if status == "DELETED":
        return "Deleted in Xero"
    words = status_words(publication.xero_type, status)
    return f"{document_words(publication.xero_type).capitalize()}, now {words} in Xero" if words else ""


def publishing_on_xero_changed(*, connection: XeroConnection, changes: dict, **_) -> None:
    """After a batch of webhook events for one organisation (``dext/hooks.py``): read back
    the invoices and credit notes it names, in one task for the whole batch."""
    from publishing import tasks

    wanted = {
        endpoint: sorted({str(xero_id).lower() for xero_id in changes.get(category) or ()})
        for category, endpoint in WEBHOOK_CATEGORIES.items()
    }
    wanted = {endpoint: ids for endpoint, ids in wanted.items() if ids}
    if wanted:
        connection_id = connection.pk
        transaction.on_commit(lambda: tasks.read_back_statuses.delay(connection_id, wanted))


# --- Polling ------------------------------------------------------------------------------------


def polled_endpoints(connection: XeroConnection | None = None) -> tuple[str, ...]:
    """Bank transactions always (Xero has no webhooks for them); invoices and credit notes
    too unless this organisation's webhooks are arriving: not configured, nothing received
    yet, silent for days or refused signatures all fall back to polling (or the settings
    ask for it)."""
    if not getattr(settings, "XERO_WEBHOOK_KEY", "") or settings.XERO_STATUS_POLL_ALL:
        return ENDPOINTS
    if connection is not None and webhook_health(connection=connection).state != "receiving":
        return ENDPOINTS
    return ("BankTransactions",)


def connections_to_poll() -> list[int]:
    """Connected connections whose business has documents we published."""
    published = Publication.objects.exclude(xero_id="").values("business_id")
    return list(
        XeroConnection.objects.filter(status=ConnectionStatus.CONNECTED, business_id__in=published)
        .order_by("pk").values_list("pk", flat=True)
    )


def statuses_poll(*, connection_id: int, endpoints: tuple[str, ...] | None = None) -> dict[str, int]:
    """Read what changed in Xero since the last poll for one connection and record the
    statuses of what we published. Returns, per endpoint, how many documents Xero sent."""
    connection = _connection(connection_id)
    if connection is None:
        return {}
    poll = _poll_for(connection)
    api = XeroApi.for_connection(connection)
    read: dict[str, int] = {}
    for endpoint in endpoints or polled_endpoints(connection):
        published = Publication.objects.filter(business_id=connection.business_id, endpoint=endpoint).exclude(
            xero_id=""
        )
        if not published.exists():
            continue
        try:
            read[endpoint] = _poll_endpoint(api, poll, endpoint, published)
        except ReadBackLater:
            logger.info("Status poll of %s paused by Xero's rate limit or an outage", endpoint)
            break
        except (XeroAuthError, XeroPermissionMissing):
            break
    StatusPoll.objects.filter(pk=poll.pk).update(polled_at=timezone.now())
    return read


def _poll_for(connection: XeroConnection) -> StatusPoll:
    poll, _ = StatusPoll.objects.get_or_create(
        connection=connection, defaults={"business_id": connection.business_id, "tenant_id": connection.tenant_id}
    )
    if poll.tenant_id != connection.tenant_id:
        # Another organisation: its clock and documents are not the last one's.
        poll.tenant_id, poll.marks = connection.tenant_id, {}
        poll.save(update_fields=["tenant_id", "marks"])
    return poll


def _poll_endpoint(api: XeroApi, poll: StatusPoll, endpoint: str, published) -> int:
    mark = _mark(poll, endpoint)
    if mark is None:
        # The first poll: our documents by id (bounded by what we published, not by the
        # organisation's history), then onwards from the newest change among them.
        live = published.exclude(xero_status__in=FINAL_STATUSES).values_list("xero_id", flat=True)
        statuses = _raise_later(lambda: api.document_statuses(endpoint, list(live)))
        _record_all(_ours(business_id=poll.business_id, endpoint=endpoint, ids=[s.xero_id for s in statuses]), statuses)
        newest = max((s.updated for s in statuses if s.updated), default=None)
        _save_mark(poll, endpoint, newest or timezone.now())
        return len(statuses)
    seen = 0
    for page in range(1, MAX_PAGES_PER_POLL + 1):
        statuses = _raise_later(lambda page=page: api.documents_modified_since(endpoint, mark, page=page))
        seen += len(statuses)
        ours = _ours(business_id=poll.business_id, endpoint=endpoint, ids=[s.xero_id for s in statuses])
        _record_all(ours, statuses)
        newest = max((s.updated for s in statuses if s.updated), default=None)
        if newest is not None and newest > mark:
            # Saved page by page: a poll cut short goes on from here next time.
            _save_mark(poll, endpoint, newest)
        if len(statuses) < STATUS_PAGE_SIZE:
            break
    return seen


def _raise_later(call):
    """``call()``; a rate limit or an outage becomes :class:`ReadBackLater`."""
    try:
        return call()
    except XeroRateLimited as exc:
        raise ReadBackLater(exc.retry_after + 1) from exc
    except XeroUnavailable as exc:
        raise ReadBackLater(60) from exc


def _mark(poll: StatusPoll, endpoint: str) -> datetime | None:
    value = (poll.marks or {}).get(endpoint)
    return datetime.fromisoformat(value) if value else None


def _save_mark(poll: StatusPoll, endpoint: str, moment: datetime) -> None:
    poll.marks = {**(poll.marks or {}), endpoint: moment.isoformat()}
    StatusPoll.objects.filter(pk=poll.pk).update(marks=poll.marks)
