"""Changing one item: edits, automatic values from rules and defaults, state, duplicates."""

from collections.abc import Iterable, Sequence
from datetime import timedelta

from django.db import transaction

from items import documents
from items.models import (
    EDITABLE_STATUSES,
    ContactRule,
    Document,
    DocumentType,
    Item,
    ItemHistory,
    ItemLine,
    ItemSettings,
    ItemStatus,
    ItemType,
    PublishDestination,
)
from items.review import Problem, allowed_destinations, item_problems
from items.services.history import display_value, field_label, history_record

# Fields a contact rule or the business defaults may fill. A field the user set by hand
# (listed in Item.manual_fields) is never overwritten by either.
AUTOMATIC_FIELDS = (
    "category",
    "tax_rate",
    "payment_method",
    "paid",
    "publish_destination",
    "tracking_option_1",
    "tracking_option_2",
    "description",
    "currency_code",
    "due_date",
)
EDITABLE_FIELDS = (
    "item_type",
    "document_type",
    "contact",
    "date",
    "due_date",
    "reference",
    "currency_code",
    "exchange_rate",
    "total",
    "tax_amount",
    "net",
    "category",
    "tax_rate",
    "payment_method",
    "paid",
    "publish_destination",
    "tracking_option_1",
    "tracking_option_2",
    "description",
    "notes",
)
LINE_FIELDS = ("description", "category", "tax_rate", "tracking_option_1", "tracking_option_2", "net", "tax_amount", "total")


class ItemError(Exception):
    """An action on an item that can't be done; ``user_message`` says why."""

    def __init__(self, user_message: str):
        super().__init__(user_message)
        self.user_message = user_message


class ItemInvalid(ItemError):
    """The edit contradicts itself (amounts, lines, fit); ``problems`` say where."""

    def __init__(self, problems: Sequence[Problem]):
        super().__init__(" ".join(problem.message for problem in problems))
        self.problems = list(problems)


def default_destination(*, item_type: str, document_type: str) -> str:
    if item_type == ItemType.SALE:
        if document_type == DocumentType.RECEIPT:
            return PublishDestination.RECEIVE_MONEY
        return PublishDestination.SALES_INVOICE
    if document_type == DocumentType.RECEIPT:
        return PublishDestination.SPEND_MONEY
    return PublishDestination.PURCHASES_DRAFT


def item_settings_for(business_id: int) -> ItemSettings | None:
    return (
        ItemSettings.objects.select_related("default_category", "default_tax_rate")
        .filter(business_id=business_id)
        .first()
    )


def contact_rule_for(item: Item) -> ContactRule | None:
    if item.contact_id is None:
        return None
    return (
        ContactRule.objects.select_related(
            "category", "tax_rate", "payment_method", "tracking_option_1__category", "tracking_option_2__category"
        )
        .filter(business_id=item.business_id, contact_id=item.contact_id)
        .first()
    )


def automatic_values(*, item: Item, rule: ContactRule | None, item_settings: ItemSettings | None) -> dict:
    """The value each automatic field gets from the rule, else from the business defaults."""
    values: dict = {
        "publish_destination": default_destination(item_type=item.item_type, document_type=item.document_type),
        "currency_code": (item.contact.default_currency if item.contact_id else "") or item.business.base_currency,
    }
    if item_settings is not None:
        if item_settings.default_category_id:
            values["category"] = item_settings.default_category
        if item_settings.default_tax_rate_id:
            values["tax_rate"] = item_settings.default_tax_rate
    if rule is None:
        return values
    for field in ("category", "tax_rate", "payment_method", "tracking_option_1", "tracking_option_2"):
        if getattr(rule, f"{field}_id"):
            values[field] = getattr(rule, field)
    if rule.paid is not None:
        values["paid"] = rule.paid
    if rule.publish_destination in allowed_destinations(item_type=item.item_type, document_type=item.document_type):
        values["publish_destination"] = rule.publish_destination
    if rule.description:
        values["description"] = rule.description
    if rule.currency_code:
        values["currency_code"] = rule.currency_code
    if rule.due_date_offset_days is not None and item.date is not None:
        values["due_date"] = item.date + timedelta(days=rule.due_date_offset_days)
    return values


def _current(item: Item, field: str):
    if field in ("category", "tax_rate", "payment_method", "tracking_option_1", "tracking_option_2", "contact"):
        return getattr(item, field) if getattr(item, f"{field}_id") else None
    return getattr(item, field)


def apply_automatic_values(*, item: Item, rule: ContactRule | None, item_settings: ItemSettings | None) -> dict:
    """Fill every automatic field not set by hand; return {label: [old, new]} of what changed."""
    changes = {}
    for field, value in automatic_values(item=item, rule=rule, item_settings=item_settings).items():
        if field in item.manual_fields:
            continue
        old = _current(item, field)
        if old == value:
            continue
        setattr(item, field, value)
        changes[field_label(field)] = [display_value(old), display_value(value)]
    return changes


def find_duplicate_id(item: Item) -> int | None:
    """An older item of the business that looks like the same document (Dext's keys).

    Invoices and credit notes: contact + reference + total; receipts: contact + date +
    total. Nothing matches when a key field is missing. The same file uploaded twice is
    always a duplicate. Items the user archived, or said are not duplicates, don't count.
    """
    candidates = (
        Item.objects.filter(business_id=item.business_id, id__lt=item.id)
        .exclude(status=ItemStatus.ARCHIVED)
        .exclude(id__in=item.duplicate_ignored_ids or [])
        .order_by("id")
    )
    same_file = candidates.filter(document__sha256=item.document.sha256).values_list("id", flat=True).first()
    if same_file is not None:
        return same_file
    if item.contact_id is None or item.total is None:
        return None
    if item.document_type == DocumentType.RECEIPT:
        if item.date is None:
            return None
        matches = candidates.filter(document_type=DocumentType.RECEIPT, date=item.date)
    else:
        if not item.reference.strip():
            return None
        matches = candidates.filter(document_type=item.document_type, reference__iexact=item.reference.strip())
    return matches.filter(contact_id=item.contact_id, total=item.total).values_list("id", flat=True).first()


def evaluate(*, item: Item, lines: Sequence[ItemLine]) -> list[Problem]:
    """Recompute duplicate flag, review issues and To review / Ready for an editable item."""
    item.duplicate_of_id = find_duplicate_id(item) if item.pk else None
    problems = item_problems(item=item, lines=lines, base_currency=item.business.base_currency)
    item.review_issues = [problem.message for problem in problems]
    if item.status in EDITABLE_STATUSES:
        if problems:
            item.status = ItemStatus.TO_REVIEW
        elif item.status == ItemStatus.TO_REVIEW:
            item.status = ItemStatus.READY
            _auto_publish_when_committed(item)
    return problems


def _auto_publish_when_committed(item: Item) -> None:
    """A supplier/customer rule with auto-publish Always publishes the item once it is Ready."""
    from items.models import AutoPublish, ContactRule

    if item.contact_id and ContactRule.objects.filter(
        business_id=item.business_id, contact_id=item.contact_id, auto_publish=AutoPublish.ALWAYS
    ).exists():
        from publishing.tasks import auto_publish

        transaction.on_commit(lambda: auto_publish.delay(item.pk))


def _note_duplicate(*, item: Item, previous_duplicate_id: int | None, user) -> None:
    if item.duplicate_of_id and item.duplicate_of_id != previous_duplicate_id:
        history_record(
            item=item,
            user=user,
            action=ItemHistory.Action.DUPLICATE_FLAGGED,
            message=f"Looks like item #{item.duplicate_of_id}.",
        )


def _locked(item: Item) -> Item:
    locked = Item.objects.select_for_update().select_related("business", "document").get(pk=item.pk)
    if locked.business_id != item.business_id:
        raise ItemError("This item belongs to another business.")
    return locked


def _lines_summary(lines: Iterable) -> str:
    return "; ".join(f"{line.description or '—'} {line.total}" for line in lines) or "none"


@transaction.atomic
def item_update(*, item: Item, data: dict, lines: list[dict] | None, changed_fields: Iterable[str], acting_user) -> Item:
    """Save a person's edit of an item.

    ``data`` holds the editable fields; ``changed_fields`` those the person changed, which
    become manual (rules never overwrite them again). ``lines`` replaces the line items
    when given. Contradictions raise :class:`ItemInvalid` and nothing is saved.
    """
    item = _locked(item)
    if not item.is_editable:
        raise ItemError(f"This item is {item.get_status_display().lower()} and can't be changed.")
    before = {field: display_value(_current(item, field)) for field in EDITABLE_FIELDS}
    old_lines = list(item.lines.all())
    previous_duplicate_id = item.duplicate_of_id
    for field, value in data.items():
        if field in EDITABLE_FIELDS:
            setattr(item, field, value)
    if item.currency_code == item.business.base_currency:
        item.exchange_rate = None
    item.manual_fields = sorted(set(item.manual_fields) | (set(changed_fields) & set(EDITABLE_FIELDS)))
    apply_automatic_values(item=item, rule=contact_rule_for(item), item_settings=item_settings_for(item.business_id))
    if lines is None:
        new_lines = old_lines
    else:
        new_lines = [
            ItemLine(business_id=item.business_id, item=item, position=position, **{f: line[f] for f in LINE_FIELDS})
            for position, line in enumerate(lines)
        ]
    problems = evaluate(item=item, lines=new_lines)
    blocking = [problem for problem in problems if problem.blocks_saving]
    if blocking:
        raise ItemInvalid(blocking)
    changes = {
        field_label(field): [before[field], display_value(_current(item, field))]
        for field in EDITABLE_FIELDS
        if before[field] != display_value(_current(item, field))
    }
    if lines is not None and _lines_summary(old_lines) != _lines_summary(new_lines):
        changes["Line items"] = [_lines_summary(old_lines), _lines_summary(new_lines)]
        item.lines.all().delete()
        ItemLine.objects.bulk_create(new_lines)
    if changes:
        item.version += 1
    item.save()
    if changes:
        history_record(item=item, user=acting_user, action=ItemHistory.Action.EDITED, changes=changes)
    _note_duplicate(item=item, previous_duplicate_id=previous_duplicate_id, user=acting_user)
    _recheck_newer_duplicates(item=item, user=acting_user)
    return item


def _recheck_newer_duplicates(*, item: Item, user) -> None:
    """An edit can make an older item match newer ones: flag those too (they are the
    possible duplicates, as on upload)."""
    if item.contact_id is None or item.total is None:
        return
    newer = Item.objects.filter(
        business_id=item.business_id, id__gt=item.id, contact_id=item.contact_id, total=item.total,
        duplicate_of__isnull=True, status__in=EDITABLE_STATUSES,
    ).select_related("business", "document")
    if item.document_type == DocumentType.RECEIPT:
        newer = newer.filter(document_type=DocumentType.RECEIPT, date=item.date) if item.date else newer.none()
    else:
        reference = item.reference.strip()
        newer = newer.filter(document_type=item.document_type, reference__iexact=reference) if reference else newer.none()
    for other in newer.order_by("id")[:20]:
        evaluate(item=other, lines=list(other.lines.all()))
        if other.duplicate_of_id:
            other.save(update_fields=["duplicate_of", "review_issues", "status", "updated"])
            _note_duplicate(item=other, previous_duplicate_id=None, user=user)


def item_apply_rule(*, item: Item, acting_user, rule: ContactRule | None = None) -> bool:
    """Re-apply the contact's rule and the defaults to an item's non-manual fields."""
    with transaction.atomic():
        item = _locked(item)
        if not item.is_editable:
            return False
        previous_duplicate_id = item.duplicate_of_id
        rule = rule if rule is not None else contact_rule_for(item)
        changes = apply_automatic_values(item=item, rule=rule, item_settings=item_settings_for(item.business_id))
        evaluate(item=item, lines=list(item.lines.all()))
        if changes:
            item.version += 1
        item.save()
        if changes:
            history_record(
                item=item,
                user=acting_user,
                action=ItemHistory.Action.RULE_APPLIED,
                changes=changes,
                message=f"Rule for {item.contact}" if rule else "Business defaults",
            )
        _note_duplicate(item=item, previous_duplicate_id=previous_duplicate_id, user=acting_user)
        return bool(changes)


def _recheck_duplicates_of(item: Item) -> None:
    for other in Item.objects.filter(business_id=item.business_id, duplicate_of_id=item.id).select_related(
        "business", "document"
    ):
        evaluate(item=other, lines=list(other.lines.all()))
        other.save(update_fields=["duplicate_of", "review_issues", "status", "updated"])


@transaction.atomic
def item_archive(*, item: Item, acting_user) -> Item:
    item = _locked(item)
    if not item.is_editable:
        raise ItemError(f"This item is {item.get_status_display().lower()} and can't be archived.")
    item.status = ItemStatus.ARCHIVED
    item.save(update_fields=["status", "updated"])
    history_record(item=item, user=acting_user, action=ItemHistory.Action.ARCHIVED)
    _recheck_duplicates_of(item)
    return item


@transaction.atomic
def item_unarchive(*, item: Item, acting_user) -> Item:
    item = _locked(item)
    if item.status != ItemStatus.ARCHIVED:
        raise ItemError("Only archived items can be moved back to the Inbox.")
    item.status = ItemStatus.TO_REVIEW
    evaluate(item=item, lines=list(item.lines.all()))
    item.save()
    history_record(item=item, user=acting_user, action=ItemHistory.Action.UNARCHIVED)
    return item


@transaction.atomic
def item_keep_both(*, item: Item, acting_user) -> Item:
    """The user says the item is not a duplicate of the one it was flagged against."""
    item = _locked(item)
    if item.duplicate_of_id is None:
        return item
    other_id = item.duplicate_of_id
    item.duplicate_ignored_ids = sorted({*item.duplicate_ignored_ids, other_id})
    evaluate(item=item, lines=list(item.lines.all()))
    item.save()
    history_record(
        item=item, user=acting_user, action=ItemHistory.Action.DUPLICATE_KEPT, message=f"Not a duplicate of item #{other_id}."
    )
    return item


def items_delete(*, business, item_ids: Iterable[int]) -> int:
    """Delete editable items and their documents; files go once the rows are gone."""
    with transaction.atomic():
        items = list(
            Item.objects.select_for_update()
            .filter(business=business, id__in=list(item_ids), status__in=EDITABLE_STATUSES + (ItemStatus.ARCHIVED,))
            .select_related("document")
        )
        names = [name for item in items for name in (item.document.storage_name, item.document.thumbnail_name)]
        document_ids = [item.document_id for item in items]
        Item.objects.filter(id__in=[item.id for item in items]).delete()
        Document.objects.filter(business=business, id__in=document_ids).delete()
        transaction.on_commit(lambda: documents.remove(*names))
    return len(items)
