from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from items.models import ItemHistory, ItemLine, ItemStatus, PublishDestination
from items.tests.conftest import edit_data
from lists.models import ListStatus

pytestmark = pytest.mark.django_db


def complete(item, lists, **overrides):
    values = {
        "contact": lists["supplier"].pk,
        "date": "2025-01-02",
        "reference": "INV-77",
        "net": "10.00",
        "tax_amount": "2.00",
        "total": "12.00",
        "category": lists["expense"].pk,
        "tax_rate": lists["input"].pk,
        "publish_destination": PublishDestination.PURCHASES_AWAITING_PAYMENT,
    }
    values.update(overrides)
    return edit_data(item, **values)


def test_complete_item_becomes_ready_and_history_records_the_change(admin_client, admin_user, make_item, lists):
    item = make_item()
    assert item.status == ItemStatus.TO_REVIEW
    assert "Supplier is missing." in item.review_issues

    response = admin_client.post(reverse("items:detail", args=[item.pk]), complete(item, lists))

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ItemStatus.READY and item.review_issues == []
    assert item.total == Decimal("12.00")
    edit = item.history.get(action=ItemHistory.Action.EDITED)
    assert edit.user == admin_user
    assert edit.changes["Total"] == ["—", "12.00"]
    assert edit.changes["Contact"] == ["—", "Northern Flour Mills"]
    page = admin_client.get(reverse("items:detail", args=[item.pk])).content.decode()
    assert "Total: — → 12.00" in page and "admin@example.com" in page


def test_page_lists_missing_fields_for_an_item_to_review(admin_client, make_item):
    item = make_item()
    page = admin_client.get(reverse("items:detail", args=[item.pk])).content.decode()
    assert "To review: fix these" in page
    for message in ("Supplier is missing.", "Date is missing.", "Total is missing.", "Category is missing."):
        assert message in page


def test_totals_off_by_a_cent_are_refused(admin_client, make_item, lists):
    item = make_item()
    response = admin_client.post(reverse("items:detail", args=[item.pk]), complete(item, lists, total="12.01"))
    assert response.status_code == 200
    assert "Net 10.00 + tax 2.00 = 12.00, not the total 12.01." in response.content.decode()
    item.refresh_from_db()
    assert item.total is None and item.status == ItemStatus.TO_REVIEW


def test_line_items_must_add_up_to_the_item(admin_client, make_item, lists):
    item = make_item()
    lines = {
        "lines-TOTAL_FORMS": "2",
        "lines-0-description": "Flour",
        "lines-0-net": "6.00",
        "lines-0-tax_amount": "1.20",
        "lines-0-total": "7.20",
        "lines-1-description": "Sugar",
        "lines-1-net": "4.00",
        "lines-1-tax_amount": "0.80",
        "lines-1-total": "4.79",
    }
    data = complete(item, lists) | lines
    response = admin_client.post(reverse("items:detail", args=[item.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Line 2: net 4.00 + tax 0.80 is not its total 4.79." in page
    assert "The line totals add up to 11.99, not the item&#x27;s 12.00." in page
    assert ItemLine.objects.count() == 0

    data["lines-1-total"] = "4.80"
    assert admin_client.post(reverse("items:detail", args=[item.pk]), data).status_code == 302
    assert list(item.lines.values_list("description", "total")) == [("Flour", Decimal("7.20")), ("Sugar", Decimal("4.80"))]


def test_tax_rate_must_fit_the_category(admin_client, make_item, lists):
    item = make_item()
    response = admin_client.post(
        reverse("items:detail", args=[item.pk]), complete(item, lists, tax_rate=lists["output"].pk)
    )
    assert response.status_code == 200
    assert "can&#x27;t be used with category" in response.content.decode()


def test_a_customer_can_be_the_supplier_of_a_cost_and_the_page_says_what_happens(admin_client, make_item, lists):
    # Xero makes a contact a supplier once it has a bill: a customer is no reason to refuse.
    item = make_item()
    response = admin_client.post(reverse("items:detail", args=[item.pk]), complete(item, lists, contact=lists["customer"].pk))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.contact == lists["customer"] and item.status == ItemStatus.READY
    page = admin_client.get(reverse("items:detail", args=[item.pk])).content.decode()
    assert "Corner Café is a customer in Xero: publishing this makes it a supplier too." in page


def test_archived_choice_is_shown_flagged_and_keeps_item_to_review(admin_client, make_item, lists):
    item = make_item()
    admin_client.post(reverse("items:detail", args=[item.pk]), complete(item, lists))
    lists["expense"].status = ListStatus.ARCHIVED
    lists["expense"].save()

    page = admin_client.get(reverse("items:detail", args=[item.pk])).content.decode()
    assert "400 · Purchases (archived in Xero)" in page
    admin_client.post(reverse("items:detail", args=[item.pk]), edit_data(item, notes="still here"))
    item.refresh_from_db()
    assert item.category == lists["expense"]
    assert item.status == ItemStatus.TO_REVIEW
    assert "Category “400 · Purchases” is archived in Xero: choose another." in item.review_issues
    # Other items are not offered the archived category.
    other = make_item()
    assert "400 · Purchases" not in admin_client.get(reverse("items:detail", args=[other.pk])).content.decode()


def test_save_and_next_goes_to_the_next_item(admin_client, make_item, lists):
    older = make_item()
    newer = make_item()
    response = admin_client.post(reverse("items:detail", args=[newer.pk]), edit_data(newer, notes="n", save_next="1"))
    assert response["Location"] == reverse("items:detail", args=[older.pk])
    page = admin_client.get(reverse("items:detail", args=[older.pk])).content.decode()
    assert reverse("items:detail", args=[newer.pk]) in page  # "Previous item"


def test_duplicate_invoice_is_flagged_on_edit_and_can_be_kept(admin_client, make_item, lists):
    first = make_item()
    second = make_item()
    admin_client.post(reverse("items:detail", args=[first.pk]), complete(first, lists))
    admin_client.post(reverse("items:detail", args=[second.pk]), complete(second, lists, reference="inv-77 "))
    second.refresh_from_db()
    assert second.duplicate_of_id == first.pk
    assert second.status == ItemStatus.TO_REVIEW
    page = admin_client.get(reverse("items:detail", args=[second.pk])).content.decode()
    assert f'href="{reverse("items:detail", args=[first.pk])}"' in page and "looks like a duplicate" in page

    admin_client.post(reverse("items:item_keep_both", args=[second.pk]))
    second.refresh_from_db()
    assert second.duplicate_of_id is None and second.status == ItemStatus.READY


def test_archiving_the_original_clears_the_duplicate_flag(admin_client, make_item, lists):
    first = make_item()
    second = make_item()
    receipt = {"document_type": "receipt", "reference": "", "publish_destination": PublishDestination.SPEND_MONEY, "payment_method": lists["bank"].pk}
    admin_client.post(reverse("items:detail", args=[first.pk]), complete(first, lists, **receipt))
    admin_client.post(reverse("items:detail", args=[second.pk]), complete(second, lists, **receipt))
    second.refresh_from_db()
    assert second.duplicate_of_id == first.pk

    admin_client.post(reverse("items:item_archive", args=[first.pk]))
    second.refresh_from_db()
    assert second.duplicate_of_id is None
    first.refresh_from_db()
    assert first.status == ItemStatus.ARCHIVED
    assert date(2025, 1, 2) == second.date


def test_date_fields_show_the_date_as_the_business_writes_it(admin_client, make_item):
    from datetime import date

    from django.urls import reverse

    item = make_item()
    item.date = date(2026, 5, 4)
    item.save()
    page = admin_client.get(reverse("items:detail", args=[item.pk])).content.decode()
    assert 'value="04/05/2026"' in page  # a UK business: day first


def test_editing_an_older_item_to_match_flags_the_newer_one(admin_client, make_item, lists):
    first = make_item()
    second = make_item()
    admin_client.post(reverse("items:detail", args=[second.pk]), complete(second, lists, reference="INV-500"))
    admin_client.post(reverse("items:detail", args=[first.pk]), complete(first, lists, reference="INV-499"))
    second.refresh_from_db()
    assert second.duplicate_of_id is None and second.status == ItemStatus.READY

    admin_client.post(reverse("items:detail", args=[first.pk]), complete(first, lists, reference="INV-500"))
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.duplicate_of_id == first.pk and second.status == ItemStatus.TO_REVIEW
    assert first.duplicate_of_id is None
