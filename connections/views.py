"""Business Settings → Connections. Administrators only, on every view.

The page is where a connection meets the lists above it: it shows the lists refresh
banner and starts a manual refresh (``connections`` services never import ``lists``).
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from connections import selectors, services, webhooks
from connections.models import OAuthAttempt
from connections.xero.permissions import PERMISSIONS
from dext.errors import ApplicationError
from dext.tenancy.permissions import business_admin_required
from lists import selectors as lists_selectors
from lists import services as lists_services
from lists.banner import refresh_for_page, refresh_requested

# What Xero's consent screen will ask for, in the words of the Connections pages.
XERO_PERMISSIONS = [(permission.label, permission.purpose) for permission in PERMISSIONS]


def _refreshes(request):
    return refresh_for_page(request), lists_selectors.refresh_last_succeeded(business=request.business)


@business_admin_required
@require_GET
def connections_index(request):
    connection = selectors.connection_for_business(business=request.business)
    banner_refresh, last_refresh = _refreshes(request)
    return render(
        request,
        "connections/index.html",
        {
            "connection": connection,
            "events": selectors.events_recent(business=request.business),
            "refresh": banner_refresh,
            "last_refresh": last_refresh,
            "webhooks": selectors.webhook_health(connection=connection) if connection else None,
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
        refresh = lists_services.refresh_request(connection=connection, acting_user=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.user_message)
    else:
        refresh_requested(request, refresh)
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


@csrf_exempt
@require_POST
def xero_webhook(request):
    """Xero's webhook deliveries (no login: the signature is the authentication). 200 with
    an empty body when the signature holds, 401 otherwise, and no cookies either way."""
    accepted = webhooks.webhook_receive(body=request.body, signature=request.headers.get(webhooks.SIGNATURE_HEADER))
    return HttpResponse(status=200 if accepted else 401)
