"""Creating and updating invoices, credit notes and bank transactions as Xero does.

``documents_submit`` is the write path behind PUT/POST of ``Invoices``,
``CreditNotes`` and ``BankTransactions``: each element is validated against the
organisation's books (accounts, tax rates, tracking, contacts, currencies, lock
dates), its totals are computed (see ``totals``), and then either the whole batch is
saved or, with ``summarizeErrors=false``, each good element is saved and each bad one
is echoed with its ``ValidationErrors``.
"""

import dataclasses
import uuid
from decimal import Decimal

from django.db import transaction

from xero_sandbox import clock, webhooks

from . import messages as msg
from . import rates, totals, wire
from .models import (
    Account,
    Contact,
    ContactStatus,
    Currency,
    Document,
    DocumentKind,
    LineItem,
    Status,
    TaxRate,
    TrackingCategory,
)
from .serializers import ID_FIELD

TYPES = {
    DocumentKind.INVOICE: ("ACCPAY", "ACCREC"),
    DocumentKind.CREDIT_NOTE: ("ACCPAYCREDIT", "ACCRECCREDIT"),
    DocumentKind.BANK_TRANSACTION: ("SPEND", "RECEIVE"),
}
NUMBER_FIELD = {DocumentKind.INVOICE: "InvoiceNumber", DocumentKind.CREDIT_NOTE: "CreditNoteNumber"}
# Sales documents' numbers are unique in an organisation; bills' and supplier credit notes' are not.
UNIQUE_NUMBER_TYPES = {"ACCREC": msg.INVOICE_NUMBER_NOT_UNIQUE, "ACCRECCREDIT": msg.CREDIT_NOTE_NUMBER_NOT_UNIQUE}
NOUN = {DocumentKind.INVOICE: "Invoice", DocumentKind.CREDIT_NOTE: "Credit Note",
        DocumentKind.BANK_TRANSACTION: "Bank Transaction"}
ZERO_GUID = "00000000-0000-0000-0000-000000000000"
CREATION_STATUSES = ("DRAFT", "SUBMITTED", "AUTHORISED")
# Status changes Xero allows on an update (https://developer.xero.com/documentation/api/accounting/invoices).
STATUS_CHANGES = {
    "DRAFT": {"DRAFT", "SUBMITTED", "AUTHORISED", "DELETED"},
    "SUBMITTED": {"DRAFT", "SUBMITTED", "AUTHORISED", "DELETED"},
    "AUTHORISED": {"AUTHORISED", "VOIDED"},
    "PAID": {"PAID"},
    "DELETED": set(),
    "VOIDED": set(),
}
# A bank transaction (spend or receive money) is deleted by setting its Status to DELETED
# ("Deleting BankTransactions", https://developer.xero.com/documentation/api/accounting/banktransactions);
# once reconciled with a bank statement line it can't be changed.
BANK_TRANSACTION_STATUS_CHANGES = {"AUTHORISED": {"AUTHORISED", "DELETED"}}
# Nothing about a VOIDED or DELETED document can be changed any more.
FINAL_STATUSES = ("VOIDED", "DELETED")
LINE_AMOUNT_TYPES = ("Exclusive", "Inclusive", "NoTax")
# Lines may not post to these: they are the document's own control accounts.
_CONTROL_SYSTEM_ACCOUNTS = {"DEBTORS", "CREDITORS", "GST", "GSTONIMPORTS", "UNPAIDEXPCLM", "WAGEPAYABLES", "HISTORICAL"}
_SUPPLIER_TYPES = {"ACCPAY", "ACCPAYCREDIT", "SPEND"}


class Books:
    """The organisation's reference data, loaded once per request for a whole batch."""

    def __init__(self, organisation):
        self.organisation = organisation
        accounts = list(Account.objects.filter(organisation=organisation))
        self.accounts_by_code = {account.code.upper(): account for account in accounts if account.code}
        self.accounts_by_id = {account.pk: account for account in accounts}
        self.tax_rates = {rate.tax_type.upper(): rate for rate in TaxRate.objects.filter(organisation=organisation)}
        self.currencies = {organisation.base_currency} | set(
            Currency.objects.filter(organisation=organisation).values_list("code", flat=True)
        )
        self.categories_by_name: dict[str, TrackingCategory] = {}
        self.categories_by_id: dict[uuid.UUID, TrackingCategory] = {}
        self.options: dict[uuid.UUID, dict] = {}
        for category in TrackingCategory.objects.filter(organisation=organisation).prefetch_related("options"):
            self.categories_by_id[category.pk] = category
            if category.status == Status.ACTIVE:
                self.categories_by_name[category.name.lower()] = category
            self.options[category.pk] = {option.pk: option for option in category.options.all()}
        # Contacts created by name earlier in the same batch.
        self.new_contacts: dict[str, Contact] = {}
        self.new_numbers: set[tuple[str, str]] = set()

    def account(self, *, code: str | None, account_id) -> Account | None:
        if account_id:
            return self.accounts_by_id.get(wire.parse_uuid(account_id))
        if code:
            return self.accounts_by_code.get(str(code).upper())
        return None


@dataclasses.dataclass
class PreparedLine:
    fields: dict


@dataclasses.dataclass
class Prepared:
    kind: str
    payload: dict
    errors: list[str]
    existing: Document | None = None
    fields: dict = dataclasses.field(default_factory=dict)
    contact: Contact | None = None
    new_contact_name: str = ""
    lines: list[PreparedLine] = dataclasses.field(default_factory=list)


def _decimal(value, field: str, errors: list[str]) -> Decimal | None:
    try:
        return wire.parse_decimal(value)
    except ValueError:
        errors.append(msg.NUMBER_NOT_VALID.format(value=value, field=field))
        return None


def _date(value, errors: list[str]):
    try:
        return wire.parse_date(value)
    except (TypeError, ValueError):
        errors.append(msg.DATE_NOT_VALID.format(value=value))
        return None


def _format_lock_date(value) -> str:
    return f"{value.day} {value:%b %Y}"


def _resolve_contact(books: Books, data, kind: str, errors: list[str], prepared: Prepared) -> None:
    if not isinstance(data, dict) or not any(data.get(key) for key in ("ContactID", "ContactNumber", "Name")):
        errors.append(msg.CONTACT_REQUIRED)
        return
    org = books.organisation
    contact = None
    if data.get("ContactID"):
        contact_id = wire.parse_uuid(data["ContactID"])
        contact = Contact.objects.filter(organisation=org, pk=contact_id).first() if contact_id else None
        if contact is None:
            errors.append(msg.CONTACT_NOT_FOUND)
            return
    elif data.get("ContactNumber"):
        contact = Contact.objects.filter(organisation=org, contact_number=data["ContactNumber"]).first()
    if contact is None and data.get("Name"):
        name = str(data["Name"]).strip()
        contact = Contact.objects.filter(organisation=org, name__iexact=name).first()
        if contact is None:
            contact = books.new_contacts.get(name.lower())
        if contact is None:
            # Xero creates a contact when the name matches none (https://developer.xero.com/documentation/api/accounting/invoices).
            prepared.new_contact_name = name
            return
    if contact is None:
        errors.append(msg.CONTACT_NOT_FOUND)
        return
    if contact.status != ContactStatus.ACTIVE:
        errors.append(msg.CONTACT_ARCHIVED)
        return
    prepared.contact = contact


def _resolve_tracking(books: Books, entries, errors: list[str]) -> list[dict]:
    if not entries:
        return []
    if not isinstance(entries, list):
        entries = [entries]
    if len(entries) > 2:
        errors.append(msg.TOO_MANY_TRACKING)
        return []
    resolved = []
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        category = None
        if entry.get("TrackingCategoryID"):
            category = books.categories_by_id.get(wire.parse_uuid(entry["TrackingCategoryID"]))
            if category is not None and category.status != Status.ACTIVE:
                category = None
        if category is None and entry.get("Name"):
            category = books.categories_by_name.get(str(entry["Name"]).lower())
        if category is None:
            errors.append(msg.NO_ACTIVE_TRACKING_CATEGORY.format(name=entry.get("Name") or ""))
            continue
        options = books.options.get(category.pk, {})
        option = None
        if entry.get("TrackingOptionID"):
            option = options.get(wire.parse_uuid(entry["TrackingOptionID"]))
        if option is None and entry.get("Option"):
            wanted = str(entry["Option"]).lower()
            option = next((o for o in options.values() if o.name.lower() == wanted and o.status != "DELETED"), None)
        label = entry.get("Option") or (option.name if option else "")
        if option is None or option.status == Status.DELETED:
            errors.append(msg.TRACKING_OPTION_UNKNOWN.format(option=label, name=category.name))
            continue
        if option.status == Status.ARCHIVED:
            errors.append(msg.TRACKING_OPTION_ARCHIVED.format(option=option.name))
            continue
        resolved.append(
            {
                "TrackingCategoryID": str(category.pk),
                "TrackingOptionID": str(option.pk),
                "Name": category.name,
                "Option": option.name,
            }
        )
    return resolved


def _prepare_line(books: Books, data: dict, *, position: int, line_amount_types: str, status: str, errors: list[str],
                  unit_decimal_places: int = 2):
    line_errors: list[str] = []
    quantity = _decimal(data.get("Quantity"), "Quantity", line_errors)
    unit_amount = _decimal(data.get("UnitAmount"), "UnitAmount", line_errors)
    if unit_amount is not None:
        unit_amount = totals.round_unit(unit_amount, places=unit_decimal_places)
    line_amount = _decimal(data.get("LineAmount"), "LineAmount", line_errors)
    tax_amount = _decimal(data.get("TaxAmount"), "TaxAmount", line_errors)
    code = data.get("AccountCode")
    account = books.account(code=code, account_id=data.get("AccountID"))
    label = code or data.get("AccountID") or ""
    if account is None and (code or data.get("AccountID")):
        line_errors.append(msg.ACCOUNT_NOT_VALID_FOR_DOCUMENT.format(code=label))
    elif account is not None and account.status != Status.ACTIVE:
        line_errors.append(msg.ACCOUNT_ARCHIVED.format(code=account.code))
        account = None
    elif account is not None and (account.type == "BANK" or account.system_account in _CONTROL_SYSTEM_ACCOUNTS):
        line_errors.append(msg.ACCOUNT_NOT_VALID_FOR_DOCUMENT.format(code=account.code))
        account = None
    elif account is None and status != "DRAFT":
        line_errors.append(msg.ACCOUNT_CODE_REQUIRED)
    tax_type = (data.get("TaxType") or "").strip()
    if line_amount_types == "NoTax":
        tax_type = tax_type or "NONE"
    elif not tax_type and account is not None:
        tax_type = account.tax_type or "NONE"
    rate_percent = Decimal(0)
    if tax_type:
        rate = books.tax_rates.get(tax_type.upper())
        if rate is None or rate.status != "ACTIVE":
            line_errors.append(msg.TAX_RATE_NOT_VALID)
        else:
            tax_type = rate.tax_type
            rate_percent = rate.effective_rate
            if account is not None and not rate.can_apply_to(account.account_class):
                line_errors.append(msg.TAX_TYPE_NOT_FOR_ACCOUNT.format(tax_type=tax_type, code=account.code))
    tracking = _resolve_tracking(books, data.get("Tracking"), line_errors)
    errors.extend(line_errors)
    if line_errors:
        return None
    computed = totals.line_totals(
        line_amount_types=line_amount_types if tax_type else "NoTax",
        rate_percent=rate_percent,
        quantity=quantity,
        unit_amount=unit_amount,
        line_amount=line_amount,
        tax_amount=tax_amount if line_amount_types != "NoTax" else None,
    )
    if abs(computed.tax_amount) > abs(computed.line_amount):
        errors.append(msg.TAX_GREATER_THAN_LINE)
        return None
    return computed, PreparedLine(
        fields={
            "id": wire.parse_uuid(data.get("LineItemID")) or uuid.uuid4(),
            "position": position,
            "description": str(data.get("Description") or ""),
            "quantity": computed.quantity,
            "unit_amount": computed.unit_amount,
            "item_code": str(data.get("ItemCode") or ""),
            "account_code": account.code if account else "",
            "account": account,
            "tax_type": tax_type,
            "tax_amount": computed.tax_amount,
            "line_amount": computed.line_amount,
            "tracking": tracking,
        }
    )


def prepare_document(*, books: Books, kind: str, payload, existing: Document | None = None,
                     unit_decimal_places: int = 2) -> Prepared:
    """Validate one element and compute everything needed to save it."""
    if not isinstance(payload, dict):
        return Prepared(kind=kind, payload={}, errors=[msg.TYPE_NOT_VALID.format(value=payload)])
    errors: list[str] = []
    prepared = Prepared(kind=kind, payload=payload, errors=errors, existing=existing)
    org = books.organisation
    if existing is not None:
        from .serializers import document_json

        base = document_json(existing, unit_dp=4)
        base.pop("Payments", None)
        base.pop("Attachments", None)
        data = {**base, **payload}
    else:
        data = payload

    doc_type = str(data.get("Type") or "").upper()
    if doc_type not in TYPES[kind]:
        errors.append(msg.TYPE_NOT_VALID.format(value=data.get("Type") or ""))
    default_status = "AUTHORISED" if kind == DocumentKind.BANK_TRANSACTION else "DRAFT"
    status = str(data.get("Status") or default_status).upper()
    if existing is None:
        allowed = ("AUTHORISED",) if kind == DocumentKind.BANK_TRANSACTION else CREATION_STATUSES
        if status not in allowed:
            errors.append(msg.STATUS_NOT_VALID.format(value=status))
    elif (
        existing.status in FINAL_STATUSES
        or status not in (
            BANK_TRANSACTION_STATUS_CHANGES if kind == DocumentKind.BANK_TRANSACTION else STATUS_CHANGES
        ).get(existing.status, set())
        or (status == "VOIDED" and existing.amount_paid)
        or (kind == DocumentKind.BANK_TRANSACTION and existing.is_reconciled)
    ):
        errors.append(msg.NOT_VALID_STATUS_FOR_MODIFICATION.format(noun=NOUN[kind]))
    line_amount_types = data.get("LineAmountTypes") or "Exclusive"
    matching = [value for value in LINE_AMOUNT_TYPES if value.lower() == str(line_amount_types).lower()]
    if not matching:
        errors.append(msg.LINE_AMOUNT_TYPES_NOT_VALID.format(value=line_amount_types))
        line_amount_types = "Exclusive"
    else:
        line_amount_types = matching[0]

    _resolve_contact(books, data.get("Contact"), kind, errors, prepared)
    date = _date(data.get("Date"), errors) if data.get("Date") else clock.now().date()
    due_date = _date(data.get("DueDate"), errors) if data.get("DueDate") else None
    currency = str(data.get("CurrencyCode") or org.base_currency).upper()
    if currency not in books.currencies:
        errors.append(msg.CURRENCY_NOT_SUBSCRIBED.format(code=currency))
    currency_rate = _decimal(data.get("CurrencyRate"), "CurrencyRate", errors)
    if not currency_rate:
        currency_rate = rates.day_rate(base=org.base_currency, currency=currency, on=date or clock.now().date())

    bank_account = None
    if kind == DocumentKind.BANK_TRANSACTION:
        given = data.get("BankAccount") if isinstance(data.get("BankAccount"), dict) else {}
        bank_account = books.account(code=given.get("Code"), account_id=given.get("AccountID"))
        if bank_account is None or bank_account.type != "BANK" or bank_account.status != Status.ACTIVE:
            errors.append(msg.BANK_ACCOUNT_NOT_VALID)

    raw_lines = data.get("LineItems") or []
    if not isinstance(raw_lines, list):
        raw_lines = [raw_lines]
    if not raw_lines and (status != "DRAFT" or kind == DocumentKind.BANK_TRANSACTION):
        errors.append(msg.NO_LINE_ITEMS)
    line_totals = []
    for position, raw in enumerate(raw_lines):
        if not isinstance(raw, dict):
            continue
        result = _prepare_line(
            books, raw, position=position, line_amount_types=line_amount_types, status=status, errors=errors,
            unit_decimal_places=unit_decimal_places,
        )
        if result is not None:
            line_totals.append(result[0])
            prepared.lines.append(result[1])
    doc_totals = totals.document_totals(line_amount_types=line_amount_types, lines=line_totals)
    given_total = _decimal(payload.get("Total"), "Total", errors) if "Total" in payload else None
    if given_total is not None and not errors and totals.round_money(given_total) != doc_totals.total:
        errors.append(msg.TOTAL_MISMATCH.format(given=totals.round_money(given_total), computed=doc_totals.total))

    number = str(data.get(NUMBER_FIELD.get(kind, ""), "") or "").strip()
    if doc_type in UNIQUE_NUMBER_TYPES and number:
        taken = Document.objects.filter(organisation=org, kind=kind, type=doc_type, number__iexact=number)
        if existing is not None:
            taken = taken.exclude(pk=existing.pk)
        if taken.exists() or (doc_type, number.lower()) in books.new_numbers:
            errors.append(UNIQUE_NUMBER_TYPES[doc_type])

    # Lock dates bind posted documents only; Xero lets drafts through.
    if date is not None and (status in ("AUTHORISED", "PAID") or kind == DocumentKind.BANK_TRANSACTION):
        if org.end_of_year_lock_date and date <= org.end_of_year_lock_date:
            errors.append(msg.END_OF_YEAR_LOCKED.format(date=_format_lock_date(org.end_of_year_lock_date)))
        elif org.period_lock_date and date <= org.period_lock_date:
            errors.append(msg.PERIOD_LOCKED.format(date=_format_lock_date(org.period_lock_date)))

    prepared.fields = {
        "kind": kind,
        "type": doc_type,
        "status": status,
        "line_amount_types": line_amount_types,
        "date": date,
        "due_date": due_date,
        "currency_code": currency,
        "currency_rate": currency_rate,
        "number": number,
        "reference": str(data.get("Reference") or ""),
        "bank_account": bank_account,
        "is_reconciled": wire.parse_bool(data.get("IsReconciled"), default=False),
        "url": str(data.get("Url") or ""),
        "sub_total": doc_totals.sub_total,
        "total_tax": doc_totals.total_tax,
        "total": doc_totals.total,
    }
    if doc_type in UNIQUE_NUMBER_TYPES and number:
        books.new_numbers.add((doc_type, number.lower()))
    return prepared


def _next_number(org, kind: str, prefix: str) -> str:
    count = Document.objects.filter(organisation=org, kind=kind, type__in=("ACCREC", "ACCRECCREDIT")).count()
    while True:
        count += 1
        candidate = f"{prefix}-{count:04d}"
        if not Document.objects.filter(organisation=org, kind=kind, number=candidate).exists():
            return candidate


def save_prepared(*, books: Books, prepared: Prepared, idempotency_key: str = "", app: str = "") -> Document:
    """Write one validated element (inside the caller's transaction)."""
    org = books.organisation
    now = clock.now()
    fields = prepared.fields
    contact = prepared.contact
    if contact is None and prepared.new_contact_name:
        contact = books.new_contacts.get(prepared.new_contact_name.lower())
        if contact is None:
            contact = Contact.objects.create(organisation=org, name=prepared.new_contact_name, updated_at=now)
            books.new_contacts[prepared.new_contact_name.lower()] = contact
            webhooks.record_contact(contact, created=True)
    if contact is not None:
        # Xero sets these flags itself and does not bump UpdatedDateUTC for them.
        flag = "is_supplier" if fields["type"] in _SUPPLIER_TYPES else "is_customer"
        if not getattr(contact, flag):
            setattr(contact, flag, True)
            Contact.objects.filter(pk=contact.pk).update(**{flag: True})
    if not fields["number"] and fields["type"] == "ACCREC":
        fields["number"] = _next_number(org, DocumentKind.INVOICE, "INV")
    elif not fields["number"] and fields["type"] == "ACCRECCREDIT":
        fields["number"] = _next_number(org, DocumentKind.CREDIT_NOTE, "CN")
    document = prepared.existing
    if document is None:
        document = Document(
            organisation=org,
            created_at=now,
            idempotency_key=idempotency_key[:128],
            created_by_app=app[:100],
        )
    for name, value in fields.items():
        setattr(document, name, value)
    document.contact = contact
    document.updated_at = now
    document.save()
    if prepared.existing is not None:
        document.line_items.all().delete()
    LineItem.objects.bulk_create([LineItem(document=document, **line.fields) for line in prepared.lines])
    webhooks.record_document(document, created=prepared.existing is None)
    return document


def _echo(prepared: Prepared, *, summarize: bool) -> dict:
    """A refused element as Xero echoes it: what was sent, in Xero's shape (a zero GUID for
    the id it never got, MS-JSON dates, numbers as numbers) with its ValidationErrors; with
    ``summarizeErrors=false`` also ``StatusAttributeString: ERROR``
    (Xero-NetStandard #156 https://github.com/XeroAPI/Xero-NetStandard/issues/156)."""
    element = _failed_element(prepared.kind, prepared.payload if isinstance(prepared.payload, dict) else {})
    element["ValidationErrors"] = [{"Message": message} for message in prepared.errors]
    if prepared.kind != DocumentKind.BANK_TRANSACTION:
        element["HasErrors"] = True
    if not summarize:
        element["StatusAttributeString"] = "ERROR"
    return element


def echo_failed(element: dict) -> dict:
    """A ``summarizeErrors=false`` failure echoed in a 400 instead (the batch-400 fault)."""
    return {key: value for key, value in element.items() if key != "StatusAttributeString"}


def _failed_element(kind: str, payload: dict) -> dict:
    element: dict = {ID_FIELD[kind]: ZERO_GUID}
    if str(payload.get("Type") or "").upper() in TYPES[kind]:
        element["Type"] = str(payload["Type"]).upper()
    if str(payload.get("Status") or "").upper() in ("DRAFT", "SUBMITTED", "AUTHORISED", "DELETED", "VOIDED"):
        element["Status"] = str(payload["Status"]).upper()
    line_amount_types = [v for v in LINE_AMOUNT_TYPES if v.lower() == str(payload.get("LineAmountTypes") or "").lower()]
    if line_amount_types:
        element["LineAmountTypes"] = line_amount_types[0]
    for key in ("Reference", "Url", NUMBER_FIELD.get(kind, "")):
        if key and isinstance(payload.get(key), str) and payload[key]:
            element[key] = payload[key]
    contact = payload.get("Contact") if isinstance(payload.get("Contact"), dict) else {}
    if contact:
        element["Contact"] = {
            "ContactID": str(wire.parse_uuid(contact.get("ContactID")) or ZERO_GUID),
            **({"Name": str(contact["Name"])} if contact.get("Name") else {}),
        }
    for key in ("Date", "DueDate"):
        try:
            when = wire.parse_date(payload.get(key))
        except (TypeError, ValueError):
            when = None
        if when is not None and (key == "Date" or kind != DocumentKind.BANK_TRANSACTION):
            element[key] = wire.ms_date(when)
    lines = payload.get("LineItems") if isinstance(payload.get("LineItems"), list) else []
    element["LineItems"] = [_failed_line(line) for line in lines if isinstance(line, dict)]
    return element


def _failed_line(line: dict) -> dict:
    out: dict = {}
    for key in ("Description", "AccountCode", "TaxType", "ItemCode"):
        if isinstance(line.get(key), str) and line[key]:
            out[key] = line[key]
    for key in ("Quantity", "UnitAmount", "LineAmount", "TaxAmount"):
        try:
            value = wire.parse_decimal(line.get(key))
        except ValueError:
            value = None
        if value is not None:
            out[key] = value
    tracking = line.get("Tracking") if isinstance(line.get("Tracking"), list) else []
    kept = [
        {k: str(v) for k, v in entry.items() if k in ("Name", "Option") and v}
        for entry in tracking if isinstance(entry, dict)
    ]
    if any(kept):
        out["Tracking"] = [entry for entry in kept if entry]
    return out


@dataclasses.dataclass
class SubmitResult:
    saved: list[Document]
    # In request order: either a saved Document or an echoed error element.
    outcomes: list
    failed: bool


def documents_submit(
    *,
    organisation,
    kind: str,
    elements: list,
    summarize_errors: bool,
    allow_update: bool,
    idempotency_key: str = "",
    app: str = "",
    document_id: uuid.UUID | None = None,
    unit_decimal_places: int = 2,
) -> SubmitResult:
    """Validate and save a batch (PUT creates; POST also updates when the element has an id)."""
    books = Books(organisation)
    prepared_all = []
    for payload in elements:
        existing = None
        wanted_id = document_id
        if allow_update and isinstance(payload, dict) and wanted_id is None:
            wanted_id = wire.parse_uuid(payload.get(ID_FIELD[kind]))
        if wanted_id is not None and allow_update:
            existing = Document.objects.filter(organisation=organisation, kind=kind, pk=wanted_id).first()
            if existing is None:
                prepared_all.append(Prepared(kind=kind, payload=payload, errors=[msg.DOCUMENT_NOT_FOUND]))
                continue
        prepared_all.append(prepare_document(books=books, kind=kind, payload=payload, existing=existing,
                                             unit_decimal_places=unit_decimal_places))
    any_errors = any(prepared.errors for prepared in prepared_all)
    if summarize_errors and any_errors:
        return SubmitResult(
            saved=[],
            outcomes=[_echo(p, summarize=True) for p in prepared_all if p.errors],
            failed=True,
        )
    outcomes, saved = [], []
    with transaction.atomic():
        for prepared in prepared_all:
            if prepared.errors:
                outcomes.append(_echo(prepared, summarize=False))
                continue
            document = save_prepared(books=books, prepared=prepared, idempotency_key=idempotency_key, app=app)
            saved.append(document)
            outcomes.append(document)
    return SubmitResult(saved=saved, outcomes=outcomes, failed=False)
