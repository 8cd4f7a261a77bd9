"""Capture as a user sees it: an upload is Processing, then its item is filled from the
document, completed by the supplier's rule, and Ready or To review with what to check.

Documents come from ``capture.samples`` (drawn by code, with their answers). The capture
task runs inline when the upload commits (the test runs the commit callbacks); the
pipeline is the real one (PDF text, OCR, e-invoice XML)."""

import html
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from capture import samples
from capture.models import CaptureState, DocumentCapture, SupplierAlias
from capture.services import UNREADABLE_NOTE, captures_sweep
from items.models import ContactRule, DocumentType, Item, ItemHistory, ItemStatus, PublishDestination
from items.tests.conftest import image_bytes, stored_files
from lists.models import Category, Contact, PaymentMethod, TaxRate

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def gb_lists(business):
    make = {"business": business}
    return {
        "purchases": Category.objects.create(xero_id="a-1", code="310", name="Cost of Goods Sold", type="DIRECTCOSTS",
                                             account_class="EXPENSE", **make),
        "general": Category.objects.create(xero_id="a-2", code="429", name="General Expenses", type="EXPENSE",
                                           account_class="EXPENSE", **make),
        "vat20": TaxRate.objects.create(xero_id="INPUT2", name="20% (VAT on Expenses)", effective_rate=Decimal("20"),
                                        can_apply_to_expenses=True, **make),
        "vat5": TaxRate.objects.create(xero_id="RRINPUT", name="5% (VAT on Expenses)", effective_rate=Decimal("5"),
                                       can_apply_to_expenses=True, **make),
        "sales20": TaxRate.objects.create(xero_id="OUTPUT2", name="20% (VAT on Income)", effective_rate=Decimal("20"),
                                          can_apply_to_revenue=True, **make),
        "card": PaymentMethod.objects.create(xero_id="b-1", code="090", name="Business Card",
                                             kind=PaymentMethod.Kind.BANK, **make),
    }


@pytest.fixture
def upload(admin_client, django_capture_on_commit_callbacks):
    """Upload files through the Inbox as a person does; capture runs as the upload commits."""

    def send(*files, client=None):
        with django_capture_on_commit_callbacks(execute=True):
            response = (client or admin_client).post(reverse("items:upload"), {"files": list(files)}, follow=True)
        assert response.status_code == 200
        return response

    return send


def pdf_file(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def supplier_contact(business, answer, *, name=None, tax_number=True, **extra) -> Contact:
    return Contact.objects.create(
        business=business, xero_id=f"c-{answer.reference}", name=name or answer.supplier.name, is_supplier=True,
        tax_number=answer.supplier.tax_number if tax_number else "", **extra,
    )


def only_item(business) -> Item:
    return Item.objects.select_related("capture").get(business=business)


def page(client, item) -> str:
    return html.unescape(client.get(reverse("items:detail", args=[item.pk])).content.decode())


# --- A supplier invoice with a text layer --------------------------------------------------------
def test_invoice_pdf_is_read_matched_completed_by_the_rule_and_ready(admin_client, business, gb_lists, upload):
    content, answer = samples.invoice_pdf(seed=3, layout=1, country="GB")
    contact = supplier_contact(business, answer, name=answer.supplier.name.upper().replace(" LTD", ""))
    ContactRule.objects.create(business=business, contact=contact, category=gb_lists["purchases"],
                               publish_destination=PublishDestination.PURCHASES_AWAITING_PAYMENT)
    upload(pdf_file("invoice.pdf", content))

    item = only_item(business)
    assert item.status == ItemStatus.READY, item.review_issues
    assert item.contact == contact
    assert (item.date, item.due_date, item.reference) == (answer.date, answer.due_date, answer.reference)
    assert (item.net, item.tax_amount, item.total) == (answer.net, answer.tax, answer.total)
    assert item.currency_code == "GBP"
    # From the rule, as if the supplier had been picked by hand:
    assert item.category == gb_lists["purchases"]
    assert item.publish_destination == PublishDestination.PURCHASES_AWAITING_PAYMENT
    # The 20% the document shows is the business's only 20% rate on expenses.
    assert item.tax_rate == gb_lists["vat20"]
    capture = item.capture
    assert capture.state == CaptureState.DONE and capture.source == "text"
    assert capture.match_method == "tax_number"
    read = item.history.get(action=ItemHistory.Action.READ)
    assert read.message == "Read from the PDF's text." and read.changes["Total"] == ["—", f"{answer.total}"]
    text = page(admin_client, item)
    assert "Read from the PDF's text" in text and "Supplier recognised by tax number" in text


def test_processing_item_shows_processing_and_polls_until_read(admin_client, business, django_capture_on_commit_callbacks):
    content, _ = samples.invoice_pdf(seed=4)
    with django_capture_on_commit_callbacks() as queued:
        admin_client.post(reverse("items:upload"), {"files": [pdf_file("bill.pdf", content)]})
    item = Item.objects.get(business=business)
    assert item.status == ItemStatus.PROCESSING
    detail = page(admin_client, item)
    assert "Reading the document…" in detail
    assert f'hx-get="{reverse("items:detail", args=[item.pk])}" hx-trigger="every 2s"' in detail
    assert 'name="save"' not in detail  # nothing to edit while the worker has it
    row = admin_client.get(reverse("items:row", args=[item.pk])).content.decode()
    assert "Processing" in row and 'hx-trigger="every 2s"' in row

    for callback in queued:
        callback()
    item.refresh_from_db()
    assert item.status == ItemStatus.TO_REVIEW  # no supplier in this business's lists
    row = admin_client.get(reverse("items:row", args=[item.pk])).content.decode()
    assert "Processing" not in row and "hx-trigger" not in row and item.reference in row
    assert "hx-trigger" not in page(admin_client, item)


# --- Scans, photos and e-invoices ----------------------------------------------------------------
def test_scanned_invoice_is_read_by_ocr(business, gb_lists, upload):
    content, answer = samples.scanned_pdf(seed=5, layout=0, country="GB")
    supplier_contact(business, answer)
    upload(pdf_file("scan.pdf", content))
    item = only_item(business)
    assert item.capture.source == "ocr"
    assert (item.date, item.reference, item.total) == (answer.date, answer.reference, answer.total)
    assert item.contact.name == answer.supplier.name


def test_photographed_receipt_rotated_and_noisy_is_read_and_marked_paid(business, gb_lists, upload):
    content, answer = samples.receipt_photo(seed=11, rotation=90, skew=3.0, noise=12.0, shop=("Corner Shop Ltd", "GB"))
    contact = Contact.objects.create(business=business, xero_id="c-shop", name="Corner Shop", is_supplier=True)
    ContactRule.objects.create(business=business, contact=contact, category=gb_lists["general"],
                               payment_method=gb_lists["card"])
    upload(SimpleUploadedFile("receipt.jpg", content, content_type="image/jpeg"))
    item = only_item(business)
    assert item.capture.source == "ocr"
    assert item.document_type == DocumentType.RECEIPT
    assert (item.date, item.total) == (answer.date, answer.total)
    assert item.contact == contact
    assert item.paid is True
    # A cost receipt goes to Spend Money from the rule's payment method: nothing left to do.
    assert item.publish_destination == PublishDestination.SPEND_MONEY
    assert item.status == ItemStatus.READY, item.review_issues
    assert item.document.thumbnail_name


def test_ubl_einvoice_is_exact_with_its_lines_and_a_readable_pdf(admin_client, business, gb_lists, upload):
    content, answer = samples.ubl_xml(seed=7, country="GB")
    contact = supplier_contact(business, answer)
    upload(SimpleUploadedFile("invoice.xml", content, content_type="application/xml"))
    item = only_item(business)
    capture = item.capture
    assert capture.source == "e-invoice"
    assert all(field["confidence"] == 1.0 for field in capture.fields.values())
    assert item.unconfirmed_fields == []
    assert item.contact == contact
    assert (item.reference, item.date, item.due_date) == (answer.reference, answer.date, answer.due_date)
    assert (item.net, item.tax_amount, item.total, item.currency_code) == (
        answer.net, answer.tax, answer.total, answer.currency)
    lines = list(item.lines.order_by("position"))
    if len(answer.lines) > 1:
        assert [(line.description, line.net, line.tax_amount) for line in lines] == [
            (line.description, line.net, line.tax_amount) for line in answer.lines
        ]
    # Preview and attachment: the readable PDF; download: the original XML.
    document = item.document
    assert document.content_type == "application/xml" and document.rendition_name
    inline = admin_client.get(reverse("items:document", args=[document.pk]))
    assert inline["Content-Type"] == "application/pdf"
    assert b"".join(inline.streaming_content).startswith(b"%PDF-")
    original = admin_client.get(reverse("items:document", args=[document.pk]) + "?download=1")
    assert original["Content-Type"] == "application/xml"
    assert b"".join(original.streaming_content) == content
    assert document.thumbnail_name


def test_einvoice_with_lines_at_two_rates_gets_a_tax_rate_per_line(business, gb_lists, upload):
    answer = samples.invoice_answer(21, country="GB", line_count=2)
    first, second = answer.lines
    mixed = (first, samples.AnswerLine(second.description, second.quantity, second.unit_amount, second.net,
                                       Decimal(5), samples.money(second.net * Decimal("0.05"))))
    from dataclasses import replace

    answer = replace(answer, lines=mixed, net=first.net + second.net, tax=first.tax_amount + mixed[1].tax_amount,
                     total=first.total + mixed[1].total)
    content, answer = samples.ubl_xml(answer=answer)
    upload(SimpleUploadedFile("mixed.xml", content, content_type="application/xml"))
    lines = list(only_item(business).lines.order_by("position"))
    assert [line.tax_rate for line in lines] == [gb_lists["vat20"], gb_lists["vat5"]]


def test_facturx_pdf_is_read_from_its_embedded_xml(business, upload):
    content, answer = samples.facturx_pdf(seed=8, country="FR")
    upload(pdf_file("facture.pdf", content))
    item = only_item(business)
    assert item.capture.source == "e-invoice"
    assert (item.reference, item.total, item.currency_code) == (answer.reference, answer.total, "EUR")
    assert item.capture.printed_name == answer.supplier.name
    assert item.capture.tax_number == answer.supplier.tax_number


# --- What is never lost or overwritten -----------------------------------------------------------
def test_unreadable_document_goes_to_review_with_the_message_and_keeps_the_file(
    admin_client, business, upload, media_root
):
    upload(SimpleUploadedFile("blank.png", image_bytes("PNG"), content_type="image/png"))
    item = only_item(business)
    assert item.status == ItemStatus.TO_REVIEW
    assert item.review_issues[0] == UNREADABLE_NOTE
    assert item.capture.state == CaptureState.UNREADABLE and item.capture.error
    assert any(path.suffix == ".png" for path in stored_files(media_root))
    text = page(admin_client, item)
    assert UNREADABLE_NOTE in text and "Read again" in text


def test_read_again_keeps_fields_set_by_hand_and_changes_nothing_else_the_second_time(
    admin_client, business, gb_lists, upload, django_capture_on_commit_callbacks
):
    content, answer = samples.invoice_pdf(seed=12, layout=0)
    supplier_contact(business, answer)
    upload(pdf_file("bill.pdf", content))
    item = only_item(business)
    from items.services import item_update

    item = item_update(item=item, data={"reference": "MY-OWN-REF"}, lines=None, changed_fields=["reference"],
                       acting_user=None)
    version = item.version

    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(reverse("capture:read_again", args=[item.pk]))
        assert response.status_code == 302
    item.refresh_from_db()
    assert item.reference == "MY-OWN-REF"
    assert item.total == answer.total and item.date == answer.date
    assert item.version == version  # reading the same document again changed nothing
    reads = list(item.history.filter(action=ItemHistory.Action.READ).order_by("id"))
    assert len(reads) == 3 and reads[1].changes == {} and reads[2].changes == {}


def test_read_again_is_refused_while_publishing(admin_client, business, upload):
    content, _ = samples.invoice_pdf(seed=13)
    upload(pdf_file("bill.pdf", content))
    item = only_item(business)
    Item.objects.filter(pk=item.pk).update(status=ItemStatus.PUBLISHING)
    response = admin_client.post(reverse("capture:read_again", args=[item.pk]), follow=True)
    assert "its document can't be read again now" in html.unescape(response.content.decode())
    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHING


def test_low_confidence_field_is_highlighted_with_its_text_until_a_person_saves(
    admin_client, business, gb_lists, upload
):
    content, answer = samples.invoice_pdf(seed=14)
    upload(pdf_file("bill.pdf", content))
    item = only_item(business)
    # Make the read total uncertain, as a smudged scan would.
    capture = item.capture
    capture.fields["total"]["confidence"] = 0.42
    capture.save()
    Item.objects.filter(pk=item.pk).update(unconfirmed_fields=["total"])
    item.refresh_from_db()
    text = page(admin_client, item)
    assert f"Check this: read as “{answer.total}” from “{capture.fields['total']['source_text']}” (42% sure)." in text
    from items.tests.conftest import edit_data

    admin_client.post(reverse("items:detail", args=[item.pk]), edit_data(item))
    item.refresh_from_db()
    assert item.unconfirmed_fields == []
    assert "Check this" not in page(admin_client, item)


# --- Learning who a printed name is ---------------------------------------------------------------
def test_contact_picked_by_hand_is_learned_for_the_next_document_printed_that_way(
    admin_client, business, gb_lists, upload
):
    from items.tests.conftest import edit_data

    printed = samples.Party(name="BSC TRADING CO LTD", tax_number="", address=("1 High Street", "York YO1 7HH"))
    northern = Contact.objects.create(business=business, xero_id="c-nfm", name="Northern Flour Mills", is_supplier=True)
    first, _ = samples.invoice_pdf(answer=samples.invoice_answer(30, supplier=printed))
    upload(pdf_file("first.pdf", first))
    item = only_item(business)
    assert item.contact is None and item.capture.printed_name == "BSC TRADING CO LTD"

    admin_client.post(reverse("items:detail", args=[item.pk]), edit_data(item, contact=northern.pk))
    alias = SupplierAlias.objects.get(business=business)
    assert alias.contact == northern and alias.printed_name == "BSC TRADING CO LTD"

    second, _ = samples.invoice_pdf(answer=samples.invoice_answer(31, supplier=printed), layout=1)
    upload(pdf_file("second.pdf", second))
    later = Item.objects.filter(business=business).order_by("-id").first()
    assert later.contact == northern
    assert later.capture.match_method == "alias"


def test_alias_of_one_business_never_matches_for_another(business, other_business, gb_lists, upload):
    printed = samples.Party(name="BSC TRADING CO LTD")
    theirs = Contact.objects.create(business=other_business, xero_id="c-x", name="Northern Flour Mills", is_supplier=True)
    SupplierAlias.objects.create(business=other_business, key="bsc trading", printed_name="BSC TRADING CO LTD",
                                 contact=theirs)
    content, _ = samples.invoice_pdf(answer=samples.invoice_answer(32, supplier=printed))
    upload(pdf_file("bill.pdf", content))
    assert only_item(business).contact is None


# --- Workers that die, messages that are lost ------------------------------------------------------
def test_sweeper_queues_again_an_item_left_processing(admin_client, business, django_capture_on_commit_callbacks):
    content, answer = samples.invoice_pdf(seed=15)
    with django_capture_on_commit_callbacks():  # the message to the worker is lost
        admin_client.post(reverse("items:upload"), {"files": [pdf_file("bill.pdf", content)]})
    item = Item.objects.get(business=business)
    assert item.status == ItemStatus.PROCESSING
    assert captures_sweep() == []  # not stale yet
    Item.objects.filter(pk=item.pk).update(updated=timezone.now() - timedelta(minutes=5))
    assert captures_sweep() == [item.pk]
    item.refresh_from_db()
    assert item.status == ItemStatus.TO_REVIEW and item.total == answer.total


def test_a_dead_workers_run_is_taken_over_once_its_lease_ran_out(business, upload):
    from capture.services import capture_run

    content, answer = samples.invoice_pdf(seed=16)
    upload(pdf_file("bill.pdf", content))
    item = only_item(business)
    Item.objects.filter(pk=item.pk).update(status=ItemStatus.PROCESSING)
    DocumentCapture.objects.filter(item=item).update(
        state=CaptureState.READING, lease_expires_at=timezone.now() + timedelta(minutes=3))
    assert capture_run(item_id=item.pk) == "skipped"  # another worker holds it
    DocumentCapture.objects.filter(item=item).update(lease_expires_at=timezone.now() - timedelta(seconds=1))
    assert captures_sweep() == [item.pk]
    item.refresh_from_db()
    assert item.status == ItemStatus.TO_REVIEW and item.total == answer.total


def test_capture_tasks_go_to_their_own_queue(settings):
    from dext.celery import app

    route = app.amqp.router.route({}, "capture.read_document", args=(1,), kwargs={})
    assert route["queue"].name == settings.CAPTURE_QUEUE == "capture"
    other = app.amqp.router.route({}, "publishing.publish_item", args=(1,), kwargs={})
    assert other["queue"].name == settings.CELERY_TASK_DEFAULT_QUEUE
