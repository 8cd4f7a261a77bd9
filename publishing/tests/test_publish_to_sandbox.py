"""Each mapping, published through the sandbox over real HTTP, to a UK and an Australian
organisation; we check what Xero stored and that "View in Xero" opens it."""

import re
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.urls import reverse

from items.models import Item, ItemStatus
from publishing.models import Publication
from publishing.tests.conftest import ORGS

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(params=sorted(ORGS), ids=lambda key: ORGS[key].organisation)
def org_profile(request):
    return ORGS[request.param]


def publish(client, item):
    response = client.post(reverse("publishing:publish", args=[item.pk]))
    assert response.status_code == 302
    item.refresh_from_db()
    return item


def stored(item):
    from xero_sandbox.accounting.models import Document

    publication = Publication.objects.get(item=item)
    return publication, Document.objects.get(pk=publication.xero_id)


def lines_of(document):
    return [
        (line.account_code, line.tax_type, line.line_amount, line.tax_amount)
        for line in document.line_items.order_by("position")
    ]


def money(text):
    return Decimal(text)


# Xero's deep-link guide, path for each kind of document
# (https://developer.xero.com/documentation/guides/how-to-guides/deep-link-xero/).
DEEP_LINK_PATHS = {
    "ACCPAY": "/AccountsPayable/View.aspx?InvoiceID=",
    "ACCREC": "/AccountsReceivable/View.aspx?InvoiceID=",
    "ACCPAYCREDIT": "/AccountsPayable/ViewCreditNote.aspx?creditNoteID=",
    "ACCRECCREDIT": "/AccountsReceivable/ViewCreditNote.aspx?creditNoteID=",
    "SPEND": "/Bank/ViewTransaction.aspx?bankTransactionID=",
    "RECEIVE": "/Bank/ViewTransaction.aspx?bankTransactionID=",
}


def assert_view_in_xero_opens(client, item, document):
    """The item page's "View in Xero" is Xero's deep link, and it opens this document."""
    page = client.get(reverse("items:detail", args=[item.pk])).content.decode()
    link = re.search(r'<a href="([^"]+)"[^>]*>View in Xero</a>', page).group(1).replace("&amp;", "&")
    parsed = urlparse(link)
    assert parsed.path.endswith("/organisationlogin/default.aspx")
    query = parse_qs(parsed.query)
    assert query["shortcode"] == [document.organisation.short_code]
    assert query["redirecturl"] == [DEEP_LINK_PATHS[document.type] + str(document.pk)]
    answer = requests.get(link, allow_redirects=False, timeout=30)
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"#document-{document.pk}")


def test_bill_awaiting_payment_with_document_attached(client, make_item, org_profile):
    item = make_item(reference="BAKE-1001", tracking=("Region", "North"))
    item = publish(client, item)
    assert item.status == ItemStatus.PUBLISHED
    publication, document = stored(item)
    assert (document.kind, document.type, document.status) == ("invoice", "ACCPAY", "AUTHORISED")
    assert document.contact.name == "Bakery Supplies Co"
    assert document.number == "BAKE-1001"
    tax = money(org_profile.tax_on("100.00"))
    assert (document.sub_total, document.total_tax, document.total) == (Decimal("100.00"), tax, 100 + tax)
    assert document.currency_code == org_profile.currency
    assert lines_of(document) == [("429", org_profile.purchase_tax, Decimal("100.00"), tax)]
    assert document.line_items.get().tracking[0]["Option"] == "North"
    attachment = document.attachments.get()
    with open_document(item) as handle:
        assert bytes(attachment.content) == handle.read()
    assert attachment.file_name.endswith(".pdf")
    page = client.get(reverse("items:detail", args=[item.pk])).content.decode()
    assert "Published to Xero" in page
    assert_view_in_xero_opens(client, item, document)


def open_document(item):
    from django.core.files.storage import default_storage

    return default_storage.open(item.document.storage_name, "rb")


@pytest.mark.parametrize(
    ("destination", "status"),
    [("purchases_draft", "DRAFT"), ("purchases_awaiting_approval", "SUBMITTED")],
)
def test_bill_statuses(client, make_item, destination, status):
    item = publish(client, make_item(destination=destination))
    _, document = stored(item)
    assert (document.type, document.status) == ("ACCPAY", status)
    if status == "DRAFT":
        # The deep-link guide opens a draft bill in the editor.
        page = client.get(reverse("items:detail", args=[item.pk])).content.decode()
        assert f"redirecturl=/AccountsPayable/Edit.aspx?InvoiceID={document.pk}" in page.replace("&amp;", "&")


def test_paid_bill_gets_a_payment_from_the_bank_account(client, make_item, org_profile):
    item = publish(client, make_item(destination="purchases_paid", payment_method="090"))
    assert item.status == ItemStatus.PUBLISHED
    _, document = stored(item)
    payment = document.payments.get()
    assert (payment.account.code, payment.amount) == ("090", money(org_profile.gross("100.00")))
    document.refresh_from_db()
    assert document.status == "PAID"


def test_receipt_becomes_spend_money(client, make_item, org_profile):
    item = publish(client, make_item(document_type="receipt", destination="spend_money", payment_method="092",
                                     reference="RCPT-7"))
    _, document = stored(item)
    assert (document.kind, document.type, document.status) == ("banktransaction", "SPEND", "AUTHORISED")
    assert document.bank_account.code == "092"
    assert document.total == money(org_profile.gross("100.00"))
    assert document.attachments.count() == 1
    assert_view_in_xero_opens(client, item, document)


def test_sales_invoice(client, make_item, org_profile):
    item = publish(client, make_item(item_type="sale", contact="Corner Cafe", category="200",
                                     destination="sales_invoice", reference="S-0042"))
    _, document = stored(item)
    assert (document.type, document.status, document.number) == ("ACCREC", "AUTHORISED", "S-0042")
    assert lines_of(document) == [("200", org_profile.sales_tax, Decimal("100.00"), money(org_profile.tax_on("100")))]
    assert document.attachments.get().include_online is True
    assert_view_in_xero_opens(client, item, document)


def test_receive_money(client, make_item):
    item = publish(client, make_item(item_type="sale", contact="Corner Cafe", category="200",
                                     destination="receive_money", payment_method="090", document_type="receipt"))
    _, document = stored(item)
    assert (document.type, document.bank_account.code) == ("RECEIVE", "090")
    assert_view_in_xero_opens(client, item, document)


@pytest.mark.parametrize(
    ("item_type", "contact", "category", "xero_type"),
    [("cost", "Bakery Supplies Co", "429", "ACCPAYCREDIT"), ("sale", "Corner Cafe", "200", "ACCRECCREDIT")],
)
def test_credit_notes(client, make_item, org_profile, item_type, contact, category, xero_type):
    destination = "purchases_awaiting_payment" if item_type == "cost" else "sales_invoice"
    item = publish(client, make_item(item_type=item_type, contact=contact, category=category,
                                     document_type="credit_note", destination=destination, reference="CN-9"))
    _, document = stored(item)
    assert (document.kind, document.type, document.total) == ("creditnote", xero_type,
                                                              money(org_profile.gross("100.00")))
    assert_view_in_xero_opens(client, item, document)


def test_line_items_with_mixed_tax_add_up_to_the_document(client, make_item, org_profile):
    maker = make_item
    lines = [
        {"description": "Flour", "category": maker.category("310"), "tax_rate": maker.tax(org_profile.zero_tax),
         "tracking_option_1": None, "tracking_option_2": None,
         "net": Decimal("50.00"), "tax_amount": Decimal("0.00"), "total": Decimal("50.00")},
        {"description": "Packaging", "category": maker.category("429"), "tax_rate": maker.tax(org_profile.purchase_tax),
         "tracking_option_1": None, "tracking_option_2": None,
         "net": Decimal("33.33"), "tax_amount": Decimal("6.67"), "total": Decimal("40.00")},
    ]
    item = publish(client, maker(net="83.33", tax="6.67", total="90.00", lines=lines))
    _, document = stored(item)
    assert (document.sub_total, document.total_tax, document.total) == (Decimal("83.33"), Decimal("6.67"), Decimal("90.00"))
    assert lines_of(document) == [("310", org_profile.zero_tax, Decimal("50.00"), Decimal("0.00")),
                                  ("429", org_profile.purchase_tax, Decimal("33.33"), Decimal("6.67"))]


def test_xero_calculates_tax_but_total_still_equals_the_document(client, make_item, xero_calculates, org_profile):
    gross = Decimal("120.00")
    item = publish(client, make_item(net="99.99", tax="20.01", total=str(gross)))
    _, document = stored(item)
    assert document.line_amount_types == "Inclusive"
    assert document.total == gross
    # Xero splits the tax out of the gross at the organisation's rate (20% UK VAT, 10% AU GST).
    assert document.total_tax == (gross * org_profile.rate / (1 + org_profile.rate)).quantize(Decimal("0.01"))


def test_publishing_twice_does_not_create_a_second_document(client, make_item):
    from xero_sandbox.accounting.models import Document

    item = publish(client, make_item())
    again = client.post(reverse("publishing:publish", args=[item.pk]), follow=True)
    assert "be published: it is published" in again.content.decode()
    assert Document.objects.filter(number=item.reference).count() == 1


def test_bulk_publish_creates_in_one_batch_then_attaches(client, make_item, connected):
    from xero_sandbox import faults
    from xero_sandbox.accounting.models import Document

    items = [make_item(reference=f"BULK-{n}") for n in range(5)]
    faults.clear_log()
    response = client.post(reverse("items:bulk"), {"action": "publish", "items": [i.pk for i in items]}, follow=True)
    assert "Published 5 of 5 to Xero." in response.content.decode()
    assert set(Item.objects.filter(pk__in=[i.pk for i in items]).values_list("status", flat=True)) == {"published"}
    creates = faults.calls(method="PUT", path_contains="/Invoices").exclude(path__icontains="attachments")
    assert creates.count() == 1
    assert Document.objects.filter(number__startswith="BULK-").count() == 5
    assert all(d.attachments.count() == 1 for d in Document.objects.filter(number__startswith="BULK-"))
