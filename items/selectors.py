"""Reads for items: lists with filters, neighbours, choices from the business's lists."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet

from dext.tenancy.access import access_object
from dext.tenancy.models import Membership, Role
from items.models import ARCHIVE_STATUSES, INBOX_STATUSES, ContactRule, Document, Item, ItemSettings
from lists.models import Contact, ListStatus

# Sort keys offered to users, mapped to a stable ordering (id breaks ties).
SORTS = {
    "newest": ("-id",),
    "oldest": ("id",),
    "date": ("date", "id"),
    "-date": ("-date", "-id"),
    "total": ("total", "id"),
    "-total": ("-total", "-id"),
    "contact": ("contact__name", "id"),
}


@dataclass(frozen=True)
class ItemFilters:
    q: str = ""
    status: str = ""
    contact_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    document_type: str = ""
    item_type: str = ""
    sort: str = "newest"


def items_list(*, business, archive: bool = False, filters: ItemFilters | None = None) -> QuerySet:
    """The Inbox (or Archive) page's rows: one query however many items, no per-row lookups."""
    filters = filters or ItemFilters()
    queryset = Item.objects.for_business(business).filter(status__in=ARCHIVE_STATUSES if archive else INBOX_STATUSES)
    if filters.q:
        queryset = queryset.filter(
            Q(reference__icontains=filters.q)
            | Q(contact__name__icontains=filters.q)
            | Q(description__icontains=filters.q)
            | Q(document__original_name__icontains=filters.q)
        )
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.contact_id:
        queryset = queryset.filter(contact_id=filters.contact_id)
    if filters.date_from:
        queryset = queryset.filter(date__gte=filters.date_from)
    if filters.date_to:
        queryset = queryset.filter(date__lte=filters.date_to)
    if filters.document_type:
        queryset = queryset.filter(document_type=filters.document_type)
    if filters.item_type:
        queryset = queryset.filter(item_type=filters.item_type)
    return queryset.select_related("contact", "category", "tax_rate", "document").order_by(
        *SORTS.get(filters.sort, SORTS["newest"])
    )


def item_get(*, business, pk) -> Item:
    queryset = Item.objects.select_related(
        "business",
        "document",
        "contact",
        "category",
        "tax_rate",
        "payment_method",
        "tracking_option_1__category",
        "tracking_option_2__category",
        "submitted_by",
    )
    return access_object(queryset, business=business, pk=pk)


def item_lines(*, item: Item) -> list:
    return list(
        item.lines.select_related(
            "category", "tax_rate", "tracking_option_1__category", "tracking_option_2__category"
        )
    )


def item_history(*, item: Item) -> QuerySet:
    return item.history.select_related("user")


def item_neighbours(*, item: Item) -> tuple[int | None, int | None]:
    """Previous (newer) and next (older) items in the Inbox's default order."""
    inbox = Item.objects.for_business(item.business_id).filter(status__in=INBOX_STATUSES)
    previous_id = inbox.filter(id__gt=item.id).order_by("id").values_list("id", flat=True).first()
    next_id = inbox.filter(id__lt=item.id).order_by("-id").values_list("id", flat=True).first()
    return previous_id, next_id


def document_get(*, business, pk) -> Document:
    return access_object(Document, business=business, pk=pk)


def active_or_current(model_or_queryset, *, business, current_ids=()) -> QuerySet:
    """The business's active rows, plus archived ones already chosen (shown flagged)."""
    queryset = model_or_queryset.objects.all() if isinstance(model_or_queryset, type) else model_or_queryset
    ids = [pk for pk in current_ids if pk]
    return queryset.filter(business=business).filter(Q(status=ListStatus.ACTIVE) | Q(pk__in=ids))


def contacts_for_filter(*, business) -> QuerySet:
    return Contact.objects.for_business(business).filter(status=ListStatus.ACTIVE).only("id", "name")


def contact_get(*, business, pk) -> Contact:
    return access_object(Contact, business=business, pk=pk)


def _with_author_may_publish(queryset: QuerySet) -> QuerySet:
    """Annotate ``author_may_publish``: whether the person who turned auto-publish on
    may still publish in the rule's business (the same test as ``user_may_publish``)."""
    publisher = Membership.objects.filter(
        business_id=OuterRef("business_id"), user_id=OuterRef("auto_publish_by_id"), user__is_active=True
    ).filter(Q(role=Role.ADMINISTRATOR) | Q(can_publish=True))
    return queryset.select_related("auto_publish_by").annotate(author_may_publish=Exists(publisher))


def contact_rule_get(*, business, contact) -> ContactRule | None:
    return _with_author_may_publish(ContactRule.objects.filter(business=business, contact=contact)).first()


def contact_rules_list(*, business) -> QuerySet:
    return _with_author_may_publish(
        ContactRule.objects.for_business(business).select_related("contact", "category", "tax_rate")
    )


def item_settings_get(*, business) -> ItemSettings:
    return ItemSettings.objects.filter(business=business).first() or ItemSettings(business=business)
