"""The control API (JSON, for tests and benchmarks) and the control page (for demos).

Both call the functions in :mod:`xero_sandbox.faults`. They exist only while the
sandbox is mounted, and need no product login (they act on the sandbox only).
"""

import datetime as dt
import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from xero_sandbox import clock, faults, webhooks
from xero_sandbox.limits import rate_limit_reset
from xero_sandbox.models import (
    Connection,
    FaultRule,
    Organisation,
    SandboxUser,
    WebhookDelivery,
    WebhookEvent,
)


class ControlError(ValueError):
    pass


def _organisation(tenant_id) -> Organisation | None:
    if not tenant_id:
        return None
    organisation = Organisation.objects.filter(pk=tenant_id).first()
    if organisation is None:
        raise ControlError(f"Unknown organisation {tenant_id}")
    return organisation


def _int(data: dict, name: str, default: int | None) -> int | None:
    value = data.get(name)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise ControlError(f"{name} must be a whole number") from exc


def _date(value) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ControlError(f"{value!r} is not a date (YYYY-MM-DD)") from exc


def apply_action(action: str, data: dict) -> dict:
    """Run one control action; returns a small JSON-able summary."""
    if action == "fail":
        rule = faults.fail_next(
            _int(data, "count", 1), status=_int(data, "status", 500), path_prefix=data.get("path_prefix", ""),
            method=data.get("method", ""), organisation=_organisation(data.get("tenant_id")),
        )
    elif action == "drop":
        rule = faults.drop_after_commit(
            _int(data, "count", 1), path_prefix=data.get("path_prefix", ""), method=data.get("method", ""),
            organisation=_organisation(data.get("tenant_id")),
        )
    elif action == "latency":
        rule = faults.add_latency(
            _int(data, "latency_ms", 0), count=_int(data, "count", None), path_prefix=data.get("path_prefix", ""),
            method=data.get("method", ""),
        )
    elif action == "rate-limit":
        rule = faults.force_rate_limit(
            _int(data, "count", 1), retry_after=_int(data, "retry_after", 60),
            problem=data.get("problem") or "minute", organisation=_organisation(data.get("tenant_id")),
        )
    elif action == "key-conflict":
        rule = faults.answer_key_conflict(
            _int(data, "count", 1), path_prefix=data.get("path_prefix", ""), method=data.get("method", ""),
            organisation=_organisation(data.get("tenant_id")),
        )
    elif action == "batch-400":
        rule = faults.answer_batch_400(
            _int(data, "count", 1), path_prefix=data.get("path_prefix", ""),
            organisation=_organisation(data.get("tenant_id")),
        )
    elif action == "clear-faults":
        faults.clear()
        return {"cleared": True}
    elif action == "revoke-connection":
        faults.revoke_connection(data.get("connection_id", ""))
        return {"revoked": data.get("connection_id", "")}
    elif action == "expire-tokens":
        user = SandboxUser.objects.filter(email__iexact=data["email"]).first() if data.get("email") else None
        count = faults.expire_tokens(organisation=_organisation(data.get("tenant_id")), user=user)
        return {"expired": count}
    elif action == "lock-dates":
        organisation = _organisation(data.get("tenant_id"))
        if organisation is None:
            raise ControlError("tenant_id is required")
        faults.set_lock_dates(
            organisation,
            period_lock_date=_date(data.get("period_lock_date")),
            end_of_year_lock_date=_date(data.get("end_of_year_lock_date")),
        )
        return {"period_lock_date": str(organisation.period_lock_date or ""),
                "end_of_year_lock_date": str(organisation.end_of_year_lock_date or "")}
    elif action == "clock":
        if data.get("reset"):
            clock.reset()
        elif data.get("freeze"):
            clock.freeze(dt.datetime.fromisoformat(data["freeze"]) if isinstance(data["freeze"], str) else None)
        if data.get("advance_seconds"):
            clock.advance(float(data["advance_seconds"]))
        return {"now": clock.now().isoformat()}
    elif action == "reset-limits":
        rate_limit_reset()
        return {"reset": True}
    elif action == "clear-log":
        faults.clear_log()
        return {"cleared": True}
    elif action == "webhook":
        # The developer portal's webhook form: delivery URL and key (both empty: the settings').
        webhooks.subscription_configure(url=data.get("url", ""), key=data.get("key", ""))
        return {"webhook": webhooks.state()}
    elif action == "webhook-enable":
        webhooks.subscription_enable()
        return {"webhook": webhooks.state()}
    elif action == "webhook-deliver":
        return {"delivered": webhooks.deliver_pending(force=True), "webhook": webhooks.state()}
    else:
        raise ControlError(f"Unknown action {action!r}")
    return {"id": rule.pk, "kind": rule.kind, "remaining": rule.remaining}


@csrf_exempt
@require_http_methods(["GET", "POST"])
def control_api(request: HttpRequest, action: str = "") -> HttpResponse:
    if request.method == "GET":
        return JsonResponse(_state())
    try:
        data = json.loads(request.body or b"{}")
        if not isinstance(data, dict):
            raise ControlError("The body must be a JSON object")
        return JsonResponse(apply_action(action, data))
    except (ValueError, KeyError, ValidationError) as error:
        return JsonResponse({"error": str(error)}, status=400)


@csrf_exempt
@require_http_methods(["GET"])
def control_log(request: HttpRequest) -> HttpResponse:
    """Counts from the request log: ?method=&path_contains=&status=&tenant_id= and token grants."""
    api_calls = faults.calls(
        method=request.GET.get("method") or None,
        path_contains=request.GET.get("path_contains") or None,
        status=int(request.GET["status"]) if request.GET.get("status", "").isdigit() else None,
        organisation=request.GET.get("tenant_id") or None,
    )
    grants = faults.token_grants(grant_type=request.GET.get("grant_type") or None)
    recent = [
        {"method": row.method, "path": row.path, "status": row.status,
         "tenant_id": str(row.organisation_id or ""), "kind": row.kind, "grant_type": row.grant_type}
        for row in api_calls.order_by("-id")[:100]
    ]
    return JsonResponse({"calls": api_calls.count(), "token_grants": grants.count(), "recent": recent})


def _state() -> dict:
    return {
        "now": clock.now().isoformat(),
        "webhook": webhooks.state(),
        "faults": [
            {"id": rule.pk, "kind": rule.kind, "remaining": rule.remaining, "latency_ms": rule.latency_ms,
             "path_prefix": rule.path_prefix, "method": rule.method}
            for rule in faults.active_rules()
        ],
        "connections": [
            {"id": str(c.pk), "tenant_id": str(c.organisation_id), "tenant_name": c.organisation.name,
             "user": c.user.email, "client_id": c.app.client_id}
            for c in Connection.objects.select_related("organisation", "user", "app")
        ],
    }


@require_http_methods(["GET", "POST"])
def control_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            summary = apply_action(request.POST.get("action", ""), request.POST.dict())
            messages.success(request, f"Done: {request.POST.get('action')} {summary}")
        except (ValueError, KeyError, ValidationError) as error:
            messages.error(request, str(error))
        return redirect("xero_sandbox:control")
    return render(
        request,
        "xero_sandbox/control.html",
        {
            "rules": faults.active_rules(),
            "connections": Connection.objects.select_related("organisation", "user", "app"),
            "organisations": Organisation.objects.all(),
            "recent": faults.calls().order_by("-id")[:20],
            "now": clock.now(),
            "fault_kinds": FaultRule.Kind,
            "webhook": webhooks.subscription_current(),
            "webhook_deliveries": WebhookDelivery.objects.order_by("-created", "-id")[:10],
            "webhook_pending": WebhookEvent.objects.filter(delivered_at__isnull=True).count(),
        },
    )
