"""The product's URLs plus two tiny views behind the gate, for testing the gate alone."""

import json

from django.urls import path

from dext.urls import urlpatterns as product_urlpatterns
from xero_sandbox.gate import accounting_endpoint, json_response
from xero_sandbox.models import SandboxApp
from xero_sandbox.services import TokenError

_crashed: set[str] = set()

INVOICE_SCOPES = {
    "read": ("accounting.invoices", "accounting.invoices.read", "accounting.transactions", "accounting.transactions.read"),
    "write": ("accounting.invoices", "accounting.transactions"),
}


@accounting_endpoint(scopes=INVOICE_SCOPES)
def things(request, org):
    """GET echoes the tenant; PUT/POST commit a row (an app named after the body) and echo it."""
    if request.method == "GET":
        return json_response({"Tenant": org.name})
    payload = json.loads(request.body or b"{}")
    if payload.get("fail"):
        return json_response({"ErrorNumber": 10, "Type": "ValidationException", "Message": "nope"}, status=400)
    if payload.get("crash_once") and payload["name"] not in _crashed:
        _crashed.add(payload["name"])
        raise TokenError("crash")
    app = SandboxApp.objects.create(
        client_id=payload["name"], name=payload["name"], created=org.created
    )
    return json_response({"Id": app.pk, "Name": app.name})


@accounting_endpoint(scopes={"read": ("accounting.payroll.read",), "write": ()})
def payroll(request, org):
    return json_response({})


urlpatterns = [
    path("xero-sandbox/api/api.xro/2.0/Things", things),
    path("xero-sandbox/api/api.xro/2.0/Payroll", payroll),
    *product_urlpatterns,
]
