"""Accounting API views: parse the request, call a selector or service, answer in Xero's shape.

Every view goes through ``xero_sandbox.gate.accounting_endpoint`` (token, tenant,
scopes, rate limits, faults, idempotency) and receives the tenant's Organisation.
"""

import json

from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse
from django.http.request import RawPostDataException

from xero_sandbox.gate import accounting_endpoint, bearer_token, missing_scope, xero_problem

from . import documents as document_services
from . import selectors, serializers, services, wire
from .models import DocumentKind
from .where import WhereSyntaxError

SETTINGS = {"read": ("accounting.settings", "accounting.settings.read"), "write": ("accounting.settings",)}
CONTACTS = {"read": ("accounting.contacts", "accounting.contacts.read"), "write": ("accounting.contacts",)}
_TRANSACTIONS_READ = ("accounting.transactions", "accounting.transactions.read")
INVOICES = {
    "read": ("accounting.invoices", "accounting.invoices.read", *_TRANSACTIONS_READ),
    "write": ("accounting.invoices", "accounting.transactions"),
}
BANK_TRANSACTIONS = {
    "read": ("accounting.banktransactions", "accounting.banktransactions.read", *_TRANSACTIONS_READ),
    "write": ("accounting.banktransactions", "accounting.transactions"),
}
PAYMENTS = {
    "read": ("accounting.payments", "accounting.payments.read", *_TRANSACTIONS_READ),
    "write": ("accounting.payments", "accounting.transactions"),
}
SCOPES_BY_KIND = {
    DocumentKind.INVOICE: INVOICES,
    DocumentKind.CREDIT_NOTE: INVOICES,
    DocumentKind.BANK_TRANSACTION: BANK_TRANSACTIONS,
}
PLURAL = serializers.ENDPOINT


def _validation_error(elements: list) -> HttpResponse:
    return wire.api_response(
        {
            "ErrorNumber": 10,
            "Type": "ValidationException",
            "Message": "A validation exception occurred",
            "Elements": elements,
        },
        status=400,
    )


def _post_data_invalid() -> HttpResponse:
    # Xero's answer to malformed JSON (xero-php-oauth2 #228).
    return wire.api_response(
        {"ErrorNumber": 14, "Type": "PostDataInvalidException", "Message": "Invalid Json data"}, status=400
    )


def _raw_body(request) -> bytes:
    try:
        return request.body
    except RequestDataTooBig:
        # Attachments may exceed Django's in-memory limit; the stream is still unread.
        return request.read()
    except RawPostDataException:
        return b""


def _json_body(request):
    try:
        return json.loads(_raw_body(request) or b"null")
    except (ValueError, UnicodeDecodeError):
        return _post_data_invalid


def _elements(body, plural: str) -> list:
    if isinstance(body, dict) and isinstance(body.get(plural), list):
        return body[plural]
    if isinstance(body, list):
        return body
    return [body] if isinstance(body, dict) else []


def _app_client_id(request) -> str:
    token, _problem = bearer_token(request)
    return token.app.client_id if token is not None else ""


def _page(request) -> int | None:
    try:
        return int(request.GET["page"]) if request.GET.get("page") else None
    except ValueError:
        return 1


def _page_size(request) -> int:
    try:
        return min(max(int(request.GET.get("pageSize") or 100), 1), 1000)
    except ValueError:
        return 100


def _order(request) -> str | None:
    return request.GET.get("order")


def _unit_decimal_places(request) -> int:
    """``unitdp=4`` opts in to four decimal places for unit amounts; otherwise two."""
    try:
        return 4 if int(request.GET.get("unitdp") or 2) >= 4 else 2
    except ValueError:
        return 2


def _where_error(exc: WhereSyntaxError) -> HttpResponse:
    # SANDBOX wording: Xero answers a bad filter with a 400 whose text varies.
    return wire.api_response(
        {"ErrorNumber": 16, "Type": "QueryParseException", "Message": str(exc)}, status=400
    )


def _base_url(request) -> str:
    return request.build_absolute_uri("/xero-sandbox/api/api.xro/2.0")


def _modified_since(request):
    return wire.parse_datetime_header(request.headers.get("If-Modified-Since"))


@accounting_endpoint(scopes=SETTINGS)
def organisation(request, org):
    return wire.api_response(wire.envelope("Organisations", [serializers.organisation_json(org)]))


@accounting_endpoint(scopes=SETTINGS)
def accounts(request, org):
    try:
        items = selectors.accounts_list(
            organisation=org, where=request.GET.get("where"), modified_since=_modified_since(request),
            order=_order(request),
        )
    except WhereSyntaxError as exc:
        return _where_error(exc)
    return wire.api_response(wire.envelope("Accounts", items))


@accounting_endpoint(scopes=SETTINGS)
def account_detail(request, org, account_id):
    items = [item for item in selectors.accounts_list(organisation=org) if item["AccountID"] == str(account_id)]
    if not items:
        return xero_problem(404, "Not Found", "The resource you're looking for cannot be found")
    return wire.api_response(wire.envelope("Accounts", items))


@accounting_endpoint(scopes=CONTACTS)
def contacts(request, org):
    if request.method in ("PUT", "POST"):
        body = _json_body(request)
        if body is _post_data_invalid:
            return _post_data_invalid()
        summarize = wire.parse_bool(request.GET.get("summarizeErrors"), default=True)
        outcomes, failed = services.contacts_submit(
            organisation=org, elements=_elements(body, "Contacts"), method=request.method, summarize_errors=summarize
        )
        if failed:
            return _validation_error(
                [{**o.payload, "ValidationErrors": [{"Message": m} for m in o.errors]} for o in outcomes if o.errors]
            )
        items = []
        for outcome in outcomes:
            if outcome.contact is not None:
                item = serializers.contact_json(outcome.contact)
                if not summarize:
                    item["StatusAttributeString"] = "OK"
            else:
                item = {**outcome.payload, "StatusAttributeString": "ERROR", "HasValidationErrors": True,
                        "ValidationErrors": [{"Message": m} for m in outcome.errors]}
            items.append(item)
        return wire.api_response(wire.envelope("Contacts", items))
    page = _page(request)
    try:
        items, pagination = selectors.contacts_page(
            organisation=org,
            where=request.GET.get("where"),
            modified_since=_modified_since(request),
            ids=wire.split_list(request.GET.get("IDs") or request.GET.get("ids")),
            include_archived=wire.parse_bool(request.GET.get("includeArchived")),
            summary_only=wire.parse_bool(request.GET.get("summaryOnly")),
            search_term=request.GET.get("searchTerm", ""),
            order=_order(request),
            page=page,
            page_size=_page_size(request),
        )
    except WhereSyntaxError as exc:
        return _where_error(exc)
    extra = {"pagination": pagination} if pagination else {}
    return wire.api_response(wire.envelope("Contacts", items, **extra))


@accounting_endpoint(scopes=CONTACTS)
def contact_detail(request, org, contact_id):
    items, _ = selectors.contacts_page(organisation=org, ids=[str(contact_id)], include_archived=True)
    if not items:
        return xero_problem(404, "Not Found", "The resource you're looking for cannot be found")
    return wire.api_response(wire.envelope("Contacts", items))


@accounting_endpoint(scopes=SETTINGS)
def tracking_categories(request, org):
    try:
        items = selectors.tracking_categories_list(
            organisation=org,
            include_archived=wire.parse_bool(request.GET.get("includeArchived")),
            where=request.GET.get("where"),
            order=_order(request),
        )
    except WhereSyntaxError as exc:
        return _where_error(exc)
    return wire.api_response(wire.envelope("TrackingCategories", items))


@accounting_endpoint(scopes=SETTINGS)
def tax_rates(request, org):
    try:
        items = selectors.tax_rates_list(organisation=org, where=request.GET.get("where"), order=_order(request))
    except WhereSyntaxError as exc:
        return _where_error(exc)
    if request.GET.get("TaxType"):
        items = [item for item in items if item["TaxType"].upper() == request.GET["TaxType"].upper()]
    return wire.api_response(wire.envelope("TaxRates", items))


@accounting_endpoint(scopes=SETTINGS)
def currencies(request, org):
    try:
        items = selectors.currencies_list(organisation=org, where=request.GET.get("where"), order=_order(request))
    except WhereSyntaxError as exc:
        return _where_error(exc)
    return wire.api_response(wire.envelope("Currencies", items))


def _submit(request, org, kind: str, *, document_id=None) -> HttpResponse:
    body = _json_body(request)
    if body is _post_data_invalid:
        return _post_data_invalid()
    plural = PLURAL[kind]
    summarize = wire.parse_bool(request.GET.get("summarizeErrors"), default=True)
    # The fault switch faults.answer_batch_400: the valid elements are saved, the answer is
    # a 400 that lists only the failed ones (xero-ruby #247, Xero-Net #354).
    batch_400 = getattr(request, "sandbox_batch_400", False)
    result = document_services.documents_submit(
        organisation=org,
        kind=kind,
        elements=_elements(body, plural),
        summarize_errors=summarize and not batch_400,
        allow_update=request.method == "POST",
        idempotency_key=request.headers.get("Idempotency-Key", ""),
        app=_app_client_id(request),
        document_id=document_id,
        unit_decimal_places=_unit_decimal_places(request),
    )
    if batch_400:
        return _validation_error([document_services.echo_failed(o) for o in result.outcomes if isinstance(o, dict)])
    if result.failed:
        return _validation_error(result.outcomes)
    base_url = _base_url(request)
    items = []
    for outcome in result.outcomes:
        if isinstance(outcome, dict):
            items.append(outcome)
            continue
        fresh = selectors.document_get(organisation=org, kind=kind, document_id=outcome.pk)
        item = serializers.document_json(fresh, base_url=base_url, unit_dp=_unit_decimal_places(request))
        if not summarize:
            item["StatusAttributeString"] = "OK"
        items.append(item)
    return wire.api_response(wire.envelope(plural, items))


def _documents_view(kind: str):
    @accounting_endpoint(scopes=SCOPES_BY_KIND[kind])
    def collection(request, org):
        if request.method in ("PUT", "POST"):
            return _submit(request, org, kind)
        page = _page(request)
        try:
            items, pagination = selectors.documents_page(
                organisation=org,
                kind=kind,
                where=request.GET.get("where"),
                modified_since=_modified_since(request),
                ids=wire.split_list(request.GET.get("IDs")),
                numbers=wire.split_list(request.GET.get("InvoiceNumbers")),
                contact_ids=wire.split_list(request.GET.get("ContactIDs")),
                statuses=wire.split_list(request.GET.get("Statuses")),
                order=_order(request),
                unit_dp=_unit_decimal_places(request),
                page=page,
                page_size=_page_size(request),
                base_url=_base_url(request),
            )
        except WhereSyntaxError as exc:
            return _where_error(exc)
        extra = {"pagination": pagination} if pagination else {}
        return wire.api_response(wire.envelope(PLURAL[kind], items, **extra))

    @accounting_endpoint(scopes=SCOPES_BY_KIND[kind])
    def detail(request, org, document_id):
        document = selectors.document_get(organisation=org, kind=kind, document_id=document_id)
        if document is None:
            return xero_problem(404, "Not Found", "The resource you're looking for cannot be found")
        if request.method == "POST":
            return _submit(request, org, kind, document_id=document.pk)
        item = serializers.document_json(document, base_url=_base_url(request), unit_dp=_unit_decimal_places(request))
        return wire.api_response(wire.envelope(PLURAL[kind], [item]))

    return collection, detail


invoices, invoice_detail = _documents_view(DocumentKind.INVOICE)
credit_notes, credit_note_detail = _documents_view(DocumentKind.CREDIT_NOTE)
bank_transactions, bank_transaction_detail = _documents_view(DocumentKind.BANK_TRANSACTION)


@accounting_endpoint(scopes=PAYMENTS)
def payments(request, org):
    if request.method not in ("PUT", "POST"):
        try:
            items = selectors.payments_list(organisation=org, where=request.GET.get("where"), order=_order(request))
        except WhereSyntaxError as exc:
            return _where_error(exc)
        return wire.api_response(wire.envelope("Payments", items))
    body = _json_body(request)
    if body is _post_data_invalid:
        return _post_data_invalid()
    summarize = wire.parse_bool(request.GET.get("summarizeErrors"), default=True)
    outcomes, failed = services.payments_submit(
        organisation=org,
        elements=_elements(body, "Payments"),
        summarize_errors=summarize,
        idempotency_key=request.headers.get("Idempotency-Key", ""),
        app=_app_client_id(request),
    )
    if failed:
        return _validation_error(
            [
                {**o.payload, "ValidationErrors": [{"Message": m} for m in o.errors]}
                for o in outcomes
                if o.errors
            ]
        )
    items = []
    for outcome in outcomes:
        if outcome.payment is not None:
            item = serializers.payment_json(outcome.payment)
            if not summarize:
                item["StatusAttributeString"] = "OK"
        else:
            item = {
                **outcome.payload,
                "StatusAttributeString": "ERROR",
                "HasValidationErrors": True,
                "ValidationErrors": [{"Message": m} for m in outcome.errors],
            }
        items.append(item)
    return wire.api_response(wire.envelope("Payments", items))


def _attachments_scopes(kind: str) -> dict:
    scopes = SCOPES_BY_KIND[kind]
    # Writing needs accounting.attachments; the gate checks one scope set, the view checks the other.
    return {"read": scopes["read"] + ("accounting.attachments", "accounting.attachments.read"), "write": ("accounting.attachments",)}


def _has_document_scope(request, kind: str) -> bool:
    token, _problem = bearer_token(request)
    granted = set(token.scopes.split()) if token else set()
    return bool(granted & set(SCOPES_BY_KIND[kind]["write"] + SCOPES_BY_KIND[kind]["read"]))


def _attachments_view(kind: str):
    @accounting_endpoint(scopes=_attachments_scopes(kind))
    def attachment_list(request, org, document_id):
        document = selectors.document_get(organisation=org, kind=kind, document_id=document_id)
        if document is None:
            return xero_problem(404, "Not Found", "The resource you're looking for cannot be found")
        items = [serializers.attachment_json(a, base_url=_base_url(request)) for a in document.attachments.all()]
        return wire.api_response(wire.envelope("Attachments", items))

    @accounting_endpoint(scopes=_attachments_scopes(kind))
    def attachment_file(request, org, document_id, file_name):
        if not _has_document_scope(request, kind):
            return missing_scope()
        document = selectors.document_get(organisation=org, kind=kind, document_id=document_id)
        if document is None:
            return xero_problem(404, "Not Found", "The resource you're looking for cannot be found")
        if request.method in ("PUT", "POST"):
            try:
                attachment = services.attachment_put(
                    document=document,
                    file_name=file_name,
                    content=_raw_body(request),
                    content_type=request.content_type or "",
                    include_online=wire.parse_bool(request.GET.get("IncludeOnline")),
                    idempotency_key=request.headers.get("Idempotency-Key", ""),
                )
            except services.AttachmentRejected as exc:
                if exc.status in (413, 500):
                    return wire.api_response(
                        {"Title": exc.title, "Status": exc.status, "Detail": exc.detail}, status=exc.status
                    )
                return _validation_error([{"ValidationErrors": [{"Message": exc.detail}]}])
            item = serializers.attachment_json(attachment, base_url=_base_url(request))
            return wire.api_response(wire.envelope("Attachments", [item]))
        attachment = selectors.attachment_find(document=document, name_or_id=file_name)
        if attachment is None:
            return xero_problem(404, "Not Found", "The resource you're looking for cannot be found")
        response = HttpResponse(bytes(attachment.content), content_type=attachment.mime_type)
        response["Content-Length"] = str(attachment.content_length)
        return response

    return attachment_list, attachment_file


invoice_attachments, invoice_attachment = _attachments_view(DocumentKind.INVOICE)
credit_note_attachments, credit_note_attachment = _attachments_view(DocumentKind.CREDIT_NOTE)
bank_transaction_attachments, bank_transaction_attachment = _attachments_view(DocumentKind.BANK_TRANSACTION)
