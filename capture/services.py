"""Reading an item's document into its fields: capture's write path.

An upload leaves the item *Processing* and announces it (``dext.hooks``); then
:func:`capture_request_for_ids` queues :func:`capture.tasks.read_document` on the
``capture`` queue. The task calls :func:`capture_run`, which draws the thumbnail (and a
readable PDF of an e-invoice), reads the document with the pipeline
(:mod:`capture.pipeline`: e-invoice XML, the PDF's text layer, or OCR), recognises the
supplier or customer among the business's contacts (tax number, learned alias, email
domain, name), and hands plain values to ``items.services.item_apply_read``, which
completes the item with the contact's rule exactly as if a person had picked it.

Nothing is lost when a document can't be read: the item goes To review with a plain
message, the file stays, and *Read again* (:func:`capture_read_again`) tries once more.
"""

import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from capture.fields import CONFIDENT
from capture.models import CaptureState, DocumentCapture, SupplierAlias
from dext.errors import ApplicationError
from dext.tenancy.selectors import user_may_publish
from items import documents
from items.models import Document, DocumentType, Item, ItemStatus, ItemType
from items.review import currency_decimals
from items.services import item_apply_read, item_read_again
from lists.models import Contact, ListStatus, TaxRate

logger = logging.getLogger(__name__)

UNREADABLE_NOTE = "We couldn't read this document; fill in the details."
LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 3
SOURCE_LABELS = {"e-invoice": "the e-invoice", "text": "the PDF's text", "ocr": "the scanned document (OCR)"}
# Extraction field → item field.
ITEM_FIELDS = {
    "document_type": "document_type",
    "item_type": "item_type",
    "date": "date",
    "due_date": "due_date",
    "reference": "reference",
    "currency": "currency_code",
    "net": "net",
    "tax": "tax_amount",
    "total": "total",
    "paid": "paid",
}


# Fields a person is asked to check when read with low confidence (the document's type and
# whether it is paid show in the form anyway and follow from the rest).
CHECKED_FIELDS = ("contact", "date", "due_date", "reference", "currency_code", "net", "tax_amount", "total")


class CaptureError(ApplicationError):
    code = "capture_failed"


class RetryCapture(Exception):
    """Reading failed for a reason that may pass (a worker error): try again later."""


# --- Queueing ------------------------------------------------------------------------------
def capture_request_for_ids(*, item_ids: list[int]) -> None:
    """Queue reading of items just stored (or put back to Processing). Called after commit."""
    from capture import tasks

    now = timezone.now()
    for item in Item.objects.filter(pk__in=item_ids, status=ItemStatus.PROCESSING).only("pk", "business_id"):
        DocumentCapture.objects.update_or_create(
            item_id=item.pk,
            defaults={"business_id": item.business_id, "state": CaptureState.QUEUED, "queued_at": now,
                      "lease_expires_at": None, "attempts": 0},
        )
        tasks.read_document.delay(item.pk)


def capture_read_again(*, item: Item, acting_user) -> Item:
    """*Read again*: read the document once more; fields set by hand are kept."""
    return item_read_again(item=item, acting_user=acting_user)


# --- Running (the capture worker) --------------------------------------------------------------
def capture_run(*, item_id: int, task_id: str = "", redelivered: bool = False) -> str:
    """Read one item's document and fill the item. Returns the capture's state."""
    capture = _claim(item_id, task_id=task_id, redelivered=redelivered)
    if capture is None:
        return "skipped"
    item = capture.item
    document = item.document
    started = time.monotonic()
    try:
        content = documents.read(document.storage_name)
    except FileNotFoundError:
        return _unreadable(capture, "The file is missing from storage.")
    _draw_thumbnail(document, content)
    try:
        outcome = _read(item, document, content)
    except Exception as exc:
        from capture.errors import UnreadableDocument

        if isinstance(exc, UnreadableDocument):
            return _unreadable(capture, exc.reason)
        logger.exception("Reading the document of item %s failed (attempt %s)", item_id, capture.attempts)
        if capture.attempts >= MAX_ATTEMPTS:
            return _unreadable(capture, "Reading it failed several times.")
        _release(capture)
        raise RetryCapture(str(exc)) from exc
    outcome.seconds = time.monotonic() - started
    return _apply(capture, outcome)


def _claim(item_id: int, *, task_id: str, redelivered: bool) -> DocumentCapture | None:
    """Take the item's capture run, unless another worker holds a live lease on it."""
    now = timezone.now()
    with transaction.atomic():
        item = Item.objects.select_for_update().select_related("business", "document").filter(pk=item_id).first()
        if item is None or item.status != ItemStatus.PROCESSING:
            return None
        capture, _ = DocumentCapture.objects.select_for_update().get_or_create(
            item=item, defaults={"business_id": item.business_id}
        )
        held = capture.state == CaptureState.READING and capture.lease_expires_at and capture.lease_expires_at > now
        if held and not redelivered:
            return None
        capture.state = CaptureState.READING
        capture.attempts += 1
        capture.task_id = task_id[:64]
        capture.started_at = now
        capture.lease_expires_at = now + LEASE
        capture.save()
        capture.item = item
        return capture


def _release(capture: DocumentCapture) -> None:
    DocumentCapture.objects.filter(pk=capture.pk).update(state=CaptureState.QUEUED, lease_expires_at=None)


def _draw_thumbnail(document: Document, content: bytes) -> None:
    if document.thumbnail_name:
        return
    thumbnail = documents.thumbnail(content, document.content_type)
    if thumbnail:
        name = documents.store_derived(storage_name=document.storage_name, suffix="thumb.png", content=thumbnail)
        Document.objects.filter(pk=document.pk).update(thumbnail_name=name)
        document.thumbnail_name = name


@dataclass
class Outcome:
    """What one read gave, in the item's terms."""

    source: str
    values: dict
    fields: dict
    unconfirmed: list
    lines: list | None
    printed: dict
    match: object
    text: str
    seconds: float = 0.0


def _read(item: Item, document: Document, content: bytes) -> Outcome:
    from capture import pipeline
    from capture.einvoice import parse_einvoice_xml, render_einvoice_pdf

    business = item.business
    if document.is_einvoice and not document.rendition_name:
        pdf = render_einvoice_pdf(parse_einvoice_xml(content))
        name = documents.store_derived(storage_name=document.storage_name, suffix="readable.pdf", content=pdf)
        Document.objects.filter(pk=document.pk).update(rendition_name=name)
        document.rendition_name = name
        if not document.thumbnail_name:
            _draw_thumbnail_from(document, pdf)
    extraction, match = pipeline.capture(
        content,
        content_type=document.content_type,
        filename=document.original_name,
        profile=business_profile(business),
        candidates=contact_candidates(business),
        aliases=aliases_for(business),
    )
    return _outcome(item, extraction, match)


def _draw_thumbnail_from(document: Document, pdf: bytes) -> None:
    thumbnail = documents.thumbnail(pdf, documents.PDF)
    if thumbnail:
        name = documents.store_derived(storage_name=document.storage_name, suffix="thumb.png", content=thumbnail)
        Document.objects.filter(pk=document.pk).update(thumbnail_name=name)
        document.thumbnail_name = name


def business_profile(business):
    from capture.profile import BusinessProfile

    return BusinessProfile(name=business.name, country=business.country, base_currency=business.base_currency)


def contact_candidates(business) -> list:
    from capture.profile import ContactCandidate

    rows = Contact.objects.for_business(business).filter(status=ListStatus.ACTIVE).values_list(
        "pk", "name", "tax_number", "email", "is_supplier", "is_customer"
    )
    return [
        ContactCandidate(id=pk, name=name, tax_number=tax_number, email=email, is_supplier=supplier,
                         is_customer=customer)
        for pk, name, tax_number, email, supplier, customer in rows
    ]


def aliases_for(business) -> dict:
    return dict(SupplierAlias.objects.for_business(business).values_list("key", "contact_id"))


def _outcome(item: Item, extraction, match) -> Outcome:
    """Turn the pipeline's extraction into item values, each checked and rounded."""
    read = extraction.fields
    values, fields, unconfirmed = {}, {}, []

    def keep(item_field: str, value, field) -> None:
        values[item_field] = value
        fields[item_field] = {
            "value": _display(value),
            "confidence": round(float(field.confidence), 3),
            "source_text": (field.source_text or "")[:300],
            "page": field.page,
        }
        if field.confidence < CONFIDENT and item_field in CHECKED_FIELDS:
            unconfirmed.append(item_field)

    for name, item_field in ITEM_FIELDS.items():
        field = read.get(name)
        if field is None or field.value in (None, "") or not _found_on_document(item_field, field):
            continue
        value = _clean(item_field, field.value, extraction)
        if value is not None:
            keep(item_field, value, field)
    if "due_date" not in values and "date" in values and read.get("payment_terms_days") is not None:
        terms = read["payment_terms_days"]
        keep("due_date", values["date"] + timedelta(days=int(terms.value)), terms)
    _fit_amounts(values, fields, unconfirmed, currency=values.get("currency_code") or item.business.base_currency)

    item_type = values.get("item_type", item.item_type)
    contact = _matched_contact(item, match)
    if contact is not None:
        values["contact"] = contact
        fields["contact"] = {
            "value": contact.name,
            "confidence": round(float(match.confidence), 3),
            "source_text": (read["supplier_name"].source_text if "supplier_name" in read else "")[:300],
            "page": read["supplier_name"].page if "supplier_name" in read else None,
            "method": match.method,
        }
        if match.confidence < CONFIDENT:
            unconfirmed.append("contact")
    lines, line_rate = _lines(item, extraction, values, item_type=item_type)
    tax_rate = line_rate or _tax_rate_for(item.business, values, item_type=item_type)
    if tax_rate is not None:
        values["tax_rate"] = tax_rate
    printed = {
        "printed_name": _text(read, "supplier_name", 255),
        "tax_number": _text(read, "tax_number", 50),
        "email": _text(read, "email", 255),
        "website": _text(read, "website", 255),
    }
    text = getattr(extraction, "text", "") or ""
    return Outcome(
        source=extraction.source, values=values, fields=fields, unconfirmed=sorted(set(unconfirmed)),
        lines=lines, printed=printed, match=match if contact is not None else None, text=text[:100_000],
    )


def _found_on_document(item_field: str, field) -> bool:
    """Whether the value was read, not assumed: a value with no text behind it (the
    business's own currency when none is printed) is left to the rules and defaults. The
    document's type is the reader's judgement of the whole page, kept when fairly sure."""
    if item_field in ("document_type", "item_type"):
        return field.confidence >= 0.6
    return bool(field.source_text) or field.confidence >= 0.95


def _text(read: dict, name: str, limit: int) -> str:
    field = read.get(name)
    return str(field.value)[:limit] if field is not None and field.value else ""


def _display(value) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _clean(item_field: str, value, extraction):
    """A value the item can hold, or None when the read value doesn't fit."""
    if item_field == "document_type":
        return value if value in DocumentType.values else None
    if item_field == "item_type":
        return value if value in ItemType.values else None
    if item_field in ("date", "due_date"):
        return value if hasattr(value, "year") and 1990 <= value.year <= 2100 else None
    if item_field == "reference":
        return str(value).strip()[:255] or None
    if item_field == "currency_code":
        code = str(value).upper()
        return code if len(code) == 3 and code.isalpha() else None
    if item_field == "paid":
        return bool(value)
    if item_field in ("net", "tax_amount", "total"):
        try:
            amount = Decimal(str(value))
        except ArithmeticError:
            return None
        # Credit notes are entered as positive amounts.
        return abs(amount) if amount.is_finite() and abs(amount) < Decimal("1e12") else None
    return None


def _fit_amounts(values: dict, fields: dict, unconfirmed: list, *, currency: str) -> None:
    """Round to the currency's decimals; when net + tax isn't the total, keep the total and
    the tax as read and make the net follow, to be checked."""
    quantum = Decimal(1).scaleb(-currency_decimals(currency))
    for name in ("net", "tax_amount", "total"):
        if name in values:
            values[name] = values[name].quantize(quantum)
    total, tax, net = values.get("total"), values.get("tax_amount"), values.get("net")
    if total is not None and tax is not None and (net is None or net + tax != total) and tax <= total:
        values["net"] = total - tax
        if net is None:
            # Not printed (a till receipt): it follows from the total and the tax.
            fields["net"] = {"value": str(values["net"]), "confidence": min(fields["total"]["confidence"],
                             fields["tax_amount"]["confidence"]), "source_text": "", "page": None}
        else:
            # Printed, but it doesn't add up: keep total and tax, and ask.
            fields["net"] = {**fields["net"], "value": str(values["net"]), "confidence": 0.5}
            unconfirmed.append("net")
    elif total is not None and net is not None and tax is None and net <= total:
        values["tax_amount"] = total - net
        fields["tax_amount"] = {"value": str(values["tax_amount"]), "confidence": fields["total"]["confidence"],
                                "source_text": "", "page": None}


def _matched_contact(item: Item, match) -> Contact | None:
    if match is None:
        return None
    return Contact.objects.for_business(item.business).filter(pk=match.contact_id, status=ListStatus.ACTIVE).first()


def _lines(item: Item, extraction, values: dict, *, item_type: str) -> tuple[list | None, TaxRate | None]:
    """Line items when they add up to the document's amounts; their tax rates from the
    business's list when each percentage names exactly one. Also the tax rate every line
    shares, for the item itself."""
    read_lines = list(getattr(extraction, "lines", []) or [])
    if not read_lines or not {"net", "tax_amount", "total"} <= set(values):
        return None, None
    sums = [sum((Decimal(str(getattr(line, name))) for line in read_lines), Decimal(0))
            for name in ("net", "tax_amount", "total")]
    if sums != [values["net"], values["tax_amount"], values["total"]]:
        return None, None
    percents = {line.tax_percent for line in read_lines}
    rates = {percent: _rate_for_percent(item.business, percent, item_type=item_type) for percent in percents}
    lines = [
        {
            "description": (line.description or "")[:4000],
            "net": abs(Decimal(str(line.net))),
            "tax_amount": abs(Decimal(str(line.tax_amount))),
            "total": abs(Decimal(str(line.total))),
            "tax_rate": rates.get(line.tax_percent) if len(percents) > 1 else None,
        }
        for line in read_lines
    ]
    shared = rates[next(iter(percents))] if len(percents) == 1 else None
    if len(read_lines) == 1:
        return None, shared
    return lines, shared


def _tax_rate_for(business, values: dict, *, item_type: str) -> TaxRate | None:
    """The tax rate a document's net and tax imply, when the business has exactly one."""
    net, tax = values.get("net"), values.get("tax_amount")
    if not net or tax is None:
        return None
    percent = (tax / net * 100).quantize(Decimal("0.1"))
    return _rate_for_percent(business, percent, item_type=item_type)


def _rate_for_percent(business, percent, *, item_type: str) -> TaxRate | None:
    if percent is None:
        return None
    flag = "can_apply_to_revenue" if item_type == ItemType.SALE else "can_apply_to_expenses"
    percent = Decimal(str(percent))
    candidates = list(
        TaxRate.objects.for_business(business)
        .filter(status=ListStatus.ACTIVE, **{flag: True})
        .filter(effective_rate__gte=percent - Decimal("0.05"), effective_rate__lte=percent + Decimal("0.05"))[:2]
    )
    return candidates[0] if len(candidates) == 1 else None


def _apply(capture: DocumentCapture, outcome: Outcome) -> str:
    item = item_apply_read(
        item=capture.item,
        values=outcome.values,
        unconfirmed=outcome.unconfirmed,
        lines=outcome.lines,
        source=SOURCE_LABELS.get(outcome.source, "the document"),
    )
    DocumentCapture.objects.filter(pk=capture.pk).update(
        state=CaptureState.DONE,
        source=outcome.source,
        fields=outcome.fields,
        lines=[_line_json(line) for line in outcome.lines or []],
        matched_contact=outcome.values.get("contact"),
        match_method=getattr(outcome.match, "method", "") or "",
        match_confidence=getattr(outcome.match, "confidence", None),
        text=outcome.text,
        error="",
        seconds=outcome.seconds,
        finished_at=timezone.now(),
        lease_expires_at=None,
        **outcome.printed,
    )
    logger.info("Read the document of item %s from %s in %.2fs: %s", item.pk, outcome.source, outcome.seconds,
                item.get_status_display())
    return CaptureState.DONE


def _line_json(line: dict) -> dict:
    return {key: (str(value) if value is not None and not isinstance(value, str) else value)
            for key, value in line.items() if key != "tax_rate"} | {
        "tax_rate": line["tax_rate"].name if line.get("tax_rate") else ""}


def capture_give_up(*, item_id: int, reason: str) -> str:
    """Stop trying to read an item's document (too slow): it goes To review, unread."""
    capture = DocumentCapture.objects.select_related("item__business").filter(item_id=item_id).first()
    if capture is None:
        return "skipped"
    return _unreadable(capture, reason)


def _unreadable(capture: DocumentCapture, reason: str) -> str:
    item_apply_read(item=capture.item, values={}, source="the document", note=UNREADABLE_NOTE)
    DocumentCapture.objects.filter(pk=capture.pk).update(
        state=CaptureState.UNREADABLE, error=reason[:300], source="", fields={}, lines=[],
        finished_at=timezone.now(), lease_expires_at=None,
    )
    logger.info("The document of item %s could not be read: %s", capture.item_id, reason)
    return CaptureState.UNREADABLE


# --- The sweeper ----------------------------------------------------------------------------------
def captures_sweep(*, stale_after: timedelta = timedelta(minutes=2)) -> list[int]:
    """Queue again the items left Processing: a lost message (queued long ago, never
    started) or a dead worker (its lease ran out). Returns the item ids queued."""
    from capture import tasks

    now = timezone.now()
    stuck = Item.objects.filter(status=ItemStatus.PROCESSING).filter(
        Q(capture__isnull=True, updated__lt=now - stale_after)
        | Q(capture__state=CaptureState.QUEUED, capture__queued_at__lt=now - stale_after)
        | Q(capture__state=CaptureState.READING, capture__lease_expires_at__lt=now)
    )
    ids = list(stuck.values_list("pk", flat=True)[:500])
    for item_id in ids:
        DocumentCapture.objects.filter(item_id=item_id).update(queued_at=now)
        tasks.read_document.delay(item_id)
    return ids


# --- Someone new --------------------------------------------------------------------------------
def contact_create_for_item(*, item: Item, name: str, tax_number: str, email: str, acting_user) -> Contact:
    """Create in Xero the supplier or customer printed on the document, and choose it for
    the item as a person would (so the printed name is learned too)."""
    from items.services import item_update
    from lists.contacts import contact_create_in_xero

    if not user_may_publish(user=acting_user, business=item.business):
        raise CaptureError("Creating suppliers and customers in Xero needs the administrator role or the "
                           "“can publish” permission.")
    contact, _ = contact_create_in_xero(
        business=item.business, name=name, tax_number=tax_number, email=email,
        is_customer=item.item_type == ItemType.SALE, acting_user=acting_user,
    )
    item_update(item=item, data={"contact": contact}, lines=None, changed_fields=["contact"], acting_user=acting_user)
    return contact


# --- Learning from people ----------------------------------------------------------------------------
def alias_learn(*, item: Item, acting_user) -> SupplierAlias | None:
    """A person set the item's contact: remember that the name printed on its document
    stands for that contact, so the next document printed that way goes to it."""
    from capture.pipeline import normalise_name

    capture = DocumentCapture.objects.filter(item=item).first()
    if capture is None or not capture.printed_name or item.contact_id is None:
        return None
    if capture.matched_contact_id == item.contact_id and capture.match_method in ("tax_number", "alias"):
        return None
    key = normalise_name(capture.printed_name)
    if not key:
        return None
    alias, _ = SupplierAlias.objects.update_or_create(
        business_id=item.business_id, key=key,
        defaults={"printed_name": capture.printed_name, "contact_id": item.contact_id, "created_by": acting_user},
    )
    return alias
