"""Changing one item: edits, automatic values from rules and defaults, state, duplicates."""

from collections.abc import Iterable, Sequence
from datetime import timedelta

from django.db import transaction
from django.db.models import Q

from dext import hooks
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
from items.review import Problem, allowed_destinations, describe_other, item_problems
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
    """The edit contradicts itself (amounts, lines, fit); ``problems`` say where, and
    ``remaining`` what the edit would still leave to review once they are fixed."""

    def __init__(self, problems: Sequence[Problem], remaining: Sequence[Problem] = ()):
        super().__init__(" ".join(problem.message for problem in problems))
        self.problems = list(problems)
        self.remaining = list(remaining)


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
    """Fill every automatic field not set by hand nor read from the document; return
    {label: [old, new]} of what changed."""
    changes = {}
    for field, value in automatic_values(item=item, rule=rule, item_settings=item_settings).items():
        if field in item.manual_fields or field in item.read_fields:
            continue
        old = _current(item, field)
        if old == value:
            continue
        setattr(item, field, value)
        changes[field_label(field)] = [display_value(old), display_value(value)]
    return changes


def _duplicate_keys(item: Item) -> Q | None:
    """The rule for "the same document", as a condition on other items of the business
    with the same supplier or customer (and the same kind, cost or sale):

    - the same invoice number (case and spaces aside) on the same type of document, or
    - the same date and total, unless both have invoice numbers and they differ (two
      invoices with different numbers are two invoices). Credit notes only match credit
      notes; a bill and the receipt for paying it do match: publishing both would count
      the cost twice.

    None when the item has no contact, or neither key is complete."""
    if item.contact_id is None:
        return None
    keys = Q()
    reference = item.reference.strip()
    if reference:
        keys |= Q(document_type=item.document_type, reference__iexact=reference)
    if item.date is not None and item.total is not None:
        same_family = (
            Q(document_type=DocumentType.CREDIT_NOTE)
            if item.document_type == DocumentType.CREDIT_NOTE
            else ~Q(document_type=DocumentType.CREDIT_NOTE)
        )
        same_day_and_total = Q(date=item.date, total=item.total) & same_family
        keys |= same_day_and_total & Q(reference__regex=r"^\s*$") if reference else same_day_and_total
    if not keys:
        return None
    return Q(contact_id=item.contact_id, item_type=item.item_type) & keys


def find_duplicate(item: Item) -> Item | None:
    """An older item of the business that looks like the same document: the same file,
    or the same contact with the same invoice number or the same date and total (see
    ``_duplicate_keys``). Items the user archived, or said are not duplicates, don't count."""
    candidates = (
        Item.objects.filter(business_id=item.business_id, id__lt=item.id)
        .exclude(status=ItemStatus.ARCHIVED)
        .exclude(id__in=item.duplicate_ignored_ids or [])
        .select_related("contact", "document")
        .order_by("id")
    )
    same_file = candidates.filter(document__sha256=item.document.sha256).first()
    if same_file is not None:
        return same_file
    keys = _duplicate_keys(item)
    return candidates.filter(keys).first() if keys is not None else None


def find_duplicate_id(item: Item) -> int | None:
    found = find_duplicate(item)
    return found.pk if found is not None else None


def evaluate(*, item: Item, lines: Sequence[ItemLine]) -> list[Problem]:
    """Recompute duplicate flag, review issues and To review / Ready for an editable item."""
    item.duplicate_of = find_duplicate(item) if item.pk else None
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
            message=f"Looks like {describe_other(item.duplicate_of)}.",
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
    manual = set(changed_fields) & set(EDITABLE_FIELDS)
    if lines is not None:
        manual.add("lines")
    item.manual_fields = sorted(set(item.manual_fields) | manual)
    # Saving the form is a person looking at every field on it: what capture read with
    # low confidence is checked now.
    item.unconfirmed_fields = [field for field in item.unconfirmed_fields if field not in data]
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
        raise ItemInvalid(blocking, remaining=[problem for problem in problems if not problem.blocks_saving])
    changed_names = [field for field in EDITABLE_FIELDS if before[field] != display_value(_current(item, field))]
    changes = {field_label(field): [before[field], display_value(_current(item, field))] for field in changed_names}
    if lines is not None and _lines_summary(old_lines) != _lines_summary(new_lines):
        changes["Line items"] = [_lines_summary(old_lines), _lines_summary(new_lines)]
        changed_names.append("lines")
        item.lines.all().delete()
        ItemLine.objects.bulk_create(new_lines)
    if changes:
        item.version += 1
    item.save()
    if changes:
        history_record(item=item, user=acting_user, action=ItemHistory.Action.EDITED, changes=changes)
        hooks.announce(hooks.ITEM_EDITED, item=item, changed_fields=set(changed_names), acting_user=acting_user)
    _note_duplicate(item=item, previous_duplicate_id=previous_duplicate_id, user=acting_user)
    _recheck_newer_duplicates(item=item, user=acting_user)
    if "contact" in changed_fields and item.contact_id and field_label("contact") in changes:
        hooks.announce(hooks.CONTACT_CHOSEN, item=item, acting_user=acting_user)
    return item


# Fields a document can say something about (capture); the rest are choices of coding.
READABLE_FIELDS = (
    "item_type",
    "document_type",
    "contact",
    "date",
    "due_date",
    "reference",
    "currency_code",
    "total",
    "tax_amount",
    "net",
    "tax_rate",
    "paid",
)


def item_apply_read(
    *,
    item: Item,
    values: dict,
    unconfirmed: Iterable[str] = (),
    lines: list[dict] | None = None,
    source: str,
    note: str = "",
) -> Item:
    """Fill an item being processed with what was read from its document, then let the
    contact's rule and the business defaults complete it, exactly as if a person had
    picked the contact: To review or Ready (and auto-publish), duplicates flagged.

    Fields a person set by hand (``manual_fields``) are never touched, nor lines a person
    edited. A value read again replaces what an earlier read put there. ``unconfirmed``
    names fields read with low confidence (they keep the item To review until checked);
    ``note`` says the document could not be read at all. ``source`` ("the PDF text", …)
    goes in the history. Reading the same document twice changes nothing the second time.
    """
    with transaction.atomic():
        item = _locked(item)
        if item.status != ItemStatus.PROCESSING:
            return item
        previous_duplicate_id = item.duplicate_of_id
        before = {field: display_value(_current(item, field)) for field in EDITABLE_FIELDS}
        manual = set(item.manual_fields)
        applied = {field: value for field, value in values.items() if field in READABLE_FIELDS and field not in manual}
        # Values an earlier read put there that this read no longer has go back to blank
        # (the rule or defaults may then fill them).
        for field in set(item.read_fields) - set(applied) - manual:
            setattr(item, field, _blank(field))
        for field, value in applied.items():
            setattr(item, field, value)
        item.read_fields = sorted(applied)
        item.unconfirmed_fields = sorted(set(unconfirmed) & set(applied))
        item.capture_note = note
        if item.currency_code == item.business.base_currency:
            item.exchange_rate = None
        apply_automatic_values(item=item, rule=contact_rule_for(item), item_settings=item_settings_for(item.business_id))
        old_lines = list(item.lines.all())
        new_lines = old_lines
        if lines is not None and "lines" not in manual:
            new_lines = [
                ItemLine(business_id=item.business_id, item=item, position=position,
                         **{f: line.get(f) for f in LINE_FIELDS if f in line})
                for position, line in enumerate(lines)
            ]
        item.status = ItemStatus.TO_REVIEW
        evaluate(item=item, lines=new_lines)
        changes = {
            field_label(field): [before[field], display_value(_current(item, field))]
            for field in EDITABLE_FIELDS
            if before[field] != display_value(_current(item, field))
        }
        if new_lines is not old_lines and _lines_summary(old_lines) != _lines_summary(new_lines):
            changes["Line items"] = [_lines_summary(old_lines), _lines_summary(new_lines)]
            item.lines.all().delete()
            ItemLine.objects.bulk_create(new_lines)
        if changes:
            item.version += 1
        item.save()
        history_record(
            item=item, user=None, action=ItemHistory.Action.READ, changes=changes,
            message=note or f"Read from {source}.",
        )
        _note_duplicate(item=item, previous_duplicate_id=previous_duplicate_id, user=None)
        _recheck_newer_duplicates(item=item, user=None)
        return item


def _blank(field: str):
    model_field = Item._meta.get_field(field)
    if model_field.has_default():
        return model_field.get_default()
    return None if model_field.null else ""


def item_read_again(*, item: Item, acting_user) -> Item:
    """Put an item back to Processing so its document is read again (Read again)."""
    with transaction.atomic():
        item = _locked(item)
        if item.status == ItemStatus.PROCESSING:
            return item
        if not item.is_editable:
            raise ItemError(f"This item is {item.get_status_display().lower()}: its document can't be read again now.")
        item.status = ItemStatus.PROCESSING
        item.save(update_fields=["status", "updated"])
        history_record(item=item, user=acting_user, action=ItemHistory.Action.STATUS, message="Reading the document again")
        item_id = item.pk
        transaction.on_commit(lambda: hooks.announce(hooks.DOCUMENTS_RECEIVED, item_ids=[item_id]), robust=True)
        return item


def _recheck_newer_duplicates(*, item: Item, user) -> None:
    """An edit can make an older item match newer ones: flag those too (they are the
    possible duplicates, as on upload)."""
    keys = _duplicate_keys(item)
    if keys is None:
        return
    newer = Item.objects.filter(
        keys, business_id=item.business_id, id__gt=item.id, duplicate_of__isnull=True, status__in=EDITABLE_STATUSES,
    ).select_related("business", "document", "contact")
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
    other = Item.objects.select_related("contact", "document").filter(pk=other_id).first()
    history_record(
        item=item, user=acting_user, action=ItemHistory.Action.DUPLICATE_KEPT,
        message=f"Not a duplicate of {describe_other(other)}." if other else "Not a duplicate.",
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
        names = [name for item in items for name in item.document.stored_names]
        document_ids = [item.document_id for item in items]
        Item.objects.filter(id__in=[item.id for item in items]).delete()
        Document.objects.filter(business=business, id__in=document_ids).delete()
        transaction.on_commit(lambda: documents.remove(*names))
    return len(items)
