"""Writes other than documents: contacts, payments and attachments."""

import dataclasses
import mimetypes
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from xero_sandbox import clock, webhooks

from . import messages as msg
from . import wire
from .documents import Books, _date, _decimal, _format_lock_date
from .models import Attachment, Contact, ContactStatus, Document, DocumentKind, Payment, Status

MAX_ATTACHMENTS_PER_DOCUMENT = 10
# File types Xero takes as attachments (https://developer.xero.com/documentation/api/accounting/attachments).
ATTACHMENT_EXTENSIONS = frozenset(
    ["7z", "bmp", "csv", "doc", "docx", "eml", "gif", "jpeg", "jpg", "keynote", "msg", "numbers", "odf", "ods", "odt", "pages", "pdf", "png", "ppt", "pptx", "rar", "rtf", "tif", "tiff", "txt", "xls", "xlsx", "zip"]
)
# Characters Xero refuses in a file name (the research notes, xero-api.md §3 "Filenames").
ATTACHMENT_NAME_FORBIDDEN = set('<>:"/\\|?*+\x00')


def max_attachment_bytes() -> int:
    """Xero's sources disagree on the size limit (3, 10 or 25 MB); the sandbox enforces the
    product's setting, so a file that passes here passes the strictest reading of Xero."""
    return int(getattr(settings, "XERO_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))


@dataclasses.dataclass
class PaymentOutcome:
    payload: dict
    errors: list[str]
    payment: Payment | None = None


def _prepare_payment(*, books: Books, payload, errors: list[str]) -> dict | None:
    org = books.organisation
    if not isinstance(payload, dict):
        errors.append(msg.PAYMENT_DOCUMENT_REQUIRED)
        return None
    document = None
    for key, kind, id_field, number_field in (
        ("Invoice", DocumentKind.INVOICE, "InvoiceID", "InvoiceNumber"),
        ("CreditNote", DocumentKind.CREDIT_NOTE, "CreditNoteID", "CreditNoteNumber"),
    ):
        ref = payload.get(key) if isinstance(payload.get(key), dict) else {}
        documents = Document.objects.filter(organisation=org, kind=kind)
        if ref.get(id_field):
            document = documents.filter(pk=wire.parse_uuid(ref[id_field])).first()
            if document is None:
                errors.append(msg.DOCUMENT_NOT_FOUND)
                return None
        elif ref.get(number_field) or payload.get(number_field):
            document = documents.filter(number=ref.get(number_field) or payload.get(number_field)).first()
        if document is not None:
            break
    if document is None:
        errors.append(msg.PAYMENT_DOCUMENT_REQUIRED)
        return None
    account_ref = payload.get("Account") if isinstance(payload.get("Account"), dict) else {}
    account = books.account(code=account_ref.get("Code") or payload.get("Code"), account_id=account_ref.get("AccountID"))
    if account is None:
        errors.append(msg.ACCOUNT_NOT_FOUND)
    elif account.status != Status.ACTIVE or account.type != "BANK" and not account.enable_payments_to_account:
        errors.append(msg.PAYMENT_ACCOUNT_NOT_VALID)
    amount = _decimal(payload.get("Amount"), "Amount", errors)
    date = _date(payload.get("Date"), errors) if payload.get("Date") else clock.now().date()
    if document.status != "AUTHORISED":
        errors.append(msg.PAYMENT_DOCUMENT_NOT_AUTHORISED)
    if amount is not None and amount <= 0:
        errors.append(msg.PAYMENT_AMOUNT_NOT_POSITIVE)
    elif amount is not None and amount > document.amount_due:
        errors.append(msg.PAYMENT_EXCEEDS_OUTSTANDING)
    if date is not None:
        if org.end_of_year_lock_date and date <= org.end_of_year_lock_date:
            errors.append(msg.END_OF_YEAR_LOCKED.format(date=_format_lock_date(org.end_of_year_lock_date)))
        elif org.period_lock_date and date <= org.period_lock_date:
            errors.append(msg.PERIOD_LOCKED.format(date=_format_lock_date(org.period_lock_date)))
    if errors:
        return None
    return {
        "document": document,
        "account": account,
        "amount": amount,
        "date": date,
        "reference": str(payload.get("Reference") or ""),
        "currency_rate": _decimal(payload.get("CurrencyRate"), "CurrencyRate", errors) or Decimal(1),
        "is_reconciled": wire.parse_bool(payload.get("IsReconciled"), default=False),
    }


def payments_submit(
    *, organisation, elements: list, summarize_errors: bool, idempotency_key: str = "", app: str = ""
) -> tuple[list[PaymentOutcome], bool]:
    """Apply payments to AUTHORISED invoices or credit notes; a full payment marks the document PAID.

    Returns the outcomes in request order and whether the whole batch failed.
    """
    books = Books(organisation)
    with transaction.atomic():
        outcomes = []
        for payload in elements:
            errors: list[str] = []
            fields = _prepare_payment(books=books, payload=payload, errors=errors)
            outcomes.append(PaymentOutcome(payload=payload if isinstance(payload, dict) else {}, errors=errors))
            if fields is None:
                continue
            now = clock.now()
            # Lock the document so concurrent payments cannot both pass the outstanding check.
            document = Document.objects.select_for_update().get(pk=fields.pop("document").pk)
            if fields["amount"] > document.amount_due:
                errors.append(msg.PAYMENT_EXCEEDS_OUTSTANDING)
                continue
            payment = Payment.objects.create(
                organisation=organisation,
                document=document,
                created_at=now,
                updated_at=now,
                idempotency_key=idempotency_key[:128],
                created_by_app=app[:100],
                **fields,
            )
            document.amount_paid += payment.amount
            if document.amount_due <= 0:
                document.status = "PAID"
                document.fully_paid_on_date = payment.date
            document.updated_at = now
            document.save(update_fields=["amount_paid", "status", "fully_paid_on_date", "updated_at"])
            webhooks.record_document(document, created=False)
            outcomes[-1].payment = payment
        failed = any(outcome.errors for outcome in outcomes)
        if failed and summarize_errors:
            transaction.set_rollback(True)
            for outcome in outcomes:
                outcome.payment = None
    return outcomes, failed and summarize_errors


@dataclasses.dataclass
class ContactOutcome:
    payload: dict
    errors: list[str]
    contact: Contact | None = None


CONTACT_FIELDS = (
    ("email_address", "EmailAddress"),
    ("contact_number", "ContactNumber"),
    ("tax_number", "TaxNumber"),
    ("first_name", "FirstName"),
    ("last_name", "LastName"),
    ("default_currency", "DefaultCurrency"),
)


def contacts_submit(*, organisation, elements: list, method: str, summarize_errors: bool) -> tuple[list[ContactOutcome], bool]:
    """Create (PUT, and POST without a ContactID) or update (POST with one) contacts.

    As Xero: PUT always creates and ignores a ContactID it is given (Xero-NetStandard#226);
    a name already used by another active contact is refused with Xero's message;
    IsSupplier and IsCustomer are read-only (Xero sets them from transactions).
    """
    with transaction.atomic():
        outcomes = []
        for payload in elements:
            payload = payload if isinstance(payload, dict) else {}
            errors: list[str] = []
            outcomes.append(ContactOutcome(payload=payload, errors=errors))
            contact = None
            if method == "POST" and payload.get("ContactID"):
                contact = Contact.objects.filter(
                    organisation=organisation, pk=wire.parse_uuid(payload["ContactID"])
                ).first()
                if contact is None:
                    errors.append(msg.CONTACT_NOT_FOUND)
                    continue
            name = str(payload.get("Name") or (contact.name if contact else "")).strip()
            if not name:
                errors.append(msg.CONTACT_NAME_REQUIRED)
                continue
            taken = Contact.objects.filter(organisation=organisation, name__iexact=name, status=ContactStatus.ACTIVE)
            if contact is not None:
                taken = taken.exclude(pk=contact.pk)
            if taken.exists():
                errors.append(msg.CONTACT_NAME_TAKEN.format(name=name))
                continue
            contact = contact or Contact(organisation=organisation)
            contact.name = name
            for field, key in CONTACT_FIELDS:
                if key in payload:
                    setattr(contact, field, str(payload[key] or "")[:255])
            if payload.get("ContactStatus") in ContactStatus.values:
                contact.status = payload["ContactStatus"]
            contact.updated_at = clock.now()
            created = contact._state.adding
            contact.save()
            webhooks.record_contact(contact, created=created)
            outcomes[-1].contact = contact
        failed = any(outcome.errors for outcome in outcomes)
        if failed and summarize_errors:
            transaction.set_rollback(True)
            for outcome in outcomes:
                outcome.contact = None
    return outcomes, failed and summarize_errors


class AttachmentRejected(Exception):
    def __init__(self, status: int, title: str, detail: str):
        super().__init__(detail)
        self.status, self.title, self.detail = status, title, detail


@transaction.atomic
def attachment_put(
    *,
    document: Document,
    file_name: str,
    content: bytes,
    content_type: str = "",
    include_online: bool = False,
    idempotency_key: str = "",
) -> Attachment:
    """Store (or overwrite, by file name) an attachment, within Xero's limits.

    Limits follow https://developer.xero.com/documentation/api/accounting/attachments:
    10 attachments per document, the size limit (413 PayloadTooLarge, as Xero answered
    in Xero-Java #349 https://github.com/XeroAPI/Xero-Java/issues/349), Xero's file types,
    and a file name without the characters Xero refuses. A name ending in a space gets a
    500, as xero-node #763 reports (https://github.com/XeroAPI/xero-node/issues/763).
    """
    if file_name != file_name.rstrip():
        raise AttachmentRejected(500, "An error occurred", "An error occurred in Xero.")
    if not file_name or set(file_name) & ATTACHMENT_NAME_FORBIDDEN:
        # SANDBOX wording: Xero documents the rule, not its error text.
        raise AttachmentRejected(400, "ValidationException", "The file name contains characters Xero does not allow.")
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if extension not in ATTACHMENT_EXTENSIONS:
        # SANDBOX wording.
        raise AttachmentRejected(400, "ValidationException", f"Xero does not accept .{extension or '?'} files.")
    if len(content) > max_attachment_bytes():
        raise AttachmentRejected(413, "RequestEntityTooLarge", "PayloadTooLarge")
    now = clock.now()
    Document.objects.select_for_update().filter(pk=document.pk).first()
    existing = document.attachments.filter(file_name=file_name).first()
    if existing is None and document.attachments.count() >= MAX_ATTACHMENTS_PER_DOCUMENT:
        # SANDBOX wording: Xero documents the limit but not its error text.
        raise AttachmentRejected(
            400, "ValidationException", f"A document can have at most {MAX_ATTACHMENTS_PER_DOCUMENT} attachments."
        )
    if not content_type or content_type.startswith("application/octet-stream"):
        content_type = mimetypes.guess_type(file_name)[0] or "application/octet-stream"
    attachment = existing or Attachment(document=document, file_name=file_name, created_at=now)
    attachment.content = content
    attachment.content_length = len(content)
    attachment.mime_type = content_type.split(";")[0].strip()
    attachment.include_online = include_online
    attachment.updated_at = now
    attachment.idempotency_key = idempotency_key[:128]
    attachment.save()
    Document.objects.filter(pk=document.pk).update(updated_at=now)
    return attachment
