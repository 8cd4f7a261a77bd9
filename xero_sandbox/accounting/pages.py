"""The organisation's "Xero" page (what arrived), attachment downloads and the books' control switches.

Control actions need no product login: the sandbox is only mounted when
``XERO_SANDBOX`` is on, and it is a development and test tool.
"""

import json
import re

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from xero_sandbox.models import Organisation

from . import control, selectors
from .models import Attachment, Document


def organisation_page(request, org_id):
    organisation = get_object_or_404(Organisation, pk=org_id)
    context = {"organisation": organisation, **selectors.organisation_summary(organisation=organisation)}
    return render(request, "xero_sandbox_accounting/organisation.html", context)


# The paths of Xero's deep-link guide, and the documents each opens
# (https://developer.xero.com/documentation/guides/how-to-guides/deep-link-xero/).
_DEEP_LINK_PATHS = [
    (re.compile(r"^/AccountsPayable/View\.aspx\?InvoiceID=(?P<id>[0-9a-f-]{36})$", re.I), ("ACCPAY",), None),
    (re.compile(r"^/AccountsPayable/Edit\.aspx\?InvoiceID=(?P<id>[0-9a-f-]{36})$", re.I), ("ACCPAY",), ("DRAFT",)),
    (re.compile(r"^/AccountsReceivable/View\.aspx\?InvoiceID=(?P<id>[0-9a-f-]{36})$", re.I), ("ACCREC",), None),
    (re.compile(r"^/AccountsReceivable/Edit\.aspx\?InvoiceID=(?P<id>[0-9a-f-]{36})$", re.I), ("ACCREC",), ("DRAFT",)),
    (re.compile(r"^/AccountsPayable/ViewCreditNote\.aspx\?creditNoteID=(?P<id>[0-9a-f-]{36})$", re.I),
     ("ACCPAYCREDIT",), None),
    (re.compile(r"^/AccountsReceivable/ViewCreditNote\.aspx\?creditNoteID=(?P<id>[0-9a-f-]{36})$", re.I),
     ("ACCRECCREDIT",), None),
    (re.compile(r"^/Bank/ViewTransaction\.aspx\?bankTransactionID=(?P<id>[0-9a-f-]{36})$", re.I),
     ("SPEND", "RECEIVE"), None),
]


def deep_link(request):
    """go.xero.com's ``organisationlogin/default.aspx?shortcode=…&redirecturl=…``: the
    organisation by its short code, the document by one of the guide's paths; anything
    else is not found, as a wrong link would be in Xero."""
    organisation = Organisation.objects.filter(short_code=request.GET.get("shortcode", "")).first()
    target = request.GET.get("redirecturl", "")
    if organisation is None:
        raise Http404("No organisation has that short code")
    for pattern, types, statuses in _DEEP_LINK_PATHS:
        match = pattern.match(target)
        if match is None:
            continue
        document = Document.objects.filter(organisation=organisation, pk=match.group("id"), type__in=types).first()
        if document is None or (statuses and document.status not in statuses):
            break
        page = reverse("xero_sandbox:xero_sandbox_accounting:organisation-page", args=[organisation.pk])
        return redirect(f"{page}#document-{document.pk}")
    raise Http404("Xero has no page at that link")


def attachment_download(request, org_id, attachment_id):
    attachment = Attachment.objects.filter(document__organisation_id=org_id, pk=attachment_id).first()
    if attachment is None:
        raise Http404("No such attachment")
    response = HttpResponse(bytes(attachment.content), content_type=attachment.mime_type)
    response["Content-Disposition"] = f'attachment; filename="{attachment.file_name}"'
    return response


def _run(action: str, organisation, data) -> str:
    """Apply one control action; returns a sentence saying what changed."""
    if action == "archive-account":
        account = control.account_archive(organisation=organisation, code=data.get("code", ""))
        return f"Archived account {account.code} {account.name}."
    if action == "archive-contact":
        contact = control.contact_archive(
            organisation=organisation, contact_id=data.get("contact_id") or None, name=data.get("name")
        )
        return f"Archived contact {contact.name}."
    if action == "add-contact":
        contact = control.contact_add(organisation=organisation, name=data.get("name", ""))
        return f"Added contact {contact.name}."
    if action == "rename-contact":
        contact = control.contact_rename(
            organisation=organisation,
            contact_id=data.get("contact_id") or None,
            name=data.get("name"),
            new_name=data.get("new_name", ""),
        )
        return f"Renamed the contact to {contact.name}."
    if action in ("archive-tracking-option", "delete-tracking-option"):
        change = control.tracking_option_archive if action.startswith("archive") else control.tracking_option_delete
        option = change(organisation=organisation, category=data.get("category", ""), option=data.get("option", ""))
        return f"Tracking option {option.name} is now {option.status}."
    if action in ("pay-document", "void-document", "delete-document"):
        change = {
            "pay-document": control.document_pay_in_full,
            "void-document": control.document_void,
            "delete-document": control.document_delete,
        }[action]
        document = change(organisation=organisation, document_id=data.get("document_id", ""))
        what = {"pay-document": "Paid in full", "void-document": "Voided", "delete-document": "Deleted"}[action]
        return f"{what}: {control.document_label(document)} is now {document.status}."
    if action == "generate-large":
        added = control.generate_large_organisation(
            organisation,
            contacts=int(data.get("contacts") or 10000),
            accounts=int(data.get("accounts") or 1000),
        )
        return f"Added {added['contacts']} contacts and {added['accounts']} accounts."
    raise control.ControlError(f"Unknown action {action!r}.")


@require_POST
def control_action(request, org_id):
    organisation = get_object_or_404(Organisation, pk=org_id)
    try:
        messages.success(request, _run(request.POST.get("action", ""), organisation, request.POST))
    except (control.ControlError, ValueError) as exc:
        messages.error(request, str(exc))
    return redirect("xero_sandbox:xero_sandbox_accounting:organisation-page", org_id=organisation.pk)


@csrf_exempt
@require_POST
def control_api(request, org_id, action):
    """JSON twin of the page's forms: POST a JSON object (or form fields) to ``control/orgs/<id>/<action>/``."""
    organisation = get_object_or_404(Organisation, pk=org_id)
    try:
        data = json.loads(request.body or b"{}") if request.content_type == "application/json" else request.POST
        return JsonResponse({"ok": True, "message": _run(action, organisation, data)})
    except (control.ControlError, ValueError) as exc:
        return JsonResponse({"ok": False, "error": str(exc)}, status=400)
