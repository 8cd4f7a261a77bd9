"""Bulk actions on items picked in the Inbox or Archive.

Each action is one function taking the business, the chosen items (a queryset already
scoped to the business) and the acting user, and returning a :class:`BulkResult`.
:data:`BULK_ACTIONS` maps the form's action name to it, so a new action (the
publishing issue's "publish") is one function and one entry.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet

from dext import hooks
from items.models import EDITABLE_STATUSES, ItemHistory, ItemStatus
from items.services.history import display_value, field_label, history_row
from items.services.items import ItemError, evaluate, item_archive, item_unarchive, items_delete


@dataclass(frozen=True)
class BulkResult:
    message: str
    level: str = "success"
    # Items now on their way to Xero (bulk publish): the Inbox follows their progress.
    item_ids: tuple[int, ...] = ()


def _count(n: int, noun: str = "item") -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _set_field(*, business, items: QuerySet, acting_user, field, value) -> BulkResult:
    """Set one field by hand on every editable chosen item, in a fixed number of queries.

    ``field`` is a field name, or a function of the item giving the name (tracking
    options go in the slot of their category)."""
    field_for = field if callable(field) else (lambda item: field)
    label = field_label(field) if isinstance(field, str) else "Tracking"
    with transaction.atomic():
        chosen = list(
            items.select_for_update(of=("self",))
            .filter(status__in=EDITABLE_STATUSES)
            .select_related(
                "business",
                "document",
                "contact",
                "category",
                "tax_rate",
                "payment_method",
                "tracking_option_1__category",
                "tracking_option_2__category",
            )
            .prefetch_related("lines__category", "lines__tax_rate")
        )
        history, edited = [], []
        for item in chosen:
            name = field_for(item)
            edited.append((item, name))
            old = getattr(item, name)
            setattr(item, name, value)
            item.manual_fields = sorted({*item.manual_fields, name})
            item.unconfirmed_fields = [field for field in item.unconfirmed_fields if field != name]
            item.version += 1
            evaluate(item=item, lines=list(item.lines.all()))
            item.save()
            history.append(
                history_row(
                    item=item,
                    user=acting_user,
                    action=ItemHistory.Action.EDITED,
                    changes={field_label(name): [display_value(old), display_value(value)]},
                    message="Bulk edit",
                )
            )
        ItemHistory.objects.bulk_create(history)
        for item, name in edited:
            hooks.announce(hooks.ITEM_EDITED, item=item, changed_fields={name}, acting_user=acting_user)
    skipped = items.count() - len(chosen)
    message = f"{label} set to “{display_value(value)}” on {_count(len(chosen))}."
    if skipped:
        message += f" {_count(skipped)} being published or already published were left unchanged."
    return BulkResult(message)


def bulk_set_category(*, business, items, acting_user, value) -> BulkResult:
    return _set_field(business=business, items=items, acting_user=acting_user, field="category", value=value)


def bulk_set_tax_rate(*, business, items, acting_user, value) -> BulkResult:
    return _set_field(business=business, items=items, acting_user=acting_user, field="tax_rate", value=value)


def bulk_set_payment_method(*, business, items, acting_user, value) -> BulkResult:
    return _set_field(business=business, items=items, acting_user=acting_user, field="payment_method", value=value)


def _tracking_slot(option):
    """The item's slot for ``option``: the one already holding its category, else a free
    one (Xero allows two tracking categories), else the first."""

    def slot(item) -> str:
        for name in ("tracking_option_1", "tracking_option_2"):
            current = getattr(item, name)
            if current is not None and option is not None and current.category_id == option.category_id:
                return name
        if item.tracking_option_1 is None:
            return "tracking_option_1"
        return "tracking_option_2" if item.tracking_option_2 is None else "tracking_option_1"

    return slot


def bulk_set_tracking(*, business, items, acting_user, value) -> BulkResult:
    return _set_field(business=business, items=items, acting_user=acting_user, field=_tracking_slot(value), value=value)


def bulk_archive(*, business, items, acting_user, value=None) -> BulkResult:
    done = 0
    for item in items.filter(status__in=EDITABLE_STATUSES):
        try:
            item_archive(item=item, acting_user=acting_user)
            done += 1
        except ItemError:
            continue
    return BulkResult(f"{_count(done)} archived.")


def bulk_unarchive(*, business, items, acting_user, value=None) -> BulkResult:
    done = 0
    for item in items.filter(status=ItemStatus.ARCHIVED):
        item_unarchive(item=item, acting_user=acting_user)
        done += 1
    return BulkResult(f"{_count(done)} moved back to the Inbox.")


def bulk_delete(*, business, items, acting_user, value=None) -> BulkResult:
    deleted = items_delete(business=business, item_ids=items.values_list("id", flat=True))
    return BulkResult(f"{_count(deleted)} deleted.")


def bulk_publish(*, business, items, acting_user, value=None) -> BulkResult:
    from publishing.services import PublishError, publish_request

    chosen = list(items)
    try:
        result = publish_request(business=business, items=chosen, acting_user=acting_user)
    except PublishError as exc:
        return BulkResult(exc.user_message, level="error")
    message = f"Publishing {_count(len(result.queued))} to Xero."
    if result.skipped:
        message += f" {_count(len(result.skipped))} not ready (to review, or already publishing or published) left as they are."
    queued = tuple(item.pk for item in chosen if item.pk not in result.skipped)
    return BulkResult(message, level="success" if result.queued else "warning", item_ids=queued)


BulkAction = Callable[..., BulkResult]
BULK_ACTIONS: dict[str, BulkAction] = {
    "set_category": bulk_set_category,
    "set_tax_rate": bulk_set_tax_rate,
    "set_payment_method": bulk_set_payment_method,
    "set_tracking": bulk_set_tracking,
    "archive": bulk_archive,
    "unarchive": bulk_unarchive,
    "delete": bulk_delete,
    "publish": bulk_publish,
}
# Actions that ask "are you sure?" before running.
CONFIRM_ACTIONS = frozenset({"delete"})


def items_bulk_action(*, business, action: str, items: QuerySet, acting_user, value=None) -> BulkResult:
    handler = BULK_ACTIONS.get(action)
    if handler is None:
        return BulkResult("Choose an action.", level="error")
    return handler(business=business, items=items.filter(business=business), acting_user=acting_user, value=value)
