"""The lists refresh job: fetch the Xero organisation's lists and upsert them.

``refresh_start`` queues one refresh per business (single-flight); the Celery task
``lists.refresh`` runs ``refresh_run``. The job fetches first and writes last: every
list is upserted in one transaction at the end, so a refresh that Xero interrupts
half-way leaves the previous lists exactly as they were and records why it failed.

Fewest calls (https://developer.xero.com/documentation/best-practices/api-call-efficiencies/):
Organisation, Accounts, TaxRates, TrackingCategories (includeArchived) and Currencies
are one call each and always fetched in full, because ``If-Modified-Since`` cannot tell
us about records that vanished (deleted accounts, deleted tracking options). Contacts
are paged 1,000 at a time with ``summaryOnly`` and, after a first full fetch, fetched
with ``If-Modified-Since``; a full contacts fetch still happens once a day because
Xero's ``If-Modified-Since`` misses IsSupplier/IsCustomer changes.
"""

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import models, transaction
from django.utils import timezone

from connections.xero.errors import XeroError, XeroRateLimited, XeroUnavailable
from dext import hooks
from dext.errors import ApplicationError
from dext.tenancy.models import Business
from lists import xero_mapping
from lists.models import (
    Category,
    Contact,
    Currency,
    ListGroup,
    ListRefresh,
    ListStatus,
    ListSyncState,
    PaymentMethod,
    TaxRate,
    TrackingCategory,
    TrackingOption,
)

logger = logging.getLogger(__name__)

ALL_GROUPS: list[str] = [group.value for group in ListGroup]
# A queued or running refresh whose heartbeat is older than this belongs to a worker
# that died; a new request may supersede it.
REFRESH_STALE_AFTER = timedelta(minutes=5)
CONTACTS_PAGE_SIZE = 1000  # Xero's maximum pageSize.
CONTACTS_FULL_FETCH_EVERY = timedelta(hours=24)
# Rows per INSERT ... ON CONFLICT. Large enough that 10,000 contacts are a handful of
# statements; SQLite's variable limit lowers it further on its own.
UPSERT_BATCH_SIZE = 5000
# A refresh that meets a busy (429) or unavailable Xero runs again, up to this many runs
# in all, after 30 s then 60 s (or Retry-After), never longer than RETRY_DELAY_MAX_SECONDS.
REFRESH_MAX_ATTEMPTS = 3
RETRY_BACKOFF_SECONDS = 30
RETRY_DELAY_MAX_SECONDS = 240
# Xero ids per UPDATE when archiving what a full fetch no longer returns.
ARCHIVE_BATCH_SIZE = 500
# While paging contacts the banner's progress is written at most this often.
HEARTBEAT_EVERY_SECONDS = 5.0

NOT_CONNECTED_CODE = "not_connected"
NOT_CONNECTED_MESSAGE = (
    "dext is not connected to Xero. An administrator can connect it from "
    "Business Settings → Connections, then refresh the lists."
)
WORKER_LOST_CODE = "worker_lost"
WORKER_LOST_MESSAGE = "This refresh stopped responding and was replaced. Refresh the lists again if needed."
INTERNAL_ERROR_CODE = "internal_error"
INTERNAL_ERROR_MESSAGE = (
    "Something went wrong in dext while refreshing the lists. Your lists were not changed; "
    "please try again, and contact support if it keeps happening."
)


class UnknownListError(ApplicationError):
    """A refresh was asked for a list that does not exist."""

    code = "unknown_list"
    user_message = "That list cannot be refreshed. Choose one of the Lists pages and try again."


# --- Starting a refresh ------------------------------------------------------------------


def refresh_start(
    *,
    business: Business,
    acting_user=None,
    lists: list[str] | None = None,
    reason: str = "manual",
) -> ListRefresh:
    """Queue a refresh of ``lists`` (all by default) for ``business`` and return it.

    Single-flight: the business's sync-state row is locked, so of two concurrent
    requests one creates the refresh and the other returns it. A queued or running
    refresh with a fresh heartbeat is returned as it is, even if it covers other lists;
    a stale one (its worker died) is marked failed and replaced.
    """
    groups = _normalise_groups(lists)
    now = timezone.now()
    with transaction.atomic():
        _sync_state_locked(business=business)
        active = ListRefresh.objects.for_business(business).filter(
            status__in=[ListRefresh.Status.QUEUED, ListRefresh.Status.RUNNING]
        )
        for refresh in active.order_by("-created_at"):
            if refresh.heartbeat_at and refresh.heartbeat_at > now - REFRESH_STALE_AFTER:
                return refresh
            _mark_failed(refresh_id=refresh.pk, code=WORKER_LOST_CODE, message=WORKER_LOST_MESSAGE)
        refresh = ListRefresh(
            business=business,
            lists=groups,
            reason=reason[:20],
            requested_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
            heartbeat_at=now,
        )
        refresh.full_clean()
        refresh.save()
        refresh_id = refresh.pk
        transaction.on_commit(lambda: _enqueue(refresh_id))
    return refresh


def refresh_request(*, connection, acting_user) -> ListRefresh:
    """Connections → Manage → Refresh integration data (and the admin's action): one
    refresh at a time, only while the connection works."""
    if not connection.is_connected:
        raise ApplicationError(
            "Reconnect to Xero first: the connection needs reconnecting before lists can be refreshed.",
            code="not_connected",
        )
    return refresh_start(business=connection.business, acting_user=acting_user, reason="manual")


def lists_on_connected(*, connection, kind: str, acting_user) -> None:
    """After a connect (``dext/hooks.py``): a new or renewed connection starts with fresh lists."""
    refresh_start(business=connection.business, acting_user=acting_user, reason="connect")


def refresh_start_for_connected_businesses(*, reason: str = "schedule") -> list[ListRefresh]:
    """The beat schedule's entry point: one refresh per business connected to Xero."""
    from connections.models import ConnectionStatus, XeroConnection

    business_ids = XeroConnection.objects.filter(status=ConnectionStatus.CONNECTED).values_list(
        "business_id", flat=True
    )
    return [
        refresh_start(business=business, reason=reason)
        for business in Business.objects.filter(pk__in=list(business_ids))
    ]


def _enqueue(refresh_id: int, *, countdown: float = 0) -> None:
    from lists.tasks import refresh as refresh_task

    refresh_task.apply_async((refresh_id,), countdown=countdown or None)


def _normalise_groups(lists: list[str] | None) -> list[str]:
    if not lists:
        return list(ALL_GROUPS)
    unknown = set(lists) - set(ALL_GROUPS)
    if unknown:
        logger.info("Refresh refused for unknown lists: %s", ", ".join(sorted(unknown)))
        raise UnknownListError()
    return [group for group in ALL_GROUPS if group in lists]


def _sync_state_locked(*, business: Business) -> ListSyncState:
    # get_or_create survives a concurrent insert (it re-reads after the IntegrityError);
    # the row lock then serialises everyone who wants to start a refresh.
    ListSyncState.objects.get_or_create(business=business)
    return ListSyncState.objects.select_for_update().get(business=business)


# --- Running a refresh -------------------------------------------------------------------


@dataclass
class _Fetched:
    """Everything one refresh fetched, as unsaved rows keyed by Xero id."""

    categories: dict[str, Category] | None = None
    payment_methods: dict[str, PaymentMethod] | None = None
    contacts: dict[str, Contact] | None = None
    contacts_full: bool = True
    tracking_categories: dict[str, TrackingCategory] | None = None
    # Option rows with the Xero id of their category (the category's pk is known only
    # after the categories are upserted).
    tracking_options: dict[str, tuple[str, TrackingOption]] | None = None
    tax_rates: dict[str, TaxRate] | None = None
    currencies: dict[str, Currency] | None = None
    organisation: dict = field(default_factory=dict)
    progress: dict = field(default_factory=dict)


def refresh_run(*, refresh_id: int) -> ListRefresh:
    """Run a queued refresh: fetch every list it covers, then write them all at once.

    Returns the refresh as stored afterwards. A refresh that is not queued (already
    done, superseded, or running on a live worker) is left alone, so a redelivered
    task is harmless.
    """
    now = timezone.now()
    claimable = models.Q(status=ListRefresh.Status.QUEUED) | models.Q(
        status=ListRefresh.Status.RUNNING, heartbeat_at__lt=now - REFRESH_STALE_AFTER
    )
    claimed = (
        ListRefresh.objects.filter(claimable, pk=refresh_id)
        .update(
            status=ListRefresh.Status.RUNNING,
            started_at=now,
            heartbeat_at=now,
            attempts=models.F("attempts") + 1,
        )
    )
    refresh = ListRefresh.objects.select_related("business").get(pk=refresh_id)
    if not claimed:
        return refresh

    from connections.selectors import connection_active

    connection = connection_active(business=refresh.business)
    if connection is None:
        _mark_failed(refresh_id=refresh.pk, code=NOT_CONNECTED_CODE, message=NOT_CONNECTED_MESSAGE)
        refresh.refresh_from_db()
        return refresh

    from connections.xero.api import XeroApi

    api = XeroApi.for_connection(connection)
    try:
        fetched = _fetch(refresh=refresh, api=api)
        _write(refresh=refresh, fetched=fetched, xero_calls=api.calls)
        if fetched.organisation:
            from connections.services import connection_note_organisation

            # Lock dates and short code, for checks before publishing and links into Xero.
            connection_note_organisation(connection=connection, organisation=fetched.organisation)
    except (XeroRateLimited, XeroUnavailable) as exc:
        refresh.refresh_from_db(fields=["attempts"])
        if refresh.attempts < REFRESH_MAX_ATTEMPTS:
            _retry_later(refresh=refresh, error=exc, xero_calls=api.calls)
        else:
            logger.warning("Lists refresh %s gave up: %s (%s)", refresh.pk, exc.code, exc.detail or exc)
            _mark_failed(refresh_id=refresh.pk, code=exc.code, message=exc.user_message, xero_calls=api.calls)
    except XeroError as exc:
        logger.warning("Lists refresh %s failed: %s (%s)", refresh.pk, exc.code, exc.detail or exc)
        _mark_failed(refresh_id=refresh.pk, code=exc.code, message=exc.user_message, xero_calls=api.calls)
    except Exception:
        logger.exception("Lists refresh %s crashed", refresh.pk)
        _mark_failed(
            refresh_id=refresh.pk, code=INTERNAL_ERROR_CODE, message=INTERNAL_ERROR_MESSAGE, xero_calls=api.calls
        )
        raise
    refresh.refresh_from_db()
    return refresh


def _fetch(*, refresh: ListRefresh, api) -> _Fetched:
    """Fetch every list of ``refresh`` from Xero into unsaved rows. No writes but the heartbeat."""
    business = refresh.business
    groups = set(refresh.lists)
    fetched = _Fetched()
    progress = fetched.progress
    heartbeat = _Heartbeat(refresh_id=refresh.pk, api=api, progress=progress)

    def row(model, fields: dict):
        return model(business=business, seen_in_refresh=refresh.pk, **fields)

    heartbeat.beat(current_list="organisation", force=True)
    fetched.organisation = api.get_organisation() or {}

    if ListGroup.ACCOUNTS in groups:
        heartbeat.beat(current_list=ListGroup.ACCOUNTS, force=True)
        fetched.categories, fetched.payment_methods = {}, {}
        for account in api.get_accounts():
            fetched.categories[account["AccountID"]] = row(Category, xero_mapping.category_fields(account))
            payment_fields = xero_mapping.payment_method_fields(account)
            if payment_fields is not None:
                fetched.payment_methods[account["AccountID"]] = row(PaymentMethod, payment_fields)
        progress[ListGroup.ACCOUNTS] = {"fetched": len(fetched.categories)}

    if ListGroup.TAX_RATES in groups:
        heartbeat.beat(current_list=ListGroup.TAX_RATES, force=True)
        fetched.tax_rates = {}
        for rate in api.get_tax_rates():
            fields = xero_mapping.tax_rate_fields(rate)
            fetched.tax_rates[fields["xero_id"]] = row(TaxRate, fields)
        progress[ListGroup.TAX_RATES] = {"fetched": len(fetched.tax_rates)}

    if ListGroup.TRACKING in groups:
        heartbeat.beat(current_list=ListGroup.TRACKING, force=True)
        fetched.tracking_categories, fetched.tracking_options = {}, {}
        for category in api.get_tracking_categories(include_archived=True):
            category_row = row(TrackingCategory, xero_mapping.tracking_category_fields(category))
            fetched.tracking_categories[category_row.xero_id] = category_row
            for option in category.get("Options") or []:
                option_row = row(
                    TrackingOption,
                    xero_mapping.tracking_option_fields(option, category_archived=category_row.is_archived),
                )
                fetched.tracking_options[option_row.xero_id] = (category_row.xero_id, option_row)
        progress[ListGroup.TRACKING] = {
            "fetched": len(fetched.tracking_categories),
            "options": len(fetched.tracking_options),
        }

    if ListGroup.CURRENCIES in groups:
        heartbeat.beat(current_list=ListGroup.CURRENCIES, force=True)
        fetched.currencies = {}
        for currency in api.get_currencies():
            fields = xero_mapping.currency_fields(currency)
            fetched.currencies[fields["xero_id"]] = row(Currency, fields)
        progress[ListGroup.CURRENCIES] = {"fetched": len(fetched.currencies)}

    if ListGroup.CONTACTS in groups:
        since = _contacts_modified_since(business=business, now=refresh.started_at or timezone.now())
        fetched.contacts_full = since is None
        ListRefresh.objects.filter(pk=refresh.pk).update(is_incremental=not fetched.contacts_full)
        fetched.contacts = {}
        page = 1
        while True:
            heartbeat.beat(current_list=ListGroup.CONTACTS, force=page == 1)
            contacts = api.get_contacts(
                if_modified_since=since,
                page=page,
                page_size=CONTACTS_PAGE_SIZE,
                summary_only=True,
                include_archived=True,
            )
            for contact in contacts:
                # Keyed by id: a contact edited while we page can appear on two pages,
                # and one upsert statement may touch a row only once.
                fetched.contacts[contact["ContactID"]] = row(Contact, xero_mapping.contact_fields(contact))
            progress[ListGroup.CONTACTS] = {"fetched": len(fetched.contacts), "pages": page}
            if len(contacts) < CONTACTS_PAGE_SIZE:
                break
            page += 1
    return fetched


def _retry_later(*, refresh: ListRefresh, error: XeroError, xero_calls: int) -> None:
    """Queue the refresh again after a pause: Xero was busy (429) or down (5xx, timeout).

    Nothing was written, so the rerun starts from scratch. The pause honours Retry-After
    but stays under REFRESH_STALE_AFTER, so the waiting refresh still counts as alive and
    a new request joins it instead of starting another.
    """
    backoff = RETRY_BACKOFF_SECONDS * (2 ** (refresh.attempts - 1))
    delay = min(max(backoff, getattr(error, "retry_after", 0) or 0), RETRY_DELAY_MAX_SECONDS)
    logger.info("Lists refresh %s: %s, retrying in %ss", refresh.pk, error.code, delay)
    requeued = ListRefresh.objects.filter(pk=refresh.pk, status=ListRefresh.Status.RUNNING).update(
        status=ListRefresh.Status.QUEUED,
        heartbeat_at=timezone.now(),
        current_list="",
        error_code=error.code[:50],
        error_message=error.user_message,
        xero_calls=xero_calls,
    )
    if requeued:
        _enqueue(refresh.pk, countdown=delay)


def _contacts_modified_since(*, business: Business, now: datetime) -> datetime | None:
    """If-Modified-Since for contacts, or None when this refresh must fetch them all."""
    state = ListSyncState.objects.filter(business=business).first()
    if state is None or state.contacts_modified_since is None or state.contacts_full_fetch_at is None:
        return None
    if state.contacts_full_fetch_at < now - CONTACTS_FULL_FETCH_EVERY:
        return None
    return state.contacts_modified_since


class _Heartbeat:
    """Writes the refresh's heartbeat and progress, throttled so paging stays cheap."""

    def __init__(self, *, refresh_id: int, api, progress: dict):
        self.refresh_id = refresh_id
        self.api = api
        self.progress = progress
        self.last = 0.0

    def beat(self, *, current_list: str, force: bool = False) -> None:
        if not force and time.monotonic() - self.last < HEARTBEAT_EVERY_SECONDS:
            return
        self.last = time.monotonic()
        ListRefresh.objects.filter(pk=self.refresh_id, status=ListRefresh.Status.RUNNING).update(
            heartbeat_at=timezone.now(),
            current_list=current_list,
            progress=self.progress,
            xero_calls=self.api.calls,
        )


# Fields an upsert overwrites: everything we map from Xero, plus the bookkeeping.
# A row is rewritten only when one of the mapped fields or _COMPARED differs.
_COMPARED = ["status", "xero_updated_at"]
_BOOKKEEPING = [*_COMPARED, "synced_at", "seen_in_refresh"]
_UPDATE_FIELDS = {
    Category: [
        "code", "name", "type", "account_class", "tax_type", "description",
        "is_bank", "is_system", "enable_payments", "currency_code",
    ],
    PaymentMethod: ["code", "name", "kind", "bank_account_number", "currency_code"],
    Contact: [
        "name", "contact_number", "is_supplier", "is_customer", "default_currency", "tax_number", "email",
    ],
    TrackingCategory: ["name"],
    TrackingOption: ["name", "category"],
    TaxRate: [
        "name", "effective_rate", "display_rate", "report_tax_type", "can_apply_to_expenses",
        "can_apply_to_revenue", "can_apply_to_assets", "can_apply_to_liabilities", "can_apply_to_equity",
    ],
    Currency: ["description"],
}


def _write(*, refresh: ListRefresh, fetched: _Fetched, xero_calls: int) -> None:
    """Upsert every fetched list and archive what a full fetch did not see, atomically."""
    business = refresh.business
    now = timezone.now()
    with transaction.atomic():
        # Same lock order as refresh_start (sync state, then refresh rows): no deadlock.
        state = _sync_state_locked(business=business)
        locked = ListRefresh.objects.select_for_update().get(pk=refresh.pk)
        if locked.status != ListRefresh.Status.RUNNING:
            # Superseded while we were fetching (our heartbeat went stale): write nothing.
            return
        progress = fetched.progress

        def sync(model, rows: dict | None, *, group: str, full: bool = True) -> None:
            if rows is None:
                return
            if full:
                changed, missing = _diff(model, business=business, rows=rows)
            else:
                # An If-Modified-Since answer holds only changed records.
                changed, missing = list(rows.values()), []
            _upsert(model, changed)
            archived = _archive(model, business=business, xero_ids=missing, now=now)
            counts = progress.setdefault(group, {})
            counts[f"{model._meta.model_name}_changed"] = len(changed)
            counts[f"{model._meta.model_name}_archived"] = archived

        sync(Category, fetched.categories, group=ListGroup.ACCOUNTS)
        sync(PaymentMethod, fetched.payment_methods, group=ListGroup.ACCOUNTS)
        sync(TaxRate, fetched.tax_rates, group=ListGroup.TAX_RATES)
        sync(Currency, fetched.currencies, group=ListGroup.CURRENCIES)
        if fetched.tracking_categories is not None:
            sync(TrackingCategory, fetched.tracking_categories, group=ListGroup.TRACKING)
            category_pks = dict(
                TrackingCategory.objects.for_business(business).values_list("xero_id", "pk")
            )
            options = {}
            for option_id, (category_xero_id, option) in fetched.tracking_options.items():
                option.category_id = category_pks[category_xero_id]
                options[option_id] = option
            sync(TrackingOption, options, group=ListGroup.TRACKING)
        sync(Contact, fetched.contacts, group=ListGroup.CONTACTS, full=fetched.contacts_full)

        started = locked.started_at or now
        for group in locked.lists:
            setattr(state, f"{group}_refreshed_at", now)
        if fetched.contacts is not None:
            # Anything changed in Xero after we started is fetched next time.
            state.contacts_modified_since = started
            if fetched.contacts_full:
                state.contacts_full_fetch_at = started
        state.organisation_name = str(fetched.organisation.get("Name") or state.organisation_name)[:255]
        state.base_currency = str(fetched.organisation.get("BaseCurrency") or state.base_currency)[:3]
        state.save()

        locked.status = ListRefresh.Status.SUCCEEDED
        locked.finished_at = timezone.now()
        locked.heartbeat_at = locked.finished_at
        locked.current_list = ""
        locked.progress = progress
        locked.xero_calls = xero_calls
        locked.error_code = locked.error_message = ""  # an earlier run's 429 or 500 no longer matters
        locked.save(
            update_fields=[
                "status", "finished_at", "heartbeat_at", "current_list", "progress", "xero_calls",
                "error_code", "error_message",
            ]
        )
        _note_in_connection_history(refresh=locked, progress=progress)
        business_id, refresh_id = business.pk, locked.pk
        # Apps above react once the rows are committed (items sends what uses an archived
        # row back To review); lists never imports them.
        transaction.on_commit(
            lambda: hooks.announce(hooks.LISTS_REFRESHED, business_id=business_id, refresh_id=refresh_id), robust=True
        )


# Refreshes a person asked for are always in the connection's History; the scheduled ones
# only when they changed something, so the History isn't four rows a day of nothing.
REQUESTED_REASONS = ("manual", "list_page", "connect")


def _note_in_connection_history(*, refresh: ListRefresh, progress: dict | None = None, failed: bool = False) -> None:
    from connections.models import EventKind, XeroConnection
    from connections.services import connection_event_record

    connection = XeroConnection.objects.select_related("business").filter(business_id=refresh.business_id).first()
    if connection is None:
        return
    if failed:
        connection_event_record(connection=connection, kind=EventKind.REFRESH_FAILED, actor=refresh.requested_by,
                                message=f"The lists could not be refreshed: {refresh.error_message}")
        return
    totals = {"changed": 0, "archived": 0}
    for group in (progress or {}).values():
        for key, value in (group.items() if isinstance(group, dict) else ()):
            for kind in totals:
                if key.endswith(f"_{kind}"):
                    totals[kind] += value
    changed, archived = totals["changed"], totals["archived"]
    if refresh.reason not in REQUESTED_REASONS and not (changed or archived):
        return
    lists = ", ".join(ListGroup(group).label.lower() for group in refresh.lists if group in ListGroup.values)
    summary = "nothing changed" if not (changed or archived) else f"{changed} new or changed, {archived} archived"
    connection_event_record(
        connection=connection, kind=EventKind.REFRESHED, actor=refresh.requested_by,
        message=f"{lists[:1].upper()}{lists[1:]}: {summary}.",
    )


def _diff(model, *, business: Business, rows: dict) -> tuple[list, list[str]]:
    """Compare a full fetch with what we hold: the new or changed rows, and the ids of
    active rows Xero no longer returns. One SELECT, so an unchanged list costs no writes."""
    attnames = [model._meta.get_field(name).attname for name in _UPDATE_FIELDS[model] + _COMPARED]
    held = {
        values[0]: values[1:]
        for values in model.objects.for_business(business).values_list("xero_id", *attnames).iterator(2000)
    }
    status_index = attnames.index("status")
    changed = [
        row for xero_id, row in rows.items()
        if held.get(xero_id) != tuple(getattr(row, attname) for attname in attnames)
    ]
    missing = [
        xero_id for xero_id, values in held.items()
        if xero_id not in rows and values[status_index] == ListStatus.ACTIVE
    ]
    return changed, missing


def _upsert(model, rows: list) -> None:
    if not rows:
        return
    model.objects.bulk_create(
        rows,
        batch_size=UPSERT_BATCH_SIZE,
        update_conflicts=True,
        unique_fields=["business", "xero_id"],
        update_fields=_UPDATE_FIELDS[model] + _BOOKKEEPING,
    )


def contacts_upsert(*, business: Business, contacts: list[dict]) -> int:
    """Write contacts read from Xero outside a refresh (a webhook said they changed), as a
    refresh would: new ones created, known ones updated (name, archived state, supplier or
    customer …). Returns how many rows changed; when any did, the apps above hear
    ``lists_refreshed`` (items using a contact now archived go back To review)."""
    rows = {
        contact["ContactID"]: Contact(business=business, **xero_mapping.contact_fields(contact))
        for contact in contacts
        if isinstance(contact, dict) and contact.get("ContactID")
    }
    if not rows:
        return 0
    with transaction.atomic():
        # Xero turns IsSupplier/IsCustomer on with a contact's first bill or invoice and never
        # off; dext sets them itself on contacts it creates, before Xero has a document.
        held = Contact.objects.for_business(business).filter(xero_id__in=list(rows))
        for xero_id, is_supplier, is_customer in held.values_list("xero_id", "is_supplier", "is_customer"):
            rows[xero_id].is_supplier = rows[xero_id].is_supplier or is_supplier
            rows[xero_id].is_customer = rows[xero_id].is_customer or is_customer
        changed, _missing = _diff_some(Contact, business=business, rows=rows)
        _upsert(Contact, changed)
        if changed:
            business_id = business.pk
            transaction.on_commit(
                lambda: hooks.announce(hooks.LISTS_REFRESHED, business_id=business_id, refresh_id=None), robust=True
            )
    return len(changed)


def _diff_some(model, *, business: Business, rows: dict) -> tuple[list, list[str]]:
    """Like ``_diff`` for a few rows: only those rows are compared, nothing is missing."""
    attnames = [model._meta.get_field(name).attname for name in _UPDATE_FIELDS[model] + _COMPARED]
    held = {
        values[0]: values[1:]
        for values in model.objects.for_business(business).filter(xero_id__in=list(rows)).values_list(
            "xero_id", *attnames
        )
    }
    changed = [
        row for xero_id, row in rows.items() if held.get(xero_id) != tuple(getattr(row, attname) for attname in attnames)
    ]
    return changed, []


def _archive(model, *, business: Business, xero_ids: list[str], now: datetime) -> int:
    """Archive (never delete) the rows Xero no longer returns; usually none or a few."""
    archived = 0
    for start in range(0, len(xero_ids), ARCHIVE_BATCH_SIZE):
        archived += (
            model.objects.for_business(business)
            .filter(xero_id__in=xero_ids[start : start + ARCHIVE_BATCH_SIZE], status=ListStatus.ACTIVE)
            .update(status=ListStatus.ARCHIVED, synced_at=now)
        )
    return archived


def _mark_failed(*, refresh_id: int, code: str, message: str, xero_calls: int | None = None) -> None:
    now = timezone.now()
    changes = {
        "status": ListRefresh.Status.FAILED,
        "finished_at": now,
        "heartbeat_at": now,
        "error_code": code[:50],
        "error_message": message,
    }
    if xero_calls is not None:
        changes["xero_calls"] = xero_calls
    failed = ListRefresh.objects.filter(
        pk=refresh_id, status__in=[ListRefresh.Status.QUEUED, ListRefresh.Status.RUNNING]
    ).update(**changes)
    if failed:
        refresh = ListRefresh.objects.select_related("requested_by").get(pk=refresh_id)
        _note_in_connection_history(refresh=refresh, failed=True)
