"""Printed documents: PDF text layers, scans and photographed receipts, read for real
(the OCR tests run the real engine, so they are few), and input that can't be read."""

import io
import random

import pytest
from PIL import Image

from capture import samples
from capture.errors import UnreadableDocument
from capture.pipeline import capture, read_document
from capture.profile import BusinessProfile

PROFILE = BusinessProfile(name="Demo Bakery Ltd", country="GB", base_currency="GBP", tax_numbers=("GB987654321",))


def _assert_invoice(extraction, answer):
    assert extraction.value("document_type") == answer.document_type
    assert extraction.value("item_type") == "cost"
    assert extraction.value("supplier_name") == answer.supplier.name
    assert extraction.value("reference") == answer.reference
    assert extraction.value("date") == answer.date
    assert extraction.value("due_date") == answer.due_date
    assert extraction.value("currency") == answer.currency
    assert (extraction.value("net"), extraction.value("tax"), extraction.value("total")) == (answer.net, answer.tax, answer.total)


@pytest.mark.parametrize(
    ("seed", "layout", "country", "language"),
    [(11, 0, "GB", "en"), (12, 1, "FR", "fr"), (13, 2, "DE", "de"), (14, 0, "AU", "en")],
    ids=["classic-en-GBP", "banner-fr-EUR", "columns-de-EUR", "classic-en-AUD"],
)
def test_text_layer_invoice_fields_are_exact(seed, layout, country, language):
    pdf, answer = samples.invoice_pdf(seed, layout=layout, country=country, language=language)
    extraction, _match = capture(pdf, content_type="application/pdf", profile=PROFILE)
    assert extraction.source == "text"
    _assert_invoice(extraction, answer)
    assert extraction.value("tax_number") == answer.supplier.tax_number
    assert extraction.value("payment_terms_days") == answer.payment_terms_days
    # The cross-check holds (net + tax = total), so the amounts are trusted.
    assert extraction.fields["total"].confidence >= 0.95
    assert "paid" not in extraction.fields


def test_text_layer_gives_words_with_positions():
    pdf, answer = samples.invoice_pdf(15, layout=0)
    document = read_document(pdf, content_type="application/pdf")
    words = [word for line in document.pages[0].lines for word in line.words]
    title = next(word for word in words if word.text == "INVOICE")
    name = next(word for word in words if word.text == answer.supplier.name.split()[0])
    # Drawn at the top right and top left of an A4 page.
    assert title.box[0] > 0.6 and title.box[1] < 0.1
    assert name.box[0] < 0.15 and name.box[1] < 0.1


def test_credit_note_with_a_text_layer():
    pdf, answer = samples.invoice_pdf(16, layout=1, country="GB", language="en", credit_note=True)
    extraction, _match = capture(pdf, content_type="application/pdf", profile=PROFILE)
    _assert_invoice(extraction, answer)
    assert answer.document_type == "credit_note"


def test_line_items_are_kept_when_they_add_up():
    pdf, answer = samples.invoice_pdf(17, layout=0, country="GB")
    extraction, _match = capture(pdf, content_type="application/pdf", profile=PROFILE)
    assert [(line.description, line.quantity, line.unit_amount, line.net) for line in extraction.lines] == [
        (line.description, line.quantity, line.unit_amount, line.net) for line in answer.lines
    ]
    assert sum(line.tax_amount for line in extraction.lines) == answer.tax


def test_a_sales_invoice_issued_by_the_business_is_a_sale():
    answer = samples.invoice_answer(18, country="GB")
    own = BusinessProfile(name=answer.supplier.name, country="GB", base_currency="GBP",
                          tax_numbers=(answer.supplier.tax_number,))
    pdf, _ = samples.invoice_pdf(answer=answer, layout=0)
    extraction, _match = capture(pdf, content_type="application/pdf", profile=own)
    assert extraction.value("item_type") == "sale"
    assert extraction.value("supplier_name") == "Demo Bakery Ltd"


def test_scanned_pdf_is_read_by_ocr():
    pdf, answer = samples.scanned_pdf(21, layout=0, country="GB", language="en")
    extraction, _match = capture(pdf, content_type="application/pdf", profile=PROFILE)
    assert extraction.source == "ocr"
    _assert_invoice(extraction, answer)


@pytest.mark.parametrize("rotation", [90, 180])
def test_photographed_receipt_is_turned_upright_and_read(rotation):
    photo, answer = samples.receipt_photo(30 + rotation, rotation=rotation, skew=-2.5, noise=14, blur=0.8,
                                          shop=("BAKERY SUPPLIES CO LTD", "GB"))
    document = read_document(photo, content_type="image/jpeg")
    assert document.source == "ocr"
    assert document.pages[0].rotation == (360 - rotation) % 360
    extraction, _match = capture(photo, content_type="image/jpeg", profile=PROFILE)
    assert extraction.value("document_type") == "receipt"
    assert extraction.value("supplier_name") == "BAKERY SUPPLIES CO LTD"
    assert extraction.value("date") == answer.date
    assert extraction.value("total") == answer.total
    assert extraction.value("currency") == "GBP"
    assert extraction.value("payment") == answer.payment
    assert extraction.value("paid") is True


def _png(image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _empty_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (random.Random(1).randbytes(5000), "application/pdf"),
        (random.Random(2).randbytes(5000), "image/jpeg"),
        (b"%PDF-1.4\n%%EOF", "application/pdf"),
        (_empty_pdf(), "application/pdf"),
        (_png(Image.new("RGB", (800, 1100), "white")), "image/png"),
        (b"", "image/png"),
    ],
    ids=["random-pdf", "random-jpeg", "truncated-pdf", "empty-page-pdf", "blank-image", "no-bytes"],
)
def test_unreadable_input_raises_with_a_reason(content, content_type):
    with pytest.raises(UnreadableDocument) as raised:
        read_document(content, content_type=content_type)
    assert raised.value.reason


def test_an_image_claiming_too_many_pixels_is_refused_without_decoding():
    # 36 megapixels of PNG (a few kilobytes compressed): refused from its size alone.
    big = Image.new("1", (12000, 3000))
    with pytest.raises(UnreadableDocument, match="too large"):
        read_document(_png(big), content_type="image/png")


def test_a_big_jpeg_is_decoded_at_a_reduced_scale():
    from capture.readers import MAX_PIXELS, open_image

    out = io.BytesIO()
    Image.new("RGB", (7000, 5000), "white").save(out, format="JPEG", quality=50)
    image = open_image(out.getvalue())
    assert image.width * image.height <= MAX_PIXELS
    assert image.width >= 7000 / 4


def test_a_phone_photo_is_decoded_no_larger_than_ocr_reads_it():
    # 48 megapixels: decoded at 1/4 scale (2,000 px a side), not at 1/2 (4,000 px, four times the memory).
    from capture.ocr import MAX_SIDE
    from capture.readers import open_image

    out = io.BytesIO()
    Image.new("L", (8000, 6000), 255).save(out, format="JPEG", quality=50)
    image = open_image(out.getvalue())
    assert MAX_SIDE <= max(image.size) < 2 * MAX_SIDE


def test_the_customer_name_at_the_top_of_a_supplier_invoice_does_not_make_it_a_sale():
    # Layout 2 prints the customer (the business) top left, level with the supplier; once
    # scanned, both names read in the same size (OCR, a few seconds).
    pdf, answer = samples.scanned_pdf(2002, layout=2, country="DE", language="de")
    profile = BusinessProfile(name="Demo Bakery Ltd", country="GB", base_currency="GBP")
    extraction, _match = capture(pdf, content_type="application/pdf", profile=profile)
    assert extraction.value("item_type") == "cost"
    assert extraction.value("supplier_name") == answer.supplier.name
