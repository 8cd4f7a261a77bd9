"""The Lists pages, and the refresh banner and button they share with Connections.

Thin views: read the query string, call one selector or service, render.
"""

from functools import partial

from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from dext.tenancy.permissions import business_admin_required, business_member_required
from lists import banner, selectors, services
from lists.models import ListGroup


def _list_params(request) -> dict:
    return {
        "query": request.GET.get("q", ""),
        "status": request.GET.get("status", "active"),
        "page": request.GET.get("page", 1),
    }


def _render_list(request, *, template: str, title: str, group: str, listing, **extra):
    # The refresh state is read before the rows: a refresh that commits in between then
    # shows as in progress (its banner offers a reload), never as "refreshed just now"
    # above the rows from before it.
    state = selectors.sync_state(business=request.business)
    refresh = banner.refresh_for_page(request)
    context = {
        "title": title,
        "listing": listing(),
        "group": group,
        "group_label": ListGroup(group).label,
        "last_refreshed": state.refreshed_at(group) if state else None,
        "refresh": refresh,
        "status_choices": [("active", "Active"), ("archived", "Archived"), ("all", "All")],
        **extra,
    }
    return render(request, template, context)


@business_member_required
def categories(request):
    listing = partial(selectors.category_list, business=request.business, **_list_params(request))
    return _render_list(
        request, template="lists/categories.html", title="Categories", group=ListGroup.ACCOUNTS, listing=listing
    )


def _contact_rule_available() -> bool:
    # The contact rule page comes with the items app; until it exists rows are plain text.
    try:
        reverse("items:contact_rule", args=[1])
    except NoReverseMatch:
        return False
    return True


def _contacts_page(request, *, role: str, title: str):
    listing = partial(selectors.contact_list, business=request.business, role=role, **_list_params(request))
    return _render_list(
        request,
        template="lists/contacts.html",
        title=title,
        group=ListGroup.CONTACTS,
        listing=listing,
        role=role,
        contact_rule_available=_contact_rule_available(),
    )


@business_member_required
def suppliers(request):
    return _contacts_page(request, role="supplier", title="Suppliers")


@business_member_required
def customers(request):
    return _contacts_page(request, role="customer", title="Customers")


@business_member_required
def tracking(request):
    listing = partial(selectors.tracking_category_list, business=request.business, **_list_params(request))
    return _render_list(
        request,
        template="lists/tracking.html",
        title="Tracking Categories",
        group=ListGroup.TRACKING,
        listing=listing,
    )


@business_member_required
def payment_methods(request):
    listing = partial(selectors.payment_method_list, business=request.business, **_list_params(request))
    return _render_list(
        request,
        template="lists/payment_methods.html",
        title="Payment Methods",
        group=ListGroup.ACCOUNTS,
        listing=listing,
    )


@business_member_required
def tax_rates(request):
    listing = partial(selectors.tax_rate_list, business=request.business, **_list_params(request))
    return _render_list(
        request, template="lists/tax_rates.html", title="Tax Rates", group=ListGroup.TAX_RATES, listing=listing
    )


def _requested_lists(request) -> list[str] | None:
    raw = request.POST.getlist("lists") or request.GET.getlist("lists")
    groups = [name.strip() for value in raw for name in value.split(",") if name.strip()]
    return groups or None


@require_POST
@business_admin_required
def refresh(request):
    """Start a refresh (all lists, or ``lists=contacts`` etc.) and go back with the banner."""
    try:
        refresh = services.refresh_start(
            business=request.business,
            acting_user=request.user,
            lists=_requested_lists(request),
            reason="list_page" if _requested_lists(request) else "manual",
        )
    except services.UnknownListError:
        return render(request, "lists/_refresh_banner.html", {"refresh": None}, status=400)
    banner.refresh_requested(request, refresh)
    if request.headers.get("HX-Request"):
        refresh.refresh_from_db()
        banner.refresh_finished_seen(request, refresh)
        return render(request, "lists/_refresh_banner.html", {"refresh": refresh, "polled": True})
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("lists:categories")
    return redirect(next_url)


@require_GET
@business_member_required
def refresh_status(request):
    """The banner on its own, polled by htmx every 2 s while a refresh is in progress."""
    refresh_id = request.GET.get("refresh")
    if refresh_id:
        refresh = selectors.refresh_for_business(business=request.business, pk=refresh_id)
    else:
        refresh = selectors.refresh_for_banner(business=request.business)
    banner.refresh_finished_seen(request, refresh)
    return render(request, "lists/_refresh_banner.html", {"refresh": refresh, "polled": True})
