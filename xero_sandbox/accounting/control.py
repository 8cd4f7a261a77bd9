"""Changes a test, benchmark or demo makes to an organisation's books "in Xero".

Used in-process by product tests (``from xero_sandbox.accounting import control``),
by the JSON control endpoints under ``/xero-sandbox/control/orgs/<id>/…`` and by
the forms on the organisation page. Every change bumps ``UpdatedDateUTC`` to the
sandbox clock so ``If-Modified-Since`` refreshes pick it up.
"""

import random
import uuid
from collections import Counter
from decimal import Decimal

from django.db import transaction
from django.db.models import Count

from xero_sandbox import clock, webhooks

from .models import (
    Account,
    Contact,
    ContactStatus,
    Document,
    Status,
    TaxRate,
    TrackingCategory,
    TrackingOption,
)


class ControlError(ValueError):
    pass


@transaction.atomic
def account_archive(*, organisation, code: str) -> Account:
    account = Account.objects.filter(organisation=organisation, code=code).first()
    if account is None:
        raise ControlError(f"No account with code {code!r}.")
    account.status = Status.ARCHIVED
    account.updated_at = clock.now()
    account.save(update_fields=["status", "updated_at"])
    return account


def _contact(organisation, *, contact_id=None, name: str | None = None) -> Contact:
    contacts = Contact.objects.filter(organisation=organisation)
    contact = contacts.filter(pk=contact_id).first() if contact_id else contacts.filter(name__iexact=name or "").first()
    if contact is None:
        raise ControlError(f"No contact {contact_id or name!r}.")
    return contact


@transaction.atomic
def contact_archive(*, organisation, contact_id=None, name: str | None = None) -> Contact:
    contact = _contact(organisation, contact_id=contact_id, name=name)
    contact.status = ContactStatus.ARCHIVED
    contact.updated_at = clock.now()
    contact.save(update_fields=["status", "updated_at"])
    webhooks.record_contact(contact, created=False)
    return contact


@transaction.atomic
def contact_add(
    *, organisation, name: str, is_supplier: bool = True, is_customer: bool = False, email_address: str = ""
) -> Contact:
    if not name.strip():
        raise ControlError("A contact needs a name.")
    contact = Contact.objects.create(
        organisation=organisation,
        name=name.strip(),
        is_supplier=is_supplier,
        is_customer=is_customer,
        email_address=email_address,
        updated_at=clock.now(),
    )
    webhooks.record_contact(contact, created=True)
    return contact


@transaction.atomic
def contact_rename(*, organisation, new_name: str, contact_id=None, name: str | None = None) -> Contact:
    if not new_name.strip():
        raise ControlError("A contact needs a name.")
    contact = _contact(organisation, contact_id=contact_id, name=name)
    contact.name = new_name.strip()
    contact.updated_at = clock.now()
    contact.save(update_fields=["name", "updated_at"])
    webhooks.record_contact(contact, created=False)
    return contact


@transaction.atomic
def contact_upsert(*, organisation, data: dict) -> Contact:
    """Create or update a contact from an API element (PUT/POST /Contacts)."""
    contact = None
    if data.get("ContactID"):
        try:
            contact = Contact.objects.filter(organisation=organisation, pk=uuid.UUID(str(data["ContactID"]))).first()
        except ValueError:
            contact = None
    if contact is None:
        contact = Contact.objects.filter(organisation=organisation, name__iexact=data["Name"]).first()
    contact = contact or Contact(organisation=organisation)
    contact.name = data.get("Name") or contact.name
    from .services import CONTACT_FIELDS

    for field, key in CONTACT_FIELDS:
        if key in data:
            setattr(contact, field, data[key] or "")
    if data.get("ContactStatus") in ContactStatus.values:
        contact.status = data["ContactStatus"]
    contact.updated_at = clock.now()
    created = contact._state.adding
    contact.save()
    webhooks.record_contact(contact, created=created)
    return contact


@transaction.atomic
def tracking_option_set_status(*, organisation, category: str, option: str, status: str = Status.ARCHIVED):
    found = TrackingOption.objects.filter(
        category__organisation=organisation, category__name__iexact=category, name__iexact=option
    ).first()
    if found is None:
        raise ControlError(f"No tracking option {option!r} in {category!r}.")
    now = clock.now()
    found.status = status
    found.updated_at = now
    found.save(update_fields=["status", "updated_at"])
    TrackingCategory.objects.filter(pk=found.category_id).update(updated_at=now)
    return found


def tracking_option_archive(*, organisation, category: str, option: str):
    return tracking_option_set_status(organisation=organisation, category=category, option=option)


def tracking_option_delete(*, organisation, category: str, option: str):
    return tracking_option_set_status(organisation=organisation, category=category, option=option, status=Status.DELETED)


def documents(organisation, *, type: str | None = None, kind: str | None = None):  # noqa: A002 - Xero's word
    """The documents that arrived, newest first (``type`` = ACCPAY, ACCREC, SPEND …)."""
    found = Document.objects.filter(organisation=organisation).prefetch_related("line_items", "attachments")
    if type:
        found = found.filter(type=type)
    if kind:
        found = found.filter(kind=kind)
    return list(found.select_related("contact").order_by("-created_at"))


def count_duplicates(organisation) -> int:
    """Documents beyond the first with the same type, contact, reference (or number) and total."""
    rows = (
        Document.objects.filter(organisation=organisation)
        .exclude(status__in=("DELETED", "VOIDED"))
        .values("type", "contact_id", "reference", "number", "total")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    return sum(row["n"] - 1 for row in rows)


def idempotency_key_counts(organisation) -> Counter:
    """How many documents each Idempotency-Key created (a key creating two means a replay failed)."""
    keys = Document.objects.filter(organisation=organisation).exclude(idempotency_key="")
    return Counter(keys.values_list("idempotency_key", flat=True))


def generate_large_organisation(
    organisation,
    *,
    contacts: int = 10000,
    accounts: int = 1000,
    tracking_categories: int = 2,
    options_per_category: int = 100,
    tax_rates: int = 50,
    seed: int = 7,
) -> dict:
    """Add lots of reference data (bulk inserts) for benchmarks; returns what was added."""
    rng = random.Random(seed)
    now = clock.now()
    with transaction.atomic():
        existing_codes = set(Account.objects.filter(organisation=organisation).values_list("code", flat=True))
        new_accounts, code = [], 10000
        types = ["OVERHEADS", "EXPENSE", "DIRECTCOSTS", "SALES", "REVENUE", "CURRENT", "FIXED"]
        while len(new_accounts) < accounts:
            code += 1
            if str(code) in existing_codes:
                continue
            account_type = rng.choice(types)
            new_accounts.append(
                Account(
                    organisation=organisation,
                    code=str(code),
                    name=f"Generated account {code}",
                    type=account_type,
                    tax_type="NONE",
                    updated_at=now,
                )
            )
        Account.objects.bulk_create(new_accounts, batch_size=500)
        words = ["Alpha", "Birch", "Cobalt", "Delta", "Ember", "Fjord", "Granite", "Harbour", "Indigo", "Juniper"]
        kinds = ["Supplies", "Trading", "Services", "Foods", "Logistics", "Studio", "Partners", "Works"]
        Contact.objects.bulk_create(
            [
                Contact(
                    organisation=organisation,
                    name=f"{rng.choice(words)} {rng.choice(kinds)} {index:05d}",
                    is_supplier=index % 3 != 1,
                    is_customer=index % 3 != 0,
                    status=ContactStatus.ARCHIVED if index % 50 == 0 else ContactStatus.ACTIVE,
                    updated_at=now,
                )
                for index in range(contacts)
            ],
            batch_size=1000,
        )
        categories = [
            TrackingCategory(organisation=organisation, name=f"Generated category {index + 1}", updated_at=now)
            for index in range(tracking_categories)
        ]
        TrackingCategory.objects.bulk_create(categories)
        TrackingOption.objects.bulk_create(
            [
                TrackingOption(category=category, name=f"Option {index + 1:03d}", updated_at=now)
                for category in categories
                for index in range(options_per_category)
            ],
            batch_size=1000,
        )
        existing_types = set(TaxRate.objects.filter(organisation=organisation).values_list("tax_type", flat=True))
        new_rates = []
        index = 0
        while len(new_rates) < tax_rates:
            index += 1
            tax_type = f"TAX{index:03d}"
            if tax_type in existing_types:
                continue
            rate = Decimal(rng.choice([0, 5, 10, 12.5, 15, 20])).quantize(Decimal("0.0001"))
            new_rates.append(
                TaxRate(
                    organisation=organisation,
                    tax_type=tax_type,
                    name=f"Generated rate {index} ({rate.normalize()}%)",
                    report_tax_type="INPUT",
                    effective_rate=rate,
                    display_tax_rate=rate,
                    components=[{"Name": "Tax", "Rate": str(rate), "IsCompound": False, "IsNonRecoverable": False}],
                    updated_at=now,
                )
            )
        TaxRate.objects.bulk_create(new_rates)
    return {
        "contacts": contacts,
        "accounts": accounts,
        "tracking_categories": tracking_categories,
        "tracking_options": tracking_categories * options_per_category,
        "tax_rates": tax_rates,
    }


# --- Paying, voiding and deleting a document, as a person does in Xero ------------------------
# Xero's rules (https://developer.xero.com/documentation/api/accounting/invoices, "Deleting
# and voiding"): only DRAFT and SUBMITTED documents can be deleted; an AUTHORISED one can be
# voided, and only while it has no payments; a payment needs an AUTHORISED document.

_PAYABLE_KINDS = ("invoice", "creditnote")
_WHAT = {"ACCPAY": "bill", "ACCREC": "invoice", "ACCPAYCREDIT": "credit note", "ACCRECCREDIT": "credit note"}


def _document(organisation, document_id) -> Document:
    try:
        document = Document.objects.filter(organisation=organisation, pk=uuid.UUID(str(document_id))).first()
    except ValueError:
        document = None
    if document is None or document.kind not in _PAYABLE_KINDS:
        raise ControlError(f"No invoice, bill or credit note {document_id!r}.")
    return document


def document_label(document: Document) -> str:
    return f"{_WHAT.get(document.type, 'document')} {document.number or document.reference or document.pk}"


def document_pay_in_full(*, organisation, document_id, account_code: str = "") -> Document:
    """Pay what is due on an AUTHORISED invoice, bill or credit note from a bank account (the
    first one unless ``account_code``): a Payment, then the document is PAID with its
    FullyPaidOnDate, and a webhook event as Xero sends."""
    from . import services

    document = _document(organisation, document_id)
    if document.status != "AUTHORISED":
        raise ControlError(
            f"Xero takes payments only on approved (AUTHORISED) documents; this {document_label(document)} is {document.status}."
        )
    banks = Account.objects.filter(organisation=organisation, type="BANK", status=Status.ACTIVE).order_by("code")
    bank = banks.filter(code=account_code).first() if account_code else banks.first()
    if bank is None:
        raise ControlError("The organisation has no active bank account to pay from.")
    reference_key = "Invoice" if document.kind == "invoice" else "CreditNote"
    id_key = "InvoiceID" if document.kind == "invoice" else "CreditNoteID"
    outcomes, _failed = services.payments_submit(
        organisation=organisation,
        elements=[{
            reference_key: {id_key: str(document.pk)},
            "Account": {"Code": bank.code},
            "Amount": str(document.amount_due),
            "Date": clock.now().date().isoformat(),
            "Reference": "Paid in full on the sandbox's organisation page",
        }],
        summarize_errors=True,
    )
    if outcomes[0].errors:
        raise ControlError(f"Xero refused the payment: {' '.join(outcomes[0].errors)}")
    document.refresh_from_db()
    return document


def _set_status(organisation, document: Document, status: str) -> Document:
    from .documents import documents_submit
    from .serializers import ID_FIELD

    result = documents_submit(
        organisation=organisation, kind=document.kind, elements=[{ID_FIELD[document.kind]: str(document.pk),
                                                                  "Status": status}],
        summarize_errors=True, allow_update=True, document_id=document.pk,
    )
    if result.failed:
        errors = [error["Message"] for element in result.outcomes for error in element.get("ValidationErrors", [])]
        raise ControlError(f"Xero refused: {' '.join(errors)}")
    document.refresh_from_db()
    return document


def document_void(*, organisation, document_id) -> Document:
    document = _document(organisation, document_id)
    if document.status in ("DRAFT", "SUBMITTED"):
        raise ControlError(
            f"Xero voids only approved documents; this {document_label(document)} is {document.status}: delete it instead."
        )
    if document.status != "AUTHORISED" or document.amount_paid:
        why = "it has payments: remove them first" if document.amount_paid else f"it is {document.status}"
        raise ControlError(f"Xero cannot void this {document_label(document)}: {why}.")
    return _set_status(organisation, document, "VOIDED")


def document_delete(*, organisation, document_id) -> Document:
    document = _document(organisation, document_id)
    if document.status not in ("DRAFT", "SUBMITTED"):
        instead = " void it instead" if document.status == "AUTHORISED" and not document.amount_paid else ""
        raise ControlError(
            f"Xero deletes only draft or awaiting-approval documents; this {document_label(document)} is "
            f"{document.status}{':' + instead if instead else ''}."
        )
    return _set_status(organisation, document, "DELETED")
