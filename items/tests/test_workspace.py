"""Item details as a workspace: the document viewer, fields grouped as on the document,
the contact picker's search, names where codes were, messages that stay true, and the
keys a person works with."""

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from items.models import ItemHistory, ItemStatus, PublishDestination
from items.tests.test_details import complete
from lists.models import Contact

pytestmark = pytest.mark.django_db


def two_page_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    for number in (1, 2):
        pdf.drawString(72, 720, f"Page {number} of the delivery notes")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


# --- The document viewer ---------------------------------------------------------------------------
def test_a_pdf_is_shown_page_by_page_beside_the_fields(admin_client, make_item):
    item = make_item(content=two_page_pdf())
    page = admin_client.get(reverse("items:detail", args=[item.pk])).content.decode()
    first = reverse("items:document_page", args=[item.document_id, 1])
    assert f'src="{first}"' in page and 'data-pages="2"' in page
    assert "Page 1 of 2" in page
    for control in ('aria-label="Zoom in"', 'aria-label="Zoom out"', "data-viewer-rotate", 'aria-label="Next page"'):
        assert control in page
    # The viewer comes first, then the fields: side by side from 1200 px (items.css).
    assert page.index('class="viewer card"') < page.index('id="item-form"')

    second = admin_client.get(reverse("items:document_page", args=[item.document_id, 2]))
    assert second.status_code == 200 and second["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(second.content))
    assert image.width >= 1000  # sharp when zoomed in
    assert admin_client.get(reverse("items:document_page", args=[item.document_id, 3])).status_code == 404


def test_an_image_is_shown_as_it_is(admin_client, business, admin_user, django_capture_on_commit_callbacks):
    from items.services import documents_upload
    from items.tests.conftest import image_bytes, upload_file

    with django_capture_on_commit_callbacks(execute=True):
        item = documents_upload(business=business, files=[upload_file("till.png", image_bytes("PNG"), "image/png")],
                                acting_user=admin_user).items[0]
    page = admin_client.get(reverse("items:detail", args=[item.pk])).content.decode()
    assert f'src="{reverse("items:document", args=[item.document_id])}"' in page
    assert "Page 1 of" not in page
    assert admin_client.get(reverse("items:document_page", args=[item.document_id, 1])).status_code == 404


# --- Fields as on the document, names with codes ------------------------------------------------------
def test_fields_are_grouped_as_a_document_reads(admin_client, make_item):
    item = make_item()
    page = admin_client.get(reverse("items:detail", args=[item.pk])).content.decode()
    legends = re.findall(r"<legend>([^<]+)</legend>", page)
    assert legends[:4] == ["Who", "When", "Amounts", "How to publish"]
    who = page[page.index("<legend>Who</legend>"):page.index("<legend>When</legend>")]
    assert 'name="contact"' in who and 'name="document_type"' in who
    amounts = page[page.index("<legend>Amounts</legend>"):page.index("<legend>How to publish</legend>")]
    assert all(f'name="{name}"' in amounts for name in ("net", "tax_amount", "total", "currency_code"))


def test_lists_show_names_with_codes(admin_client, make_item, lists):
    item = make_item()
    page = admin_client.get(reverse("items:detail", args=[item.pk])).content.decode()
    assert ">400 · Purchases</option>" in page
    assert ">20% VAT on Expenses</option>" in page
    assert "INPUT2" not in page


def test_headings_and_history_use_the_words_of_the_item_type(admin_client, make_item, lists):
    item = make_item()
    admin_client.post(reverse("items:detail", args=[item.pk]), complete(item, lists))
    page = admin_client.get(reverse("items:detail", args=[item.pk])).content.decode()
    assert "<title>Bill INV-77 from Northern Flour Mills · dext</title>" in page
    sale = make_item()
    admin_client.post(reverse("items:detail", args=[sale.pk]), complete(
        sale, lists, item_type="sale", contact=lists["customer"].pk, category=lists["revenue"].pk,
        tax_rate=lists["output"].pk, publish_destination=PublishDestination.SALES_INVOICE, reference="S-1"))
    page = admin_client.get(reverse("items:detail", args=[sale.pk])).content.decode()
    assert "Sales invoice S-1 to Corner Café" in page
    assert not re.search(r"item #\d", page)


# --- The contact picker ----------------------------------------------------------------------------
def search(client, **params) -> list[str]:
    page = client.get(reverse("items:contact_search"), params).content.decode()
    return [name.strip() for name in re.findall(r'role="option"[^>]*>([^<]+)', page)]


def test_the_picker_offers_suppliers_first_on_costs_and_customers_first_on_sales(admin_client, business, lists):
    Contact.objects.create(business=business, xero_id="c-9", name="Northern Bakers Guild", is_customer=True)
    assert search(admin_client, q="northern", **{"for": "supplier"}) == ["Northern Flour Mills", "Northern Bakers Guild"]
    assert search(admin_client, q="northern", **{"for": "customer"}) == ["Northern Bakers Guild", "Northern Flour Mills"]


def test_the_picker_says_when_a_contact_is_the_other_kind(admin_client, lists):
    page = admin_client.get(reverse("items:contact_search"), {"q": "corner", "for": "supplier"}).content.decode()
    assert "Corner Café <span class=\"picker__kind\">· a customer, not yet a supplier</span>" in page
    assert 'data-note="Corner Café is a customer in Xero: publishing this makes it a supplier too."' in page


def test_the_picker_offers_to_create_a_name_it_does_not_know(admin_client, lists):
    page = admin_client.get(reverse("items:contact_search"),
                            {"q": "Kestrel Print", "for": "supplier", "create": "1"}).content.decode()
    assert 'data-create-name="Kestrel Print">Create supplier “Kestrel Print” in Xero</li>' in page
    exact = admin_client.get(reverse("items:contact_search"),
                             {"q": "city power", "for": "supplier", "create": "1"}).content.decode()
    assert "Create supplier" not in exact


def test_without_the_publish_permission_the_picker_says_to_ask(standard_client, lists):
    page = standard_client.get(reverse("items:contact_search"),
                               {"q": "Kestrel Print", "for": "supplier", "create": "1"}).content.decode()
    assert "Create supplier" not in page
    assert 'aria-disabled="true">“Kestrel Print” is not in Xero yet: ask an administrator' in page


def test_the_picker_searches_only_this_business_active_contacts(admin_client, business, other_business, lists):
    Contact.objects.create(business=other_business, xero_id="o-1", name="Northern Secrets", is_supplier=True)
    Contact.objects.create(business=business, xero_id="o-2", name="Northern Gone", is_supplier=True, status="archived")
    assert search(admin_client, q="northern") == ["Northern Flour Mills"]


def test_the_picker_search_costs_the_same_queries_for_5_or_500_contacts(admin_client, business, lists):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(reverse("items:contact_search"), {"q": "sup", "for": "supplier"}).status_code == 200
        return len(captured.captured_queries)

    few = queries()
    Contact.objects.bulk_create(Contact(business=business, xero_id=f"s-{n}", name=f"Supplier {n}", is_supplier=True)
                                for n in range(500))
    assert queries() == few
    assert len(search(admin_client, q="sup", **{"for": "supplier"})) == 10


def test_item_details_never_lists_every_contact(admin_client, business, make_item, lists):
    Contact.objects.bulk_create(Contact(business=business, xero_id=f"s-{n}", name=f"Supplier {n}", is_supplier=True)
                                for n in range(200))
    item = make_item()
    page = admin_client.get(reverse("items:detail", args=[item.pk])).content.decode()
    assert "Supplier 150" not in page
    assert re.search(r'<input type="text" id="id_contact"[^>]*role="combobox"', page)
    assert 'aria-controls="id_contact-options"' in page and 'role="listbox"' in page
    assert '<label for="id_contact">Supplier</label>' in page


# --- Messages that stay true -------------------------------------------------------------------------
def test_a_refused_save_says_nothing_was_saved_and_lists_only_what_remains(admin_client, make_item, lists):
    item = make_item()
    before = list(item.review_issues)
    assert "Supplier is missing." in before and "Category is missing." in before
    # The supplier is chosen now, the category still isn't, and the amounts don't add up.
    data = complete(item, lists, total="12.01", category=None)
    page = admin_client.post(reverse("items:detail", args=[item.pk]), data).content.decode()
    assert "Your changes were not saved." in page
    assert '<a href="#id_total">Total: Net 10.00 + tax 2.00 = 12.00, not the total 12.01.</a>' in page
    remaining = page[page.index("Once those are fixed, this is still to review:"):]
    assert "Category is missing." in remaining
    assert "Supplier is missing." not in page  # fixed in this edit, though not saved yet
    item.refresh_from_db()
    assert item.review_issues == before and item.contact is None


def test_a_saved_item_says_so_once(admin_client, make_item, lists):
    item = make_item()
    response = admin_client.post(reverse("items:detail", args=[item.pk]), complete(item, lists), follow=True)
    assert "Bill INV-77 from Northern Flour Mills saved." in response.content.decode()
    again = admin_client.get(reverse("items:detail", args=[item.pk])).content.decode()
    assert "saved." not in again and "Your changes were not saved" not in again


# --- Possible duplicates ---------------------------------------------------------------------------
def test_duplicates_by_invoice_number_or_by_date_and_total(admin_client, make_item, lists):
    def coded(**overrides):
        item = make_item()
        admin_client.post(reverse("items:detail", args=[item.pk]), complete(item, lists, **overrides))
        item.refresh_from_db()
        return item

    original = coded(reference="INV-9", total="12.00")
    same_number_other_total = coded(reference=" inv-9", net="20.00", tax_amount="4.00", total="24.00")
    assert same_number_other_total.duplicate_of_id == original.pk
    other_number_same_day_and_total = coded(reference="INV-10")
    assert other_number_same_day_and_total.duplicate_of_id is None
    no_number_same_day_and_total = coded(reference="", document_type="receipt", payment_method=lists["bank"].pk,
                                         publish_destination=PublishDestination.SPEND_MONEY)
    assert no_number_same_day_and_total.duplicate_of_id == original.pk
    other_supplier = coded(reference="INV-9", contact=lists["supplier2"].pk)
    assert other_supplier.duplicate_of_id is None
    credit_note = coded(reference="", document_type="credit_note")
    assert credit_note.duplicate_of_id is None
    page = admin_client.get(reverse("items:detail", args=[same_number_other_total.pk])).content.decode()
    assert "This looks like a duplicate of" in page and "Bill INV-9 from Northern Flour Mills" in page
    entry = same_number_other_total.history.get(action=ItemHistory.Action.DUPLICATE_FLAGGED)
    assert entry.message.startswith("Looks like Bill INV-9 from Northern Flour Mills (bill-1.pdf, uploaded ")


def test_publishing_one_of_two_possible_duplicates_asks_first(admin_client, make_item, lists, monkeypatch):
    first = make_item()
    second = make_item()
    admin_client.post(reverse("items:detail", args=[first.pk]), complete(first, lists))
    admin_client.post(reverse("items:detail", args=[second.pk]), complete(second, lists))
    first.refresh_from_db()
    assert first.status == ItemStatus.READY
    queued = []
    monkeypatch.setattr("publishing.views.services.publish_request",
                        lambda **kwargs: queued.append(kwargs["items"]) or type("R", (), {"queued": [1], "skipped": {}}))

    detail = admin_client.get(reverse("items:detail", args=[first.pk])).content.decode()
    assert "looks like the same document as this one. Publishing asks you to confirm." in detail
    asked = admin_client.post(reverse("publishing:publish", args=[first.pk]))
    assert asked.status_code == 200 and queued == []
    page = asked.content.decode()
    assert "Publish a possible duplicate?" in page and "Publish anyway" in page
    assert f'href="{reverse("items:detail", args=[second.pk])}"' in page

    confirmed = admin_client.post(reverse("publishing:publish", args=[first.pk]), {"confirmed": "yes"})
    assert confirmed.status_code == 302 and [item.pk for item in queued[0]] == [first.pk]


def test_bulk_publishing_possible_duplicates_asks_first(admin_client, make_item, lists, monkeypatch):
    first = make_item()
    second = make_item()
    admin_client.post(reverse("items:detail", args=[first.pk]), complete(first, lists))
    admin_client.post(reverse("items:detail", args=[second.pk]), complete(second, lists))
    called = []
    monkeypatch.setattr("items.services.items_bulk_action", lambda **kwargs: called.append(kwargs))

    asked = admin_client.post(reverse("items:bulk"), {"action": "publish", "items": [first.pk, second.pk]})
    assert asked.status_code == 200 and called == []
    assert "Publish possible duplicates?" in asked.content.decode()
    assert 'name="confirmed" value="yes"' in asked.content.decode()


# --- Keys ------------------------------------------------------------------------------------------
def test_the_keys_are_listed_on_both_screens(admin_client, make_item):
    item = make_item()
    inbox = admin_client.get(reverse("items:inbox")).content.decode()
    details = admin_client.get(reverse("items:detail", args=[item.pk])).content.decode()
    for page in (inbox, details):
        assert '<dialog class="keys-help"' in page and "Keyboard shortcuts" in page
        assert "items/keys.js" in page
    assert "<dd>Save and go to the next item</dd>" in details and "data-save-next" in details
    assert "<dd>Open the item</dd>" in inbox and "data-queue-row" in inbox


def test_pages_carry_no_inline_script_or_style(admin_client, make_item):
    item = make_item()
    for url in (reverse("items:inbox"), reverse("items:detail", args=[item.pk])):
        page = admin_client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), url
        assert ' style="' not in page and "<style" not in page, url
        assert not re.search(r"\son[a-z]+=\"", page), url


def test_while_the_document_is_read_the_fields_wait(admin_client, make_item):
    from items.models import Item

    item = make_item()
    Item.objects.filter(pk=item.pk).update(status=ItemStatus.PROCESSING)
    page = admin_client.get(reverse("items:detail", args=[item.pk])).content.decode()
    assert "Reading the document…" in page
    assert re.search(r'<input type="text" name="reference"[^>]* disabled', page)
    assert re.search(r'id="id_contact"[^>]* disabled', page)
    assert "Save and next" not in page
    polled = admin_client.get(reverse("items:detail", args=[item.pk]), headers={"HX-Request": "true"})
    assert "Reading the document…" in polled.content.decode()
    # Read: the poll reloads the whole page, so the picker and the viewer start on live fields.
    Item.objects.filter(pk=item.pk).update(status=ItemStatus.TO_REVIEW)
    done = admin_client.get(reverse("items:detail", args=[item.pk]), headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"


def test_item_details_costs_the_same_queries_for_a_small_or_a_large_inbox(admin_client, business, lists):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from items.models import Item
    from items.tests.test_inbox import bulk_items

    bulk_items(business, lists, 5)
    item = Item.objects.order_by("id")[2]

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(reverse("items:detail", args=[item.pk]), {"status": "ready"}).status_code == 200
        return len(captured.captured_queries)

    queries()  # the session settles on the first request
    few = queries()
    bulk_items(business, lists, 400, start=5)
    Contact.objects.bulk_create(Contact(business=business, xero_id=f"m-{n}", name=f"More {n}", is_supplier=True)
                                for n in range(400))
    assert queries() == few
