"""Where a published document lives in Xero, and where a problem is fixed in dext."""

from django.conf import settings
from django.urls import reverse

# Xero's deep links (https://developer.xero.com/documentation/guides/how-to-guides/deep-link-xero/).
_XERO_PATHS = {
    "ACCPAY": "/AccountsPayable/View.aspx?InvoiceID={id}",
    "ACCREC": "/AccountsReceivable/View.aspx?InvoiceID={id}",
    "ACCPAYCREDIT": "/AccountsPayable/ViewCreditNote.aspx?creditNoteID={id}",
    "ACCRECCREDIT": "/AccountsReceivable/ViewCreditNote.aspx?creditNoteID={id}",
    "SPEND": "/Bank/ViewTransaction.aspx?bankTransactionID={id}",
    "RECEIVE": "/Bank/ViewTransaction.aspx?bankTransactionID={id}",
}


def xero_document_url(publication) -> str:
    from connections.models import XeroConnection

    if not publication.xero_id:
        return ""
    tenant_id, short_code = XeroConnection.objects.filter(business_id=publication.business_id).values_list(
        "tenant_id", "organisation_short_code"
    ).first() or ("", "")
    if settings.XERO_SANDBOX and settings.XERO_API_URL.endswith("/xero-sandbox/api"):
        base = settings.XERO_API_URL.removesuffix("/api")
        return f"{base}/orgs/{tenant_id}/#document-{publication.xero_id}"
    path = _XERO_PATHS.get(publication.xero_type, "").format(id=publication.xero_id)
    query = f"&shortcode={short_code}" if short_code else ""
    return f"https://go.xero.com/organisationlogin/default.aspx?redirecturl={path}{query}" if path else ""


def fix_url(fix: str, *, item_id: int) -> str:
    from publishing import catalogue

    if fix == catalogue.FIX_CONNECTIONS:
        return reverse("connections:index")
    if fix == catalogue.FIX_PAYMENT_METHODS:
        return reverse("lists:payment_methods")
    if fix == catalogue.FIX_CATEGORIES:
        return reverse("lists:categories")
    return reverse("items:detail", args=[item_id])
