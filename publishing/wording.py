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
