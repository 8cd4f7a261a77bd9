"""An upload read by a real capture worker (a separate ``celery worker`` process on
PostgreSQL and Redis), as in production: the web request only stores the file."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from capture import samples
from items.models import DocumentType, Item, ItemStatus

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shared_media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")  # before the worker starts: it reads the same files


def test_receipt_photo_is_read_by_the_capture_worker_not_the_request(shared_media, celery_worker, admin_client, business):
    content, answer = samples.receipt_photo(seed=21, rotation=180)
    response = admin_client.post(
        reverse("items:upload"), {"files": [SimpleUploadedFile("receipt.jpg", content, content_type="image/jpeg")]}
    )
    assert response.status_code == 302
    item = Item.objects.get(business=business)
    deadline = time.monotonic() + 90
    while item.status == ItemStatus.PROCESSING and time.monotonic() < deadline:
        time.sleep(0.5)
        item.refresh_from_db()
    assert item.status == ItemStatus.TO_REVIEW, celery_worker.log_text()[-3000:]
    assert item.document_type == DocumentType.RECEIPT
    assert (item.date, item.total) == (answer.date, answer.total)
    assert item.document.thumbnail_name
    assert "capture.read_document" in celery_worker.log_text()
