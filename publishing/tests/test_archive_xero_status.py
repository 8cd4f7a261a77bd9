"""The Archive's "In Xero" filter and badges cost no query per row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from items.models import Item, ItemStatus
from items.tests.conftest import lists  # noqa: F401 - the fixture
from items.tests.test_inbox import bulk_items
from publishing.models import Publication, PublicationState

pytestmark = pytest.mark.django_db

STATUSES = ["AUTHORISED", "PAID", "VOIDED", "DELETED", "DRAFT"]


def published(business, lists, count, *, start=0):  # noqa: F811
    bulk_items(business, lists, count, start=start)
    items = list(Item.objects.filter(business=business, publication__isnull=True).order_by("pk"))
    Item.objects.filter(pk__in=[item.pk for item in items]).update(status=ItemStatus.PUBLISHED)
    Publication.objects.bulk_create(
        Publication(business=business, item=item, item_version=1, state=PublicationState.PUBLISHED,
                    endpoint="Invoices", xero_type="ACCPAY", xero_id=f"00000000-0000-4000-8000-{item.pk:012d}",
                    xero_status=STATUSES[n % len(STATUSES)])
        for n, item in enumerate(items)
    )


def archive_queries(client, **params) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("items:archive"), params)
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


def test_archive_with_xero_statuses_uses_a_fixed_number_of_queries(admin_client, business, lists):  # noqa: F811
    published(business, lists, 10)
    with_ten, page = archive_queries(admin_client)
    assert "In Xero: Paid" in page and "In Xero: Voided" in page and "In Xero: Awaiting payment" in page
    published(business, lists, 40, start=10)
    with_fifty, _ = archive_queries(admin_client)
    assert with_ten == with_fifty <= 15
    filtered, page = archive_queries(admin_client, xero_status="paid")
    assert filtered == with_ten
    assert page.count("In Xero: Paid") == 10 and "In Xero: Voided" not in page


def test_archive_filter_in_xero_offers_each_status(admin_client, business):
    page = admin_client.get(reverse("items:archive"), {"xero_status": "deleted"}).content.decode()
    for label in ("Draft", "Awaiting approval", "Awaiting payment", "Paid", "Voided", "Deleted"):
        assert f">{label}</option>" in page
    assert '<option value="deleted" selected>' in page
