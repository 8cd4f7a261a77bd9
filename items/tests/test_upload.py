import io

import pytest
from django.urls import reverse

from items.models import Document, Item, ItemStatus
from items.tests.conftest import edit_data, image_bytes, pdf_bytes, stored_files, upload_file

pytestmark = pytest.mark.django_db


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def test_upload_accepts_real_pdf_jpeg_and_png(admin_client, business, media_root, django_capture_on_commit_callbacks):
    files = [
        upload_file("bill.pdf", pdf_bytes()),
        upload_file("receipt.jpg", image_bytes("JPEG"), "image/jpeg"),
        upload_file("till.png", image_bytes("PNG"), "image/png"),
    ]
    with django_capture_on_commit_callbacks() as queued:
        response = admin_client.post(reverse("items:upload"), {"files": files}, follow=True)

    assert "3 documents uploaded to the Inbox: dext is reading them now." in _messages(response)
    documents = {d.original_name: d for d in Document.objects.filter(business=business)}
    assert {name: d.content_type for name, d in documents.items()} == {
        "bill.pdf": "application/pdf",
        "receipt.jpg": "image/jpeg",
        "till.png": "image/png",
    }
    # The request only stored the files: each item is Processing until the capture worker
    # has drawn its thumbnail and read it.
    assert Item.objects.filter(business=business, status=ItemStatus.PROCESSING).count() == 3
    assert len(stored_files(media_root)) == 3
    page = response.content.decode()
    assert "bill.pdf" in page and "till.png" in page and "Processing" in page
    for callback in queued:
        callback()
    assert Item.objects.filter(business=business, status=ItemStatus.TO_REVIEW).count() == 3
    # The PDF, the two images and their three thumbnails (a PDF gets its first page), all under generated names.
    names = sorted(path.name for path in stored_files(media_root))
    assert len(names) == 6
    assert not any(name.startswith(("bill", "receipt", "till")) for name in names)


def test_upload_rejects_renamed_executable_and_html_but_keeps_the_good_file(
    admin_client, business, media_root, django_capture_on_commit_callbacks
):
    files = [
        upload_file("invoice.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200),
        upload_file("statement.pdf", b"<!doctype html><html><script>alert(1)</script></html>"),
        upload_file("notes.xml", b"<?xml version='1.0'?><notes><note>not an invoice</note></notes>"),
        upload_file("good.png", image_bytes("PNG"), "image/png"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("items:upload"), {"files": files}, follow=True)

    text = _messages(response)
    not_accepted = "was not uploaded: it is not a PDF, JPEG or PNG file, or an e-invoice (UBL or Factur-X XML)."
    assert f"“invoice.pdf” {not_accepted}" in text
    assert f"“statement.pdf” {not_accepted}" in text
    assert f"“notes.xml” {not_accepted}" in text
    assert "1 document uploaded to the Inbox: dext is reading it now." in text
    assert list(Document.objects.values_list("original_name", flat=True)) == ["good.png"]
    assert len(stored_files(media_root)) == 2  # the PNG and its thumbnail


def test_upload_rejects_oversize_file_and_stores_nothing(admin_client, settings, media_root):
    settings.DOCUMENT_MAX_BYTES = 1024 * 1024
    big = pdf_bytes() + b"%" + b"0" * (1024 * 1024) + b"\n%%EOF\n"
    response = admin_client.post(reverse("items:upload"), {"files": [upload_file("huge.pdf", big)]}, follow=True)

    assert "“huge.pdf” was not uploaded: it is larger than 1 MB" in _messages(response)
    assert Document.objects.count() == 0 and Item.objects.count() == 0
    assert stored_files(media_root) == []


def test_upload_of_too_many_files_says_so_and_stores_nothing(admin_client, settings, media_root):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    files = [upload_file(f"bill-{n}.pdf", pdf_bytes(f"R{n}")) for n in range(3)]
    response = admin_client.post(reverse("items:upload"), {"files": files}, follow=True)

    assert response.status_code == 200
    assert "Too many files at once: upload at most 2 files per batch. Nothing was uploaded." in _messages(response)
    assert Document.objects.count() == 0
    assert stored_files(media_root) == []


def test_upload_still_requires_the_csrf_token(client, admin_user, media_root):
    client = type(client)(enforce_csrf_checks=True)
    client.force_login(admin_user)
    response = client.post(reverse("items:upload"), {"files": [upload_file("bill.pdf", pdf_bytes())]})
    assert response.status_code == 403
    assert Document.objects.count() == 0


def test_document_is_served_with_disposition_and_nosniff(admin_client, make_item):
    item = make_item()
    response = admin_client.get(reverse("items:document", args=[item.document_id]) + "?download=1")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="bill-1.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    inline = admin_client.get(reverse("items:document", args=[item.document_id]))
    assert inline["Content-Disposition"].startswith("inline;")


def test_another_business_gets_404_for_document_item_and_rule(client, other_admin, make_item, lists):
    item = make_item()
    client.force_login(other_admin)
    assert client.get(reverse("items:document", args=[item.document_id])).status_code == 404
    assert client.get(reverse("items:document_thumbnail", args=[item.document_id])).status_code == 404
    assert client.get(reverse("items:detail", args=[item.pk])).status_code == 404
    assert client.post(reverse("items:detail", args=[item.pk]), {"notes": "x"}).status_code == 404
    assert client.post(reverse("items:item_archive", args=[item.pk])).status_code == 404
    assert client.get(reverse("items:contact_rule", args=[lists["supplier"].pk])).status_code == 404
    item.refresh_from_db()
    assert item.status == ItemStatus.TO_REVIEW


def test_standard_user_can_upload_and_edit(standard_client, business, lists, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        standard_client.post(reverse("items:upload"), {"files": [upload_file("bill.pdf", pdf_bytes())]})
    item = Item.objects.get(business=business)
    response = standard_client.post(
        reverse("items:detail", args=[item.pk]),
        edit_data(item, contact=lists["supplier"].pk, notes="Checked by staff"),
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.contact == lists["supplier"] and item.notes == "Checked by staff"


def test_same_file_uploaded_twice_is_flagged_as_duplicate(admin_client, business):
    content = pdf_bytes("SAME")
    admin_client.post(reverse("items:upload"), {"files": [upload_file("a.pdf", content)]})
    response = admin_client.post(reverse("items:upload"), {"files": [upload_file("b.pdf", content)]}, follow=True)
    first, second = Item.objects.filter(business=business).order_by("id")
    assert second.duplicate_of_id == first.pk
    # Told apart by what a person sees, never by an internal id.
    assert "“b.pdf” is the same file as Bill “a.pdf” (uploaded " in _messages(response)
    assert f"#{first.pk}" not in _messages(response)



def test_pdf_gets_a_first_page_thumbnail(admin_client, business, media_root, django_capture_on_commit_callbacks):
    from PIL import Image

    from items.models import Item

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("items:upload"), {"files": [upload_file("bill.pdf", pdf_bytes("THUMB-1"))]}
        )
    assert response.status_code in (200, 302)
    item = Item.objects.get()
    assert item.document.thumbnail_name
    thumbnail = admin_client.get(reverse("items:document_thumbnail", args=[item.document_id]))
    assert thumbnail.status_code == 200 and thumbnail["Content-Type"] == "image/png"
    with Image.open(io.BytesIO(b"".join(thumbnail.streaming_content))) as image:
        assert image.height > image.width  # an A4 page, portrait


# --- Images are decoded in the worker, under a pixel cap ---------------------------------------
def png_claiming(width: int, height: int) -> bytes:
    """A small PNG file whose header claims ``width`` x ``height`` pixels (its pixel data
    is a few bytes: only decoding would find out it is short)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


@pytest.mark.parametrize("size", [(7700, 7700), (6000, 5000), (60000, 60000)])
def test_image_claiming_too_many_pixels_is_too_large_to_read(admin_client, media_root, size):
    response = admin_client.post(
        reverse("items:upload"), {"files": [upload_file("bomb.png", png_claiming(*size), "image/png")]}, follow=True
    )
    assert "“bomb.png” was not uploaded: This image is too large to read." in _messages(response)
    assert Document.objects.count() == 0 and stored_files(media_root) == []


def test_large_phone_photo_is_accepted_and_decoded_at_a_reduced_scale(settings):
    from items import documents

    out = io.BytesIO()
    from PIL import Image

    Image.new("RGB", (8000, 6000), "white").save(out, format="JPEG", quality=50)
    content = out.getvalue()
    assert documents.read_checked(upload_file("photo.jpg", content, "image/jpeg"))[1] == documents.JPEG
    image = documents.open_image(content)
    assert image.width * image.height <= settings.DOCUMENT_MAX_PIXELS
    thumb = documents.open_image(content, size=documents.THUMBNAIL_SIZE)
    assert thumb.width <= 8000 // 8 * 2 and thumb.height <= 6000 // 8 * 2  # drafted, not the full bitmap
    assert documents.thumbnail(content, documents.JPEG).startswith(b"\x89PNG")


def test_the_request_never_decodes_pixels_the_worker_finds_the_damage(
    admin_client, business, media_root, django_capture_on_commit_callbacks
):
    damaged = png_claiming(800, 600)  # a plausible header, pixel data cut short
    with django_capture_on_commit_callbacks() as queued:
        response = admin_client.post(
            reverse("items:upload"), {"files": [upload_file("cut.png", damaged, "image/png")]}, follow=True
        )
    assert "1 document uploaded to the Inbox" in _messages(response)
    item = Item.objects.get(business=business)
    assert item.status == ItemStatus.PROCESSING and not item.document.thumbnail_name
    for callback in queued:
        callback()
    item.refresh_from_db()
    assert item.status == ItemStatus.TO_REVIEW
    assert item.review_issues[0] == "We couldn't read this document; fill in the details."
    assert [path.name for path in stored_files(media_root)] == [item.document.storage_name.rsplit("/", 1)[1]]


def test_einvoice_xml_is_accepted_by_its_root_element(admin_client, business, django_capture_on_commit_callbacks):
    from capture import samples

    content, answer = samples.ubl_xml(seed=3)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("items:upload"), {"files": [upload_file("invoice.xml", content, "text/xml")]}, follow=True
        )
    assert "1 document uploaded to the Inbox" in _messages(response)
    item = Item.objects.get(business=business)
    assert item.document.content_type == "application/xml" and item.reference == answer.reference
