"""What a published document is, in a bookkeeper's words ("a bill, awaiting payment"),
not Xero's codes ("ACCPAY AUTHORISED")."""

DOCUMENTS = {
    "ACCPAY": "a bill",
    "ACCREC": "a sales invoice",
    "ACCPAYCREDIT": "a credit note",
    "ACCRECCREDIT": "a sales credit note",
    "SPEND": "spend money",
    "RECEIVE": "receive money",
}
STATUSES = {
    "DRAFT": "draft",
    "SUBMITTED": "awaiting approval",
    "AUTHORISED": "awaiting payment",
    "PAID": "paid",
    "VOIDED": "voided",
    "DELETED": "deleted",
}


def document_words(xero_type: str) -> str:
    return DOCUMENTS.get(xero_type, "a document")


def status_words(xero_type: str, xero_status: str) -> str:
    """Xero's status as the person sees it in Xero; bank transactions and approved credit
    notes have none worth saying."""
    if xero_type in ("SPEND", "RECEIVE"):
        return ""
    if xero_status == "AUTHORISED" and xero_type in ("ACCPAYCREDIT", "ACCRECCREDIT"):
        return "approved"
    return STATUSES.get(xero_status, (xero_status or "").lower())


def published_as(xero_type: str, xero_status: str, number: str = "") -> str:
    """"a bill INV-2291 (awaiting payment)"."""
    words = document_words(xero_type) + (f" {number}" if number else "")
    status = status_words(xero_type, xero_status)
    return f"{words} ({status})" if status else words


# Xero's statuses as Xero's own screens label them, for the item page, the Archive's rows
# and its "In Xero" filter.
STATUS_LABELS = {
    "DRAFT": "Draft",
    "SUBMITTED": "Awaiting approval",
    "AUTHORISED": "Awaiting payment",
    "PAID": "Paid",
    "VOIDED": "Voided",
    "DELETED": "Deleted",
}
STATUS_TONES = {"PAID": "ok", "VOIDED": "err", "DELETED": "err", "DRAFT": "warn", "SUBMITTED": "warn"}


def status_label(xero_type: str, xero_status: str) -> str:
    """"Awaiting payment", "Paid", "Voided" …; an approved credit note is "Approved" and
    spend or receive money that stands is "Recorded" (Xero shows no status for it)."""
    if not xero_status:
        return ""
    if xero_status == "AUTHORISED" and xero_type in ("SPEND", "RECEIVE"):
        return "Recorded"
    if xero_status == "AUTHORISED" and xero_type in ("ACCPAYCREDIT", "ACCRECCREDIT"):
        return "Approved"
    return STATUS_LABELS.get(xero_status, xero_status.capitalize())


def status_tone(xero_status: str) -> str:
    return STATUS_TONES.get(xero_status, "info")
