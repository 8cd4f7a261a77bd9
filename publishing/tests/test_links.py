""""View in Xero" follows Xero's deep-link guide for each kind of document (pure).

https://developer.xero.com/documentation/guides/how-to-guides/deep-link-xero/
"""

import pytest

from publishing.links import xero_deep_link

ID = "3f5a9d2c-0000-4000-8000-000000000001"


@pytest.mark.parametrize(
    ("xero_type", "status", "path"),
    [
        ("ACCPAY", "AUTHORISED", f"/AccountsPayable/View.aspx?InvoiceID={ID}"),
        ("ACCPAY", "PAID", f"/AccountsPayable/View.aspx?InvoiceID={ID}"),
        ("ACCPAY", "DRAFT", f"/AccountsPayable/Edit.aspx?InvoiceID={ID}"),
        ("ACCREC", "AUTHORISED", f"/AccountsReceivable/View.aspx?InvoiceID={ID}"),
        ("ACCPAYCREDIT", "AUTHORISED", f"/AccountsPayable/ViewCreditNote.aspx?creditNoteID={ID}"),
        ("ACCRECCREDIT", "AUTHORISED", f"/AccountsReceivable/ViewCreditNote.aspx?creditNoteID={ID}"),
        ("SPEND", "AUTHORISED", f"/Bank/ViewTransaction.aspx?bankTransactionID={ID}"),
        ("RECEIVE", "AUTHORISED", f"/Bank/ViewTransaction.aspx?bankTransactionID={ID}"),
    ],
)
def test_deep_link_for_each_kind_of_document(settings, xero_type, status, path):
    settings.XERO_GO_URL = "https://go.xero.com"
    assert xero_deep_link(short_code="!uK7dm", xero_type=xero_type, xero_id=ID, status=status) == (
        f"https://go.xero.com/organisationlogin/default.aspx?shortcode=!uK7dm&redirecturl={path}"
    )


def test_no_link_without_a_short_code_or_a_documented_path(settings):
    assert xero_deep_link(short_code="", xero_type="ACCPAY", xero_id=ID) == ""
    assert xero_deep_link(short_code="!uK7dm", xero_type="SPEND-TRANSFER", xero_id=ID) == ""
