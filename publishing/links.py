"""Where a published document lives in Xero, and where a problem is fixed in dext."""

from django.conf import settings
from django.urls import reverse

# Xero's deep links (https://developer.xero.com/documentation/guides/how-to-guides/deep-link-xero/):
# https://go.xero.com/organisationlogin/default.aspx?shortcode=<ShortCode>&redirecturl=<path>, with
# the guide's path for each kind of document (drafts open in the editor).
_XERO_PATHS = {
    "ACCPAY": "/AccountsPayable/View.aspx?InvoiceID={id}",
    "ACCREC": "/AccountsReceivable/View.aspx?InvoiceID={id}",
    "ACCPAYCREDIT": "/AccountsPayable/ViewCreditNote.aspx?creditNoteID={id}",
    "ACCRECCREDIT": "/AccountsReceivable/ViewCreditNote.aspx?creditNoteID={id}",
    "SPEND": "/Bank/ViewTransaction.aspx?bankTransactionID={id}",
    "RECEIVE": "/Bank/ViewTransaction.aspx?bankTransactionID={id}",
}
_DRAFT_PATHS = {
    "ACCPAY": "/AccountsPayable/Edit.aspx?InvoiceID={id}",
    "ACCREC": "/AccountsReceivable/Edit.aspx?InvoiceID={id}",
}


def xero_deep_link(*, short_code: str, xero_type: str, xero_id: str, status: str = "") -> str:
    """The deep link to one document, or "" when Xero has no documented path for it."""
    paths = _DRAFT_PATHS if status == "DRAFT" and xero_type in _DRAFT_PATHS else _XERO_PATHS
    path = paths.get(xero_type, "").format(id=xero_id)
    if not path or not short_code:
        return ""
    return f"{settings.XERO_GO_URL}/organisationlogin/default.aspx?shortcode={short_code}&redirecturl={path}"


def xero_document_url(publication) -> str:
    from connections.models import XeroConnection

    if not publication.xero_id:
        return ""
    short_code = XeroConnection.objects.filter(business_id=publication.business_id).values_list(
        "organisation_short_code", flat=True
    ).first() or ""
    return xero_deep_link(short_code=short_code, xero_type=publication.xero_type, xero_id=publication.xero_id,
                          status=publication.xero_status)


def fix_url(fix: str, *, item_id: int) -> str:
    from publishing import catalogue

    if fix == catalogue.FIX_CONNECTIONS:
        return reverse("connections:index")
    if fix == catalogue.FIX_PAYMENT_METHODS:
        return reverse("lists:payment_methods")
    if fix == catalogue.FIX_CATEGORIES:
        return reverse("lists:categories")
    return reverse("items:detail", args=[item_id])
