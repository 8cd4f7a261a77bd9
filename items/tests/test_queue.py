"""The Inbox as a review queue: tabs with counts, filters, totals in the business's
locale, Previous/Next and Save and next that follow the Inbox's filter, and a bulk
publish's progress."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from items import selectors
from items.models import Item, ItemStatus
from items.tests.conftest import edit_data
from items.tests.test_inbox import bulk_items
from lists.models import Contact

pytestmark = pytest.mark.django_db


def rows(page: str) -> list[str]:
    """The references of the Inbox's rows, in order."""
    return re.findall(r"<td>(INV-\d+)</td>", page)


def test_tabs_count_the_items_in_each_state_and_show_one_state(admin_client, business, lists):
    bulk_items(business, lists, 30)  # every third To review, the rest Ready
    Item.objects.filter(reference__in=["INV-1", "INV-2"]).update(status=ItemStatus.FAILED)
    Item.objects.filter(reference="INV-4").update(status=ItemStatus.PROCESSING)

    page = admin_client.get(reverse("items:inbox")).content.decode()
    tabs = dict(re.findall(r'class="tabs__tab"[^>]*>([^<]+?) <span class="tabs__count">(\d+)</span>', page))
    assert tabs == {"All": "30", "To review": "10", "Ready": "17", "Processing": "1", "Failed": "2"}
    assert 'href="?status=failed"' in page

    failed = admin_client.get(reverse("items:inbox"), {"status": "failed"}).content.decode()
    assert sorted(rows(failed)) == ["INV-1", "INV-2"] and "2 items" in failed
    assert re.search(r'href="\?status=failed" class="tabs__tab" aria-current="page"', failed)


def test_tab_counts_follow_the_other_filters(admin_client, business, lists):
    bulk_items(business, lists, 30)
    page = admin_client.get(reverse("items:inbox"), {"contact": lists["supplier"].pk}).content.decode()
    tabs = dict(re.findall(r'class="tabs__tab"[^>]*>([^<]+?) <span class="tabs__count">(\d+)</span>', page))
    assert tabs["All"] == "15"
    # The tab keeps the filter it is in.
    assert f'href="?contact={lists["supplier"].pk}&amp;status=to_review"' in page


def test_filters_are_folded_away_until_used(admin_client, business, lists):
    bulk_items(business, lists, 3)
    closed = admin_client.get(reverse("items:inbox")).content.decode()
    assert '<details class="filters">' in closed
    opened = admin_client.get(reverse("items:inbox"), {"q": "INV-1"}).content.decode()
    assert '<details class="filters" open>' in opened


def test_the_bulk_toolbar_waits_for_a_selection(admin_client, business, lists):
    bulk_items(business, lists, 3)
    page = admin_client.get(reverse("items:inbox")).content.decode()
    # Hidden until a row is ticked (static/items/inbox.js), and it says how many are.
    assert re.search(r'<form [^>]*id="bulk-form"[^>]*data-bulkbar hidden>', page)
    assert "<strong data-bulk-count>0</strong> selected" in page
    assert page.index('id="bulk-form"') > page.index('class="tabs"')


def test_rows_show_category_names_and_totals_in_the_business_locale(admin_client, business, lists):
    bulk_items(business, lists, 1)
    page = admin_client.get(reverse("items:inbox")).content.decode()
    assert "<td>Purchases</td>" in page  # the category's name, not "400"
    assert "£12.00" in page and "GBP 12.00" not in page
    assert "1 Jan 2025" in page


def test_a_us_business_reads_dollars_and_month_first(client, other_business):
    from dext.tenancy.models import Role
    from dext.tenancy.tests.factories import MembershipFactory, UserFactory

    other_business.country, other_business.base_currency = "US", "USD"
    other_business.save()
    user = UserFactory(email="us-admin@example.com")
    MembershipFactory(user=user, business=other_business, role=Role.ADMINISTRATOR)
    lists = {
        "supplier": Contact.objects.create(business=other_business, xero_id="u1", name="Acme Inc", is_supplier=True),
        "supplier2": Contact.objects.create(business=other_business, xero_id="u2", name="Beta LLC", is_supplier=True),
    }
    from lists.models import Category, TaxRate

    lists["expense"] = Category.objects.create(business=other_business, xero_id="e", code="400", name="Supplies",
                                               type="EXPENSE", account_class="EXPENSE")
    lists["input"] = TaxRate.objects.create(business=other_business, xero_id="TAX", name="Sales Tax",
                                            effective_rate=Decimal("0"), can_apply_to_expenses=True)
    bulk_items(other_business, lists, 1)
    Item.objects.filter(business=other_business).update(currency_code="USD", date=date(2026, 5, 4))
    client.force_login(user)
    page = client.get(reverse("items:inbox")).content.decode()
    assert "$12.00" in page and "May 4, 2026" in page
    # Dates are typed month first there: 05/04/2026 is the 4th of May.
    item = Item.objects.get(business=other_business)
    detail = client.get(reverse("items:detail", args=[item.pk])).content.decode()
    assert 'value="05/04/2026"' in detail and 'placeholder="mm/dd/yyyy"' in detail
    response = client.post(reverse("items:detail", args=[item.pk]), edit_data(item, date="06/07/2026"))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.date == date(2026, 6, 7)


def test_a_date_the_business_would_not_write_is_refused_plainly(admin_client, make_item):
    item = make_item()
    response = admin_client.post(reverse("items:detail", args=[item.pk]), edit_data(item, date="13/13/2026"))
    page = response.content.decode()
    assert "Your changes were not saved." in page
    assert "Enter the date as dd/mm/yyyy, for example 04/05/2026 for 4 May 2026." in page


def test_the_supplier_filter_is_a_search_not_a_list_of_every_contact(admin_client, business, lists):
    Contact.objects.bulk_create(
        Contact(business=business, xero_id=f"many-{n}", name=f"Supplier number {n}", is_supplier=True)
        for n in range(300)
    )
    bulk_items(business, lists, 2)
    page = admin_client.get(reverse("items:inbox")).content.decode()
    assert "Supplier number 17" not in page
    assert 'role="combobox"' in page and reverse("items:contact_search") in page
    filtered = admin_client.get(reverse("items:inbox"), {"contact": lists["supplier"].pk}).content.decode()
    assert 'value="Northern Flour Mills"' in filtered  # the chosen one is shown by name


@pytest.mark.parametrize(
    "query",
    [{}, {"sort": "oldest"}, {"sort": "date"}, {"sort": "-date"}, {"sort": "total"}, {"sort": "-total"},
     {"sort": "contact"}, {"status": "ready", "sort": "-date"}, {"q": "INV-1", "sort": "total"}],
    ids=lambda query: "&".join(f"{k}={v}" for k, v in query.items()) or "default",
)
def test_previous_and_next_walk_the_inbox_in_its_order(admin_client, business, lists, query):
    bulk_items(business, lists, 24)
    # Blanks sort last whatever the direction: some items without a date, total or contact.
    Item.objects.filter(reference__in=["INV-3", "INV-11"]).update(date=None)
    Item.objects.filter(reference__in=["INV-5", "INV-12"]).update(total=None)
    Item.objects.filter(reference__in=["INV-7", "INV-20"]).update(contact=None)
    Item.objects.filter(reference__in=["INV-8", "INV-9"]).update(date=date(2025, 1, 2), total=Decimal("30.00"))

    form = selectors.ItemFilters(**{"sort": "newest", **query})
    order = list(selectors.items_list(business=business, filters=form).values_list("id", flat=True))
    assert len(order) > 3
    walked, current = [order[0]], order[0]
    while True:
        previous_id, next_id = selectors.item_neighbours(item=selectors.item_get(business=business, pk=current),
                                                          filters=form)
        assert previous_id == (walked[-2] if len(walked) > 1 else None)
        if next_id is None:
            break
        walked.append(next_id)
        current = next_id
    assert walked == order


def test_item_details_keeps_the_inbox_filter_on_every_link(admin_client, business, lists):
    bulk_items(business, lists, 9)
    to_review = list(Item.objects.filter(status=ItemStatus.TO_REVIEW).order_by("-id"))
    page = admin_client.get(reverse("items:inbox"), {"status": "to_review"}).content.decode()
    assert f'href="{reverse("items:detail", args=[to_review[0].pk])}?status=to_review"' in page

    detail = admin_client.get(reverse("items:detail", args=[to_review[0].pk]), {"status": "to_review"}).content.decode()
    # Next is the next item To review (not the Ready one in between), and back goes to the same tab.
    assert f'href="{reverse("items:detail", args=[to_review[1].pk])}?status=to_review" rel="next"' in detail
    assert f'href="{reverse("items:inbox")}?status=to_review"' in detail


def test_save_and_next_goes_to_the_next_item_of_the_same_filter(admin_client, business, lists):
    bulk_items(business, lists, 9)
    first, second = Item.objects.filter(status=ItemStatus.TO_REVIEW).order_by("-id")[:2]
    url = reverse("items:detail", args=[first.pk]) + "?status=to_review"
    response = admin_client.post(url, edit_data(first, notes="checked", save_next="1"))
    assert response["Location"] == reverse("items:detail", args=[second.pk]) + "?status=to_review"
    page = admin_client.get(response["Location"]).content.decode()
    assert f"{first} saved." in page


def test_save_and_next_on_the_last_item_goes_back_to_the_inbox(admin_client, business, lists):
    bulk_items(business, lists, 3)
    last = Item.objects.filter(status=ItemStatus.TO_REVIEW).order_by("id").first()
    url = reverse("items:detail", args=[last.pk]) + "?status=to_review"
    response = admin_client.post(url, edit_data(last, notes="checked", save_next="1"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("items:inbox") + "?status=to_review"
    assert "That was the last item in this view of the Inbox." in response.content.decode()


# --- Bulk publish progress -------------------------------------------------------------------------
def _start_run(client, item_ids) -> str:
    session = client.session
    session["items_publish_runs"] = {"run1": {"ids": list(item_ids), "started": "2026-05-04T10:00:00+00:00"}}
    session.save()
    return "run1"


def test_bulk_publish_progress_counts_until_done_then_links_the_failures(admin_client, business, lists):
    from publishing.models import Publication, PublicationState

    bulk_items(business, lists, 3)
    one, two, three = Item.objects.order_by("id")
    Item.objects.filter(pk__in=[one.pk, two.pk, three.pk]).update(status=ItemStatus.QUEUED)
    Item.objects.filter(pk=one.pk).update(status=ItemStatus.PUBLISHED)
    run = _start_run(admin_client, [one.pk, two.pk, three.pk])

    inbox = admin_client.get(reverse("items:inbox")).content.decode()
    assert "Publishing 1 of 3…" in inbox and 'hx-trigger="every 2s"' in inbox
    polled = admin_client.get(reverse("items:publish_progress"), {"run": run})
    assert polled.status_code == 200 and "Publishing 1 of 3…" in polled.content.decode()

    Item.objects.filter(pk=two.pk).update(status=ItemStatus.PUBLISHED)
    Item.objects.filter(pk=three.pk).update(status=ItemStatus.FAILED)
    Publication.objects.create(business=business, item=three, item_version=1, state=PublicationState.FAILED,
                               error_code="account_archived", error_message="The category is archived in Xero.")
    done = admin_client.get(reverse("items:publish_progress"), {"run": run})
    page = done.content.decode()
    assert done.status_code == 286  # htmx stops polling
    assert "Published 2 of 3 to Xero. 1 failed:" in page
    assert f'<a href="{reverse("items:detail", args=[three.pk])}">{three}</a>: The category is archived in Xero.' in page
    # Shown once: the next Inbox has no progress line.
    assert "Published 2 of 3" not in admin_client.get(reverse("items:inbox")).content.decode()
    assert admin_client.get(reverse("items:publish_progress"), {"run": run}).content == b""


def test_another_person_never_sees_my_progress(admin_client, standard_user, business, lists):
    from django.test import Client

    bulk_items(business, lists, 1)
    item = Item.objects.get()
    _start_run(admin_client, [item.pk])
    assert admin_client.get(reverse("items:publish_progress"), {"run": "run1"}).content
    colleague = Client()
    colleague.force_login(standard_user)
    assert colleague.get(reverse("items:publish_progress"), {"run": "run1"}).content == b""
