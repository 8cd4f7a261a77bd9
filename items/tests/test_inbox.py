from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from items.demo import DEMO_MARKER, seed_demo_items
from items.models import Document, Item, ItemHistory, ItemStatus
from items.tests.conftest import stored_files

pytestmark = pytest.mark.django_db


def bulk_items(business, lists, count: int, *, start: int = 0) -> None:
    """Many items at once, with every relation the Inbox shows filled in."""
    documents = Document.objects.bulk_create(
        Document(
            business=business,
            storage_name=f"documents/{business.pk}/{n}.png",
            thumbnail_name=f"documents/{business.pk}/{n}-thumb.png" if n % 2 else "",
            original_name=f"doc-{n}.png",
            content_type="image/png",
            size=100,
            sha256=f"{n:064d}",
        )
        for n in range(start, start + count)
    )
    Item.objects.bulk_create(
        Item(
            business=business,
            document=document,
            contact=lists["supplier"] if n % 2 else lists["supplier2"],
            category=lists["expense"],
            tax_rate=lists["input"],
            date=date(2025, 1, 1) + timedelta(days=n % 300),
            reference=f"INV-{n}",
            total=Decimal("12.00") + n,
            currency_code="GBP",
            status=ItemStatus.READY if n % 3 else ItemStatus.TO_REVIEW,
            review_issues=[] if n % 3 else ["Date is missing."],
        )
        for n, document in zip(range(start, start + count), documents, strict=True)
    )


def _inbox_queries(client, django_assert_max_num_queries, limit: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with django_assert_max_num_queries(limit), CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("items:inbox"))
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_inbox_uses_a_fixed_number_of_queries_from_10_to_1000_items(
    admin_client, business, lists, django_assert_max_num_queries
):
    bulk_items(business, lists, 10)
    with_ten = _inbox_queries(admin_client, django_assert_max_num_queries, 15)
    bulk_items(business, lists, 990, start=10)
    with_thousand = _inbox_queries(admin_client, django_assert_max_num_queries, 15)
    assert with_ten == with_thousand
    assert "1000 items" in admin_client.get(reverse("items:inbox")).content.decode()


def test_inbox_search_filters_and_sorting(admin_client, business, lists):
    bulk_items(business, lists, 30)
    page = admin_client.get(reverse("items:inbox"), {"q": "INV-17"}).content.decode()
    assert "INV-17" in page and "INV-16" not in page
    page = admin_client.get(reverse("items:inbox"), {"contact": lists["supplier"].pk}).content.decode()
    assert "15 items" in page
    page = admin_client.get(
        reverse("items:inbox"), {"date_from": "2025-01-05", "date_to": "2025-01-06", "sort": "date"}
    ).content.decode()
    assert "2 items" in page and page.index("INV-4") < page.index("INV-5")
    page = admin_client.get(reverse("items:inbox"), {"status": "to_review"}).content.decode()
    assert "10 items" in page
    page = admin_client.get(reverse("items:inbox"), {"sort": "-total"}).content.decode()
    assert page.index("INV-29") < page.index("INV-28")


def test_inbox_paginates(admin_client, business, lists):
    bulk_items(business, lists, 60)
    page = admin_client.get(reverse("items:inbox")).content.decode()
    assert "Page 1 of 2" in page and "INV-59" in page and "INV-9<" not in page
    page = admin_client.get(reverse("items:inbox"), {"page": 2}).content.decode()
    assert "Page 2 of 2" in page


def test_bulk_set_category_marks_it_manual_and_records_history(admin_client, business, lists, admin_user):
    bulk_items(business, lists, 3)
    items = list(Item.objects.filter(business=business))
    response = admin_client.post(
        reverse("items:bulk"),
        {"action": "set_category", "category": lists["expense2"].pk, "items": [i.pk for i in items[:2]]},
        follow=True,
    )
    assert "Category set to “445 · Light, Power” on 2 items." in response.content.decode()
    changed = Item.objects.filter(category=lists["expense2"])
    assert changed.count() == 2
    assert all("category" in item.manual_fields for item in changed)
    entry = ItemHistory.objects.get(item=items[0])
    assert entry.user == admin_user and entry.changes == {"Category": ["400 · Purchases", "445 · Light, Power"]}


def test_bulk_tax_rate_that_does_not_fit_sends_items_to_review(admin_client, business, lists):
    bulk_items(business, lists, 1)
    item = Item.objects.get(business=business)
    admin_client.post(reverse("items:bulk"), {"action": "set_tax_rate", "tax_rate": lists["output"].pk, "items": [item.pk]})
    item.refresh_from_db()
    assert item.status == ItemStatus.TO_REVIEW
    assert any("can't be used with category" in issue for issue in item.review_issues)


def test_bulk_archive_moves_items_to_the_archive(admin_client, business, lists):
    bulk_items(business, lists, 2)
    ids = list(Item.objects.values_list("id", flat=True))
    admin_client.post(reverse("items:bulk"), {"action": "archive", "items": ids})
    assert set(Item.objects.values_list("status", flat=True)) == {ItemStatus.ARCHIVED}
    assert "2 items" in admin_client.get(reverse("items:archive")).content.decode()
    assert "Your Inbox is empty" in admin_client.get(reverse("items:inbox")).content.decode()


def test_bulk_delete_asks_for_confirmation_then_deletes_items_and_files(
    admin_client, make_item, media_root, django_capture_on_commit_callbacks
):
    items = [make_item(), make_item()]
    ids = [item.pk for item in items]
    confirm = admin_client.post(reverse("items:bulk"), {"action": "delete", "items": ids})
    assert confirm.status_code == 200 and "Delete 2 items?" in confirm.content.decode()
    assert Item.objects.count() == 2

    # Files are removed once the deletion commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("items:bulk"), {"action": "delete", "items": ids, "confirmed": "yes"}, follow=True
        )
    assert "2 items deleted." in response.content.decode()
    assert Item.objects.count() == 0 and Document.objects.count() == 0
    assert stored_files(media_root) == []


def test_bulk_publish_without_a_xero_connection_says_to_connect(admin_client, business, lists):
    bulk_items(business, lists, 1)
    response = admin_client.post(
        reverse("items:bulk"), {"action": "publish", "items": list(Item.objects.values_list("id", flat=True))}, follow=True
    )
    assert "Connect Xero first" in response.content.decode()
    assert Item.objects.get().status == ItemStatus.TO_REVIEW  # unchanged


def test_bulk_publish_needs_publish_permission(standard_client, business, lists):
    bulk_items(business, lists, 1)
    response = standard_client.post(
        reverse("items:bulk"), {"action": "publish", "items": list(Item.objects.values_list("id", flat=True))}
    )
    assert response.status_code == 403


def test_bulk_action_ignores_another_business_items(admin_client, other_business, business, lists):
    bulk_items(business, lists, 1)
    theirs = Item.objects.get()
    theirs.business = other_business
    theirs.save()
    response = admin_client.post(reverse("items:bulk"), {"action": "archive", "items": [theirs.pk]}, follow=True)
    theirs.refresh_from_db()
    assert theirs.status == ItemStatus.TO_REVIEW  # unchanged
    assert "Select a valid choice" in response.content.decode()


def test_seed_demo_items_makes_documents_and_is_idempotent(business, lists, media_root):
    assert seed_demo_items(business=business) == 30
    assert seed_demo_items(business=business) == 0
    items = Item.objects.filter(business=business, document__original_name__startswith=DEMO_MARKER)
    assert items.count() == 30
    assert {d for d in items.values_list("document__content_type", flat=True)} == {"application/pdf", "image/png", "image/jpeg"}
    statuses = set(items.values_list("status", flat=True))
    assert {ItemStatus.READY, ItemStatus.TO_REVIEW, ItemStatus.ARCHIVED} <= statuses
    assert len(stored_files(media_root)) >= 30


def test_seed_demo_items_without_lists_creates_items_to_review(other_business, media_root):
    assert seed_demo_items(business=other_business, count=3) == 3
    assert set(Item.objects.values_list("status", flat=True)) <= {ItemStatus.TO_REVIEW, ItemStatus.ARCHIVED}
    assert Item.objects.filter(contact__isnull=False).count() == 0


def test_bulk_tracking_goes_in_the_slot_of_its_category(admin_client, business, lists):
    bulk_items(business, lists, 2)
    first, second = Item.objects.filter(business=business).order_by("pk")
    Item.objects.filter(pk=second.pk).update(tracking_option_1=lists["alpha"])  # already has a Project option
    response = admin_client.post(
        reverse("items:bulk"),
        {"action": "set_tracking", "tracking_option": lists["north"].pk, "items": [first.pk, second.pk]},
        follow=True,
    )
    assert "Tracking set to" in response.content.decode()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.tracking_option_1 == lists["north"]
    assert (second.tracking_option_1, second.tracking_option_2) == (lists["alpha"], lists["north"])
    # Another Region option replaces North in the same slot.
    admin_client.post(reverse("items:bulk"),
                      {"action": "set_tracking", "tracking_option": lists["south"].pk, "items": [second.pk]})
    second.refresh_from_db()
    assert (second.tracking_option_1, second.tracking_option_2) == (lists["alpha"], lists["south"])
