"""Reads for the Lists pages and the refresh banner."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet

from dext.tenancy.models import Business
from lists.models import (
    Category,
    Contact,
    ListRefresh,
    ListStatus,
    ListSyncState,
    PaymentMethod,
    TaxRate,
    TrackingCategory,
    TrackingOption,
)

PAGE_SIZE = 50
STATUS_FILTERS = ("active", "archived", "all")


@dataclass
class ListPage:
    """One page of a list, with what the toolbar shows."""

    page: Page
    query: str
    status: str
    active_count: int
    archived_count: int

    @property
    def rows(self):
        return self.page.object_list

    @property
    def total_count(self) -> int:
        return self.active_count + self.archived_count


def _status_filter(status: str) -> str:
    return status if status in STATUS_FILTERS else "active"


def _paged(queryset: QuerySet, *, search_fields: list[str], query: str, status: str, page: int | str) -> ListPage:
    """Search, filter by status, count and paginate ``queryset`` (already tenant-scoped)."""
    query = (query or "").strip()[:100]
    status = _status_filter(status)
    if query:
        condition = Q()
        for field in search_fields:
            lookup = {f"{field}__icontains": query}
            if "__" in field:
                # A search across a relation goes through a subquery, so rows are not
                # repeated (and counted twice) once per matching related row.
                condition |= Q(pk__in=queryset.model.objects.filter(**lookup).values("pk"))
            else:
                condition |= Q(**lookup)
        queryset = queryset.filter(condition)
    # Both counts in one query; they follow the search so the toolbar matches the table.
    counts = queryset.aggregate(
        active=Count("pk", filter=Q(status=ListStatus.ACTIVE)),
        archived=Count("pk", filter=Q(status=ListStatus.ARCHIVED)),
    )
    if status != "all":
        queryset = queryset.filter(status=status)
    paginator = Paginator(queryset, PAGE_SIZE)
    # The paginator's own count would be one more query; we already know it.
    paginator.count = counts["active"] + counts["archived"] if status == "all" else counts[status]
    return ListPage(
        page=paginator.get_page(page),
        query=query,
        status=status,
        active_count=counts["active"],
        archived_count=counts["archived"],
    )


def category_list(*, business: Business, query: str = "", status: str = "active", page: int | str = 1) -> ListPage:
    """The chart of accounts, ordered by type then code, so the page can group by type."""
    queryset = Category.objects.for_business(business).order_by("type", "code", "name", "pk")
    return _paged(queryset, search_fields=["code", "name", "description"], query=query, status=status, page=page)


def contact_list(
    *, business: Business, role: str, query: str = "", status: str = "active", page: int | str = 1
) -> ListPage:
    """Suppliers (``role="supplier"``) or customers (``role="customer"``)."""
    role_filter = {"supplier": {"is_supplier": True}, "customer": {"is_customer": True}}[role]
    queryset = Contact.objects.for_business(business).filter(**role_filter).order_by("name", "pk")
    return _paged(
        queryset, search_fields=["name", "email", "contact_number", "tax_number"], query=query, status=status, page=page
    )


def tracking_category_list(
    *, business: Business, query: str = "", status: str = "active", page: int | str = 1
) -> ListPage:
    """Tracking categories, each with its options (archived options included, flagged)."""
    options = TrackingOption.objects.order_by("name", "pk")
    if _status_filter(status) == "active":
        options = options.filter(status=ListStatus.ACTIVE)
    queryset = (
        TrackingCategory.objects.for_business(business)
        .order_by("name", "pk")
        .prefetch_related(Prefetch("options", queryset=options))
    )
    return _paged(queryset, search_fields=["name", "options__name"], query=query, status=status, page=page)


def payment_method_list(
    *, business: Business, query: str = "", status: str = "active", page: int | str = 1
) -> ListPage:
    queryset = PaymentMethod.objects.for_business(business).order_by("name", "pk")
    return _paged(
        queryset, search_fields=["code", "name", "bank_account_number"], query=query, status=status, page=page
    )


def tax_rate_list(*, business: Business, query: str = "", status: str = "active", page: int | str = 1) -> ListPage:
    queryset = TaxRate.objects.for_business(business).order_by("name", "pk")
    return _paged(queryset, search_fields=["name", "xero_id"], query=query, status=status, page=page)


def refresh_latest(*, business: Business) -> ListRefresh | None:
    """The business's most recent refresh (any status), for the banner."""
    return ListRefresh.objects.for_business(business).order_by("-created_at", "-pk").first()


def refresh_last_succeeded(*, business: Business) -> ListRefresh | None:
    """The latest refresh that finished well ("last refreshed", even while another runs)."""
    return (
        ListRefresh.objects.for_business(business)
        .filter(status=ListRefresh.Status.SUCCEEDED)
        .order_by("-finished_at", "-pk")
        .first()
    )


def refresh_for_business(*, business: Business, pk) -> ListRefresh:
    """One refresh of ``business``; 404 for another business's."""
    from dext.tenancy.access import access_object

    return access_object(ListRefresh, business=business, pk=pk)


def refresh_for_banner(*, business: Business) -> ListRefresh | None:
    """The refresh a page shows when it loads: one in progress, or the last one if it
    failed (it stays up until a later refresh succeeds, so nobody misses it).

    A success is not: "Lists refreshed … Reload this page" is only true on a page that was
    open while the refresh ran, and the banner polling there says it (``refresh_status``).
    A page loaded afterwards already shows the new lists.
    """
    refresh = refresh_latest(business=business)
    if refresh is None or refresh.is_active or refresh.status == ListRefresh.Status.FAILED:
        return refresh
    return None


def sync_state(*, business: Business) -> ListSyncState | None:
    """When each list was last refreshed (None before the first refresh)."""
    return ListSyncState.objects.for_business(business).first()
