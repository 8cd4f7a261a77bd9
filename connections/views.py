"""Business Settings → Connections. Administrators only, on every view."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from connections import selectors, services
from connections.models import OAuthAttempt
from dext.errors import ApplicationError
from dext.tenancy.permissions import business_admin_required

XERO_PERMISSIONS = [
    ("Contacts", "read your suppliers and customers"),
    ("Settings (read only)", "read your chart of accounts, tax rates, tracking categories and currencies"),
    ("Invoices", "create bills, sales invoices and credit notes"),
    ("Bank transactions", "create spend money and receive money"),
    ("Payments", "record payments against bills you publish as paid"),
    ("Attachments", "attach the document to what dext creates"),
    ("Offline access", "stay connected until you disconnect"),
]


def _refreshes(business):
    from lists.selectors import refresh_for_banner, refresh_last_succeeded

    return refresh_for_banner(business=business), refresh_last_succeeded(business=business)


@business_admin_required
@require_GET
def connections_index(request):
    connection = selectors.connection_for_business(business=request.business)
    banner_refresh, last_refresh = _refreshes(request.business)
    return render(
        request,
        "connections/index.html",
        {
            "connection": connection,
            "events": selectors.events_recent(business=request.business),
            "refresh": banner_refresh,
            "last_refresh": last_refresh,
        },
    )


@business_admin_required
@require_GET
def software_list(request):
    return render(request, "connections/software.html", {
        "connection": selectors.connection_for_business(business=request.business),
    })


@business_admin_required
@require_GET
def xero_summary(request):
    return render(request, "connections/xero_summary.html", {"permissions": XERO_PERMISSIONS})


@business_admin_required
@require_POST
def xero_start(request):
    purpose = request.POST.get("purpose")
    if purpose not in OAuthAttempt.Purpose.values:
        purpose = OAuthAttempt.Purpose.CONNECT
    if not request.session.session_key:
        request.session.save()
    url = services.oauth_start(
        business=request.business, user=request.user, session_key=request.session.session_key, purpose=purpose
    )
    return redirect(url)


@business_admin_required
@require_GET
def xero_callback(request):
    try:
        attempt = services.oauth_callback(
            user=request.user,
            session_key=request.session.session_key or "",
            state=request.GET.get("state", ""),
            code=request.GET.get("code", ""),
            error=request.GET.get("error", ""),
        )
    except ApplicationError as exc:
        return render(request, "connections/flow_error.html", {"error": exc}, status=400)
    # A redirect, never a page, answers the URL that carried the code.
    return redirect("connections:choose", attempt_id=attempt.pk)


@business_admin_required
@require_http_methods(["GET", "POST"])
def xero_choose(request, attempt_id):
    try:
        attempt = services.attempt_for_choice(
            business=request.business, user=request.user, session_key=request.session.session_key or "", pk=attempt_id
        )
    except ApplicationError as exc:
        return render(request, "connections/flow_error.html", {"error": exc}, status=400)
    chosen = request.POST.get("tenant_id", "")
    error = ""
    current = None
    if request.method == "POST":
        if chosen not in {t["tenant_id"] for t in attempt.tenants}:
            error = "Choose the organisation to connect."
        else:
            current = services.organisation_change_needs_confirmation(business=request.business, tenant_id=chosen)
            confirmed = request.POST.get("confirm_change") == "yes"
            if current is None or confirmed:
                try:
                    services.connection_finish(
                        attempt=attempt, tenant_id=chosen, acting_user=request.user,
                        confirm_organisation_change=confirmed,
                    )
                except ApplicationError as exc:
                    return render(request, "connections/flow_error.html", {"error": exc}, status=400)
                return redirect("connections:connected")
    tenant_names = {t["tenant_id"]: t["tenant_name"] for t in attempt.tenants}
    shared_with = {
        t["tenant_id"]: services.other_businesses_with_tenant(business=request.business, tenant_id=t["tenant_id"])
        for t in attempt.tenants
    }
    return render(
        request,
        "connections/choose.html",
        {
            "attempt": attempt,
            "tenants": [dict(t, shared_with=shared_with[t["tenant_id"]]) for t in attempt.tenants],
            "chosen": chosen or (attempt.tenants[0]["tenant_id"] if len(attempt.tenants) == 1 else ""),
            "error": error,
            "confirm_change_from": current,
            "chosen_name": tenant_names.get(chosen, ""),
        },
        status=400 if error else 200,
    )


@business_admin_required
@require_GET
def xero_connected(request):
    connection = selectors.connection_for_business(business=request.business)
    if connection is None or not connection.is_connected:
        return redirect("connections:index")
    return render(request, "connections/connected.html", {"connection": connection})


@business_admin_required
@require_POST
def manage_refresh(request):
    connection = selectors.connection_for_business(business=request.business)
    if connection is None:
        return redirect("connections:index")
    try:
        services.connection_refresh_lists(connection=connection, acting_user=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.user_message)
    return redirect(reverse("connections:index"))


@business_admin_required
@require_http_methods(["GET", "POST"])
def manage_disconnect(request):
    connection = selectors.connection_for_business(business=request.business)
    if connection is None or connection.status == "disconnected":
        return redirect("connections:index")
    if request.method == "POST":
        services.connection_disconnect(connection=connection, acting_user=request.user)
        messages.success(
            request,
            f"Disconnected from {connection.tenant_name}. Your lists and items are kept; "
            "publishing is off until you connect again.",
        )
        return redirect("connections:index")
    return render(request, "connections/disconnect.html", {"connection": connection})
