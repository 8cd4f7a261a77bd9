"""Reads for the Accounting API and the organisation page."""

import datetime as dt
import math

from django.db.models import Prefetch, Q

from . import serializers, wire
from .models import (
    Account,
    Attachment,
    Contact,
    ContactStatus,
    Currency,
    Document,
    DocumentKind,
    LineItem,
    Payment,
    TaxRate,
    TrackingCategory,
)
from .where import compile_where, order_records


def _filter(items: list[dict], where: str | None, order: str | None = None) -> list[dict]:
    predicate = compile_where(where)
    found = items if predicate is None else [item for item in items if predicate(item)]
    return order_records(found, order)


def accounts_list(*, organisation, where: str | None = None, modified_since=None, order: str | None = None) -> list[dict]:
    accounts = Account.objects.filter(organisation=organisation)
    if modified_since is not None:
        accounts = accounts.filter(updated_at__gt=modified_since)
    return _filter([serializers.account_json(account) for account in accounts], where, order)


def contacts_page(
    *,
    organisation,
    where: str | None = None,
    modified_since=None,
    ids: list[str] | None = None,
    include_archived: bool = False,
    summary_only: bool = False,
    search_term: str = "",
    page: int | None = None,
    page_size: int = 100,
    order: str | None = None,
) -> tuple[list[dict], dict | None]:
    contacts = Contact.objects.filter(organisation=organisation).order_by("name", "id")
    if not include_archived:
        contacts = contacts.exclude(status=ContactStatus.ARCHIVED)
    if modified_since is not None:
        contacts = contacts.filter(updated_at__gt=modified_since)
    if ids:
        contacts = contacts.filter(pk__in=[value for value in map(wire.parse_uuid, ids) if value])
    if search_term:
        contacts = contacts.filter(
            Q(name__icontains=search_term)
            | Q(first_name__icontains=search_term)
            | Q(last_name__icontains=search_term)
            | Q(contact_number__icontains=search_term)
            | Q(email_address__icontains=search_term)
        )
    items = _filter([serializers.contact_json(c, summary=summary_only) for c in contacts], where, order)
    return _paginate(items, page=page, page_size=page_size)


def _paginate(items: list, *, page: int | None, page_size: int) -> tuple[list, dict | None]:
    if page is None:
        return items, None
    page = max(page, 1)
    start = (page - 1) * page_size
    pagination = {
        "page": page,
        "pageSize": page_size,
        "pageCount": math.ceil(len(items) / page_size) if items else 0,
        "itemCount": len(items),
    }
    return items[start : start + page_size], pagination


def tracking_categories_list(*, organisation, include_archived: bool = False, where: str | None = None,
                             order: str | None = None) -> list[dict]:
    categories = TrackingCategory.objects.filter(organisation=organisation).prefetch_related("options")
    if not include_archived:
        categories = categories.filter(status="ACTIVE")
    items = []
    for category in categories:
        options = [o for o in category.options.all() if include_archived or o.status == "ACTIVE"]
        items.append(serializers.tracking_category_json(category, options))
    return _filter(items, where, order)


def tax_rates_list(*, organisation, where: str | None = None, order: str | None = None) -> list[dict]:
    return _filter([serializers.tax_rate_json(r) for r in TaxRate.objects.filter(organisation=organisation)], where,
                   order)


def currencies_list(*, organisation, where: str | None = None, order: str | None = None) -> list[dict]:
    codes = list(Currency.objects.filter(organisation=organisation))
    if not any(currency.code == organisation.base_currency for currency in codes):
        codes.insert(0, Currency(code=organisation.base_currency, description=organisation.base_currency))
    return _filter([serializers.currency_json(currency) for currency in codes], where, order)


def documents_queryset(*, organisation, kind: str | None = None):
    documents = Document.objects.filter(organisation=organisation)
    if kind:
        documents = documents.filter(kind=kind)
    return documents.select_related("contact", "bank_account").prefetch_related(
        Prefetch("line_items", queryset=LineItem.objects.order_by("position")),
        Prefetch("payments", queryset=Payment.objects.select_related("account")),
        Prefetch("attachments", queryset=Attachment.objects.defer("content")),
    )


def document_get(*, organisation, kind: str, document_id) -> Document | None:
    document_id = wire.parse_uuid(document_id)
    if document_id is None:
        return None
    return documents_queryset(organisation=organisation, kind=kind).filter(pk=document_id).first()


def documents_page(
    *,
    organisation,
    kind: str,
    where: str | None = None,
    modified_since=None,
    ids: list[str] | None = None,
    numbers: list[str] | None = None,
    contact_ids: list[str] | None = None,
    statuses: list[str] | None = None,
    page: int | None = None,
    page_size: int = 100,
    base_url: str = "",
    order: str | None = None,
    unit_dp: int = 2,
) -> tuple[list[dict], dict | None]:
    documents = documents_queryset(organisation=organisation, kind=kind).order_by("created_at", "id")
    if modified_since is not None:
        # If-Modified-Since: "only records created or modified since this timestamp will be
        # returned" (https://developer.xero.com/documentation/api/accounting/invoices,
        # …/creditnotes, …/banktransactions), whatever their status, deleted and voided
        # included: UpdatedDateUTC later than the header. UpdatedDateUTC goes out to the
        # millisecond, so it is compared at that precision: a client that sends back the
        # newest UpdatedDateUTC it saw doesn't get that document again.
        documents = documents.filter(updated_at__gte=_next_millisecond(modified_since))
    if ids:
        documents = documents.filter(pk__in=[value for value in map(wire.parse_uuid, ids) if value])
    if numbers:
        documents = documents.filter(number__in=numbers)
    if contact_ids:
        documents = documents.filter(contact_id__in=[value for value in map(wire.parse_uuid, contact_ids) if value])
    if statuses:
        documents = documents.filter(status__in=[status.upper() for status in statuses])
    # Xero leaves line items out of unpaged multi-document lists.
    with_lines = page is not None or kind == DocumentKind.BANK_TRANSACTION
    items = [serializers.document_json(d, with_lines=with_lines, base_url=base_url, unit_dp=unit_dp) for d in documents]
    return _paginate(_filter(items, where, order), page=page, page_size=page_size)


def _next_millisecond(moment):
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000) + dt.timedelta(milliseconds=1)


def payments_list(*, organisation, where: str | None = None, order: str | None = None) -> list[dict]:
    payments = Payment.objects.filter(organisation=organisation).select_related("document__contact", "account")
    return _filter([serializers.payment_json(payment) for payment in payments], where, order)


def attachment_find(*, document: Document, name_or_id: str) -> Attachment | None:
    attachment_id = wire.parse_uuid(name_or_id)
    if attachment_id is not None:
        found = document.attachments.filter(pk=attachment_id).first()
        if found is not None:
            return found
    return document.attachments.filter(file_name=name_or_id).first()


def organisation_summary(*, organisation) -> dict:
    """Counts and recent documents for the organisation's "Xero" page."""
    documents = list(documents_queryset(organisation=organisation).order_by("-created_at")[:200])
    return {
        "accounts": Account.objects.filter(organisation=organisation).count(),
        "contacts": Contact.objects.filter(organisation=organisation).count(),
        "archived_contacts": Contact.objects.filter(organisation=organisation, status=ContactStatus.ARCHIVED).count(),
        "tracking_categories": TrackingCategory.objects.filter(organisation=organisation)
        .prefetch_related("options")
        .order_by("name"),
        "bills": [d for d in documents if d.type == "ACCPAY"],
        "sales_invoices": [d for d in documents if d.type == "ACCREC"],
        "credit_notes": [d for d in documents if d.kind == DocumentKind.CREDIT_NOTE],
        "bank_transactions": [d for d in documents if d.kind == DocumentKind.BANK_TRANSACTION],
        "payments": Payment.objects.filter(organisation=organisation).select_related("document", "account")[:100],
    }
