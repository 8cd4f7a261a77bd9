import io

import pytest
from django.urls import reverse

from items.models import Document, Item, ItemStatus
from items.tests.conftest import edit_data, image_bytes, pdf_bytes, stored_files, upload_file

pytestmark = pytest.mark.django_db


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def test_upload_accepts_real_pdf_jpeg_and_png(admin_client, business, media_root):
    files = [
        upload_file("bill.pdf", pdf_bytes()),
        upload_file("receipt.jpg", image_bytes("JPEG"), "image/jpeg"),
        upload_file("till.png", image_bytes("PNG"), "image/png"),
    ]
    response = admin_client.post(reverse("items:upload"), {"files": files}, follow=True)

    assert "3 documents uploaded to the Inbox." in _messages(response)
    documents = {d.original_name: d for d in Document.objects.filter(business=business)}
    assert {name: d.content_type for name, d in documents.items()} == {
        "bill.pdf": "application/pdf",
        "receipt.jpg": "image/jpeg",
        "till.png": "image/png",
    }
    assert Item.objects.filter(business=business, status=ItemStatus.TO_REVIEW).count() == 3
    # The PDF, the two images and their three thumbnails (a PDF gets its first page), all under generated names.
    names = sorted(path.name for path in stored_files(media_root))
    assert len(names) == 6
    assert not any(name.startswith(("bill", "receipt", "till")) for name in names)
    page = response.content.decode()
    assert "bill.pdf" in page and "till.png" in page


def test_upload_rejects_renamed_executable_and_html_but_keeps_the_good_file(admin_client, business, media_root):
    files = [
        upload_file("invoice.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200),
        upload_file("statement.pdf", b"<!doctype html><html><script>alert(1)</script></html>"),
        upload_file("good.png", image_bytes("PNG"), "image/png"),
    ]
    response = admin_client.post(reverse("items:upload"), {"files": files}, follow=True)

    text = _messages(response)
    assert "“invoice.pdf” was not uploaded: it is not a PDF, JPEG or PNG file" in text
    assert "“statement.pdf” was not uploaded: it is not a PDF, JPEG or PNG file" in text
    assert "1 document uploaded to the Inbox." in text
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


def test_standard_user_can_upload_and_edit(standard_client, business, lists):
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
    assert f"is the same file as item #{first.pk}" in _messages(response)



def test_pdf_gets_a_first_page_thumbnail(admin_client, business, media_root):
    from PIL import Image

    from items.models import Item

    response = admin_client.post(reverse("items:upload"), {"files": [upload_file("bill.pdf", pdf_bytes("THUMB-1"))]})
    assert response.status_code in (200, 302)
    item = Item.objects.get()
    assert item.document.thumbnail_name
    thumbnail = admin_client.get(reverse("items:document_thumbnail", args=[item.document_id]))
    assert thumbnail.status_code == 200 and thumbnail["Content-Type"] == "image/png"
    with Image.open(io.BytesIO(b"".join(thumbnail.streaming_content))) as image:
        assert image.height > image.width  # an A4 page, portrait
