"""Reads for items: lists with filters, neighbours, choices from the business's lists."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value, When

from dext.tenancy.access import access_object
from dext.tenancy.models import Membership, Role
from items.models import (
    ARCHIVE_STATUSES,
    INBOX_STATUSES,
    ContactRule,
    Document,
    Item,
    ItemSettings,
    ItemStatus,
)
from lists.models import Contact, ListStatus

# Sort keys offered to users: (field, descending), then the id in the same direction to
# break ties. Blanks (no date, no total, no contact) come last either way, on every
# database, so Previous/Next can walk the same order (``item_neighbours``).
SORTS: dict[str, tuple[str | None, bool]] = {
    "newest": (None, True),
    "oldest": (None, False),
    "date": ("date", False),
    "-date": ("date", True),
    "total": ("total", False),
    "-total": ("total", True),
    "contact": ("contact__name", False),
}

# The Inbox's tabs: a count for each, and the state it shows ("" is everything).
INBOX_TABS = (
    ("", "All"),
    (ItemStatus.TO_REVIEW, "To review"),
    (ItemStatus.READY, "Ready"),
    (ItemStatus.PROCESSING, "Processing"),
    (ItemStatus.FAILED, "Failed"),
)


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
    xero_status: str = ""


# The Archive's "In Xero" filter: what happened to a published item's document in Xero
# (read back by publishing). "Awaiting payment" is an approved invoice or bill; approved
# credit notes and spend/receive money that stands are "Approved or recorded".
XERO_STATUS_FILTERS = {
    "draft": ("Draft", Q(publication__xero_status="DRAFT")),
    "awaiting_approval": ("Awaiting approval", Q(publication__xero_status="SUBMITTED")),
    "awaiting_payment": ("Awaiting payment", Q(publication__xero_status="AUTHORISED", publication__endpoint="Invoices")),
    "approved": ("Approved or recorded (credit notes, spend and receive money)",
                 Q(publication__xero_status="AUTHORISED") & ~Q(publication__endpoint="Invoices")),
    "paid": ("Paid", Q(publication__xero_status="PAID")),
    "voided": ("Voided", Q(publication__xero_status="VOIDED")),
    "deleted": ("Deleted", Q(publication__xero_status="DELETED")),
}


# What the Inbox row and Item details show of "Already in Xero?" (publishing's XeroMatch):
# its state and the documents found, read with the item.
XERO_MATCH_FIELDS = {
    "xero_match_state": F("publication__xero_match__state"),
    "xero_match_found": F("publication__xero_match__candidates"),
}


def _ordering(sort: str) -> list:
    field, descending = SORTS.get(sort, SORTS["newest"])
    id_order = F("id").desc() if descending else F("id").asc()
    if field is None:
        return [id_order]
    key = F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True)
    return [key, id_order]


def _filtered(*, business, archive: bool, filters: ItemFilters, with_status: bool = True) -> QuerySet:
    queryset = Item.objects.for_business(business).filter(status__in=ARCHIVE_STATUSES if archive else INBOX_STATUSES)
    if filters.q:
        # The contact's and the file's names through subqueries of their own tables: no
        # join of every item to its contact and document just to search them.
        contacts = Contact.objects.filter(business=business, name__icontains=filters.q).values("pk")
        files = Document.objects.filter(business=business, original_name__icontains=filters.q).values("pk")
        queryset = queryset.filter(
            Q(reference__icontains=filters.q)
            | Q(description__icontains=filters.q)
            | Q(contact_id__in=contacts)
            | Q(document_id__in=files)
        )
    if filters.status and with_status:
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
    if filters.xero_status in XERO_STATUS_FILTERS:
        queryset = queryset.filter(XERO_STATUS_FILTERS[filters.xero_status][1])
    return queryset


def items_list(*, business, archive: bool = False, filters: ItemFilters | None = None) -> QuerySet:
    """The Inbox (or Archive) page's rows: one query however many items, no per-row lookups."""
    filters = filters or ItemFilters()
    return (
        _filtered(business=business, archive=archive, filters=filters)
        .select_related("contact", "category", "tax_rate", "document", "publication")
        .annotate(**XERO_MATCH_FIELDS)
        .order_by(*_ordering(filters.sort))
    )


def items_state_counts(*, business, filters: ItemFilters | None = None) -> dict[str, int]:
    """How many Inbox items are in each state under the other filters, in one query:
    {"": all, "to_review": …, "ready": …, "processing": …, "failed": …, plus the others}."""
    filters = filters or ItemFilters()
    queryset = _filtered(business=business, archive=False, filters=filters, with_status=False)
    counts = queryset.aggregate(
        all=Count("pk"), **{status.value: Count("pk", filter=Q(status=status)) for status in INBOX_STATUSES}
    )
    counts[""] = counts.pop("all")
    return counts


def item_neighbours(*, item: Item, filters: ItemFilters | None = None) -> tuple[int | None, int | None]:
    """The items before and after ``item`` in the Inbox under ``filters`` and their sort
    (the Inbox's default: newest first). Two small queries whatever the Inbox's size: a
    keyset seek from the item's own sort value, not a list of every id."""
    filters = filters or ItemFilters()
    field, descending = SORTS.get(filters.sort, SORTS["newest"])
    queryset = _filtered(business=item.business_id, archive=False, filters=filters)
    if field is None:
        after = Q(id__lt=item.id) if descending else Q(id__gt=item.id)
        before = Q(id__gt=item.id) if descending else Q(id__lt=item.id)
    else:
        value = item
        for part in field.split("__"):
            value = getattr(value, part, None) if value is not None else None
        after, before = _seek(field, value, item.id, descending=descending)
    ordering = _ordering(filters.sort)
    next_id = queryset.filter(after).order_by(*ordering).values_list("id", flat=True).first()
    previous_id = queryset.filter(before).order_by(*[o.copy().reverse_ordering() for o in ordering]).values_list(
        "id", flat=True
    ).first()
    return previous_id, next_id


def _seek(field: str, value, item_id: int, *, descending: bool) -> tuple[Q, Q]:
    """Conditions for the rows after and before (``value``, ``item_id``) in the order
    ``field`` then id, both ascending or both descending, blanks last."""
    further, nearer = ("lt", "gt") if descending else ("gt", "lt")
    blank = Q(**{f"{field}__isnull": True})
    if value is None:
        # Among the blanks at the end: only ids move on; everything with a value is before.
        return (
            blank & Q(**{f"id__{further}": item_id}),
            ~blank | (blank & Q(**{f"id__{nearer}": item_id})),
        )
    same = Q(**{field: value})
    return (
        Q(**{f"{field}__{further}": value}) | (same & Q(**{f"id__{further}": item_id})) | blank,
        Q(**{f"{field}__{nearer}": value}) | (same & Q(**{f"id__{nearer}": item_id})),
    )


def possible_duplicates(*, business, items, publishable_only: bool = False) -> dict[int, list[Item]]:
    """For each of ``items``, the other items of the business that may be the same
    document: the one it is flagged against, and newer ones flagged against it (archived
    ones don't count). Two queries. ``publishable_only`` looks only at Ready and Failed
    items, the ones a publish would send."""
    chosen = items if isinstance(items, QuerySet) else Item.objects.filter(pk__in=[item.pk for item in items])
    chosen = chosen.filter(business=business)
    if publishable_only:
        chosen = chosen.filter(status__in=(ItemStatus.READY, ItemStatus.FAILED))
    flagged = dict(chosen.values_list("pk", "duplicate_of_id"))
    if not flagged:
        return {}
    others = (
        Item.objects.for_business(business)
        .exclude(status=ItemStatus.ARCHIVED)
        .filter(Q(duplicate_of_id__in=list(flagged)) | Q(pk__in=[pk for pk in flagged.values() if pk]))
        .select_related("contact", "document")
        .order_by("id")
    )
    found: dict[int, list[Item]] = {}
    for other in others:
        for item_id, duplicate_of_id in flagged.items():
            if other.pk != item_id and (other.duplicate_of_id == item_id or other.pk == duplicate_of_id):
                found.setdefault(item_id, []).append(other)
    return found


@dataclass(frozen=True)
class PublishProgress:
    total: int
    published: int
    # (item, why) for each item that failed, to link to it.
    failed: list
    pending: int
    # (item, what it seems to be in Xero) for each item set aside as a possible duplicate in Xero.
    set_aside: list = field(default_factory=list)

    @property
    def finished(self) -> int:
        return self.total - self.pending

    @property
    def done(self) -> bool:
        return self.pending == 0


def publish_progress(*, business, item_ids) -> PublishProgress:
    """How far a bulk publish has gone, from its items' states (Queued and Publishing are
    still on their way) and the failed ones' publishing errors. Two queries."""
    from publishing.selectors import publication_errors, xero_matches_open

    items = list(
        Item.objects.for_business(business).filter(pk__in=list(item_ids)).select_related("contact", "document")
        .order_by("id")
    )
    pending = sum(item.status in (ItemStatus.QUEUED, ItemStatus.PUBLISHING) for item in items)
    failed_items = [item for item in items if item.status == ItemStatus.FAILED]
    errors = publication_errors(business=business, item_ids=[item.pk for item in failed_items]) if failed_items else {}
    ready = [item for item in items if item.status == ItemStatus.READY]
    in_xero = xero_matches_open(business=business, item_ids=[item.pk for item in ready]) if ready else {}
    return PublishProgress(
        total=len(items),
        published=sum(item.status == ItemStatus.PUBLISHED for item in items),
        failed=[(item, errors.get(item.pk, "")) for item in failed_items],
        pending=pending,
        set_aside=[(item, in_xero[item.pk]) for item in ready if item.pk in in_xero],
    )


@dataclass(frozen=True)
class DocumentViewer:
    """What Item details shows of the document: a PDF page by page (drawn on the
    server), an image, or nothing yet (an e-invoice before it has been read)."""

    kind: str  # "pdf", "image" or "none"
    pages: int = 1
    src: str = ""
    page_url: str = ""  # with "0" where the page number goes, for the viewer's script


def document_viewer(*, document: Document) -> DocumentViewer:
    from django.core.cache import cache
    from django.urls import reverse

    from items import documents

    if document.is_einvoice and not document.rendition_name:
        return DocumentViewer("none", pages=0)
    if not document.is_pdf:
        return DocumentViewer("image", src=reverse("items:document", args=[document.pk]))
    storage_name = document.viewable[0]

    def count() -> int:
        try:
            return documents.pdf_page_count(documents.read(storage_name))
        except OSError:
            return 0

    pages = cache.get_or_set(f"items:pages:{storage_name}", count, timeout=24 * 3600)
    return DocumentViewer(
        "pdf",
        pages=max(pages, 1),
        src=reverse("items:document_page", args=[document.pk, 1]),
        page_url=reverse("items:document_page", args=[document.pk, 0]),
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
        "capture",
        "publication",
    ).annotate(**XERO_MATCH_FIELDS)
    return access_object(queryset, business=business, pk=pk)


def item_row_get(*, business, pk) -> Item:
    """One Inbox row, as ``items_list`` reads it."""
    return access_object(
        Item.objects.select_related("contact", "category", "tax_rate", "document", "publication")
        .annotate(**XERO_MATCH_FIELDS),
        business=business, pk=pk,
    )


def item_read_checks(*, item: Item) -> dict[str, dict]:
    """For each field capture read with low confidence and nobody has checked yet: what
    was read and the text it came from (Item details highlights them)."""
    capture = getattr(item, "capture", None)  # the reverse one-to-one: None when never read
    if capture is None:
        return {}
    return {name: capture.fields.get(name, {}) for name in item.unconfirmed_fields}


def item_lines(*, item: Item) -> list:
    return list(
        item.lines.select_related(
            "category", "tax_rate", "tracking_option_1__category", "tracking_option_2__category"
        )
    )


def item_history(*, item: Item) -> QuerySet:
    return item.history.select_related("user")


def document_get(*, business, pk) -> Document:
    return access_object(Document, business=business, pk=pk)


def active_or_current(model_or_queryset, *, business, current_ids=()) -> QuerySet:
    """The business's active rows, plus archived ones already chosen (shown flagged)."""
    queryset = model_or_queryset.objects.all() if isinstance(model_or_queryset, type) else model_or_queryset
    ids = [pk for pk in current_ids if pk]
    return queryset.filter(business=business).filter(Q(status=ListStatus.ACTIVE) | Q(pk__in=ids))


CONTACT_SEARCH_LIMIT = 10


def contact_search(*, business, query: str, role: str = "", limit: int = CONTACT_SEARCH_LIMIT) -> list[Contact]:
    """Active contacts whose name (or tax number) contains ``query``, best first: an exact
    name, then contacts of the wanted ``role`` ("supplier" or "customer"; a contact that
    is neither yet fits both), then names starting with the query, then by name."""
    query = " ".join((query or "").split())[:100]
    queryset = Contact.objects.for_business(business).filter(status=ListStatus.ACTIVE)
    if query:
        queryset = queryset.filter(Q(name__icontains=query) | Q(tax_number__iexact=query))
    right_kind = {"supplier": Q(is_supplier=True), "customer": Q(is_customer=True)}.get(role)
    ranks = []
    if query:
        ranks.append(Case(When(name__iexact=query, then=Value(0)), default=Value(1), output_field=IntegerField()))
    if right_kind is not None:
        fits = right_kind | Q(is_supplier=False, is_customer=False)
        ranks.append(Case(When(fits, then=Value(0)), default=Value(1), output_field=IntegerField()))
    if query:
        ranks.append(Case(When(name__istartswith=query, then=Value(0)), default=Value(1), output_field=IntegerField()))
    return list(
        queryset.only("id", "name", "is_supplier", "is_customer", "tax_number").order_by(*ranks, "name", "id")[:limit]
    )


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
