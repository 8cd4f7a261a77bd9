"""The Lists pages: what a member sees, searching, filtering, paging, and who may refresh."""

import pytest
from django.urls import reverse
from django.utils import timezone

from lists.models import ListRefresh, ListStatus, ListSyncState
from lists.selectors import PAGE_SIZE
from lists.tests.factories import (
    CategoryFactory,
    ContactFactory,
    PaymentMethodFactory,
    TaxRateFactory,
    TrackingCategoryFactory,
    TrackingOptionFactory,
)

LIST_PAGES = ["categories", "suppliers", "customers", "tracking", "payment_methods", "tax_rates"]


@pytest.mark.parametrize("page", LIST_PAGES)
def test_standard_user_can_open_every_list_page(standard_client, page):
    response = standard_client.get(reverse(f"lists:{page}"))

    assert response.status_code == 200
    assert b"Not refreshed from Xero yet." in response.content
    assert b"Refresh this list" not in response.content


def test_categories_are_grouped_by_type_with_bank_and_system_flags(standard_client, business):
    CategoryFactory(business=business, code="429", name="General Expenses", type="EXPENSE")
    CategoryFactory(business=business, code="090", name="Business Bank", type="BANK", is_bank=True)
    CategoryFactory(business=business, code="610", name="Accounts Receivable", type="CURRENT", is_system=True)

    content = standard_client.get(reverse("lists:categories")).content.decode()

    assert "<h2>Bank</h2>" in content
    assert "<h2>Expense</h2>" in content
    assert "<h2>Current asset</h2>" in content
    assert content.index("Business Bank") < content.index("General Expenses")
    assert '<span class="badge">System</span>' in content


def test_archived_rows_are_hidden_by_default_and_flagged_when_shown(standard_client, business):
    CategoryFactory(business=business, name="Old Rent", status=ListStatus.ARCHIVED)
    CategoryFactory(business=business, name="Rent")

    default = standard_client.get(reverse("lists:categories")).content.decode()
    everything = standard_client.get(reverse("lists:categories"), {"status": "all"}).content.decode()
    archived = standard_client.get(reverse("lists:categories"), {"status": "archived"}).content.decode()

    assert "Old Rent" not in default
    assert "1 active · 1 archived" in default
    assert "Old Rent" in everything and "Rent" in everything
    assert "Archived</span>" in everything
    assert "Old Rent" in archived and ">Rent<" not in archived


def test_suppliers_search_matches_name_or_email_and_shows_counts(standard_client, business):
    ContactFactory(business=business, name="ABC Furniture", email="sales@abc.example")
    ContactFactory(business=business, name="Bayside Club", email="hello@bayside.example")
    ContactFactory(business=business, name="Customer Only", is_supplier=False, is_customer=True)

    by_name = standard_client.get(reverse("lists:suppliers"), {"q": "furn"}).content.decode()
    by_email = standard_client.get(reverse("lists:suppliers"), {"q": "bayside.example"}).content.decode()
    customers = standard_client.get(reverse("lists:customers")).content.decode()

    assert "ABC Furniture" in by_name and "Bayside Club" not in by_name
    assert "1 active · 0 archived matching “furn”" in by_name
    assert "Bayside Club" in by_email and "ABC Furniture" not in by_email
    assert "Customer Only" in customers and "ABC Furniture" not in customers


def test_suppliers_are_paginated(standard_client, business):
    ContactFactory.create_batch(PAGE_SIZE + 5, business=business)

    first = standard_client.get(reverse("lists:suppliers")).content.decode()
    second = standard_client.get(reverse("lists:suppliers"), {"page": 2}).content.decode()

    assert "Page 1 of 2" in first
    assert "Supplier" in second and "Page 2 of 2" in second
    assert second.count("<tr>") == 5 + 1  # five rows and the header
    assert f"{PAGE_SIZE + 5} active" in first


def test_lists_show_only_the_current_business_rows(standard_client, business, other_business):
    ContactFactory(business=business, name="Ours Ltd")
    ContactFactory(business=other_business, name="Theirs Pty")

    content = standard_client.get(reverse("lists:suppliers"), {"status": "all"}).content.decode()

    assert "Ours Ltd" in content
    assert "Theirs Pty" not in content


def test_tracking_page_shows_options_and_hides_archived_ones_unless_asked(standard_client, business):
    region = TrackingCategoryFactory(business=business, name="Region")
    TrackingOptionFactory(business=business, category=region, name="North")
    TrackingOptionFactory(business=business, category=region, name="Closed South", status=ListStatus.ARCHIVED)

    active = standard_client.get(reverse("lists:tracking")).content.decode()
    everything = standard_client.get(reverse("lists:tracking"), {"status": "all"}).content.decode()
    by_option = standard_client.get(reverse("lists:tracking"), {"q": "north"}).content.decode()

    assert "Region" in active and "North" in active and "Closed South" not in active
    assert "Closed South" in everything
    assert "Region" in by_option
    assert "1 active · 0 archived" in by_option


def test_payment_methods_and_tax_rates_pages_show_their_rows(standard_client, business):
    PaymentMethodFactory(business=business, name="Company Visa", kind="credit_card")
    TaxRateFactory(business=business, xero_id="INPUT2", name="20% (VAT on Expenses)", effective_rate="20.0000")

    methods = standard_client.get(reverse("lists:payment_methods")).content.decode()
    rates = standard_client.get(reverse("lists:tax_rates")).content.decode()

    assert "Company Visa" in methods and "Credit card" in methods
    assert "20% (VAT on Expenses)" in rates and "INPUT2" in rates and "20%" in rates


def test_list_page_says_when_the_list_was_last_refreshed(standard_client, business):
    ListSyncState.objects.create(business=business, contacts_refreshed_at=timezone.now())

    content = standard_client.get(reverse("lists:suppliers")).content.decode()

    assert "Last refreshed from Xero" in content


@pytest.mark.parametrize("page", LIST_PAGES)
def test_list_page_query_count_does_not_grow_with_rows(standard_client, business, django_assert_num_queries, page):
    def seed(n):
        for _ in range(n):
            category = TrackingCategoryFactory(business=business)
            TrackingOptionFactory(business=business, category=category)
            CategoryFactory(business=business)
            ContactFactory(business=business, is_customer=True)
            PaymentMethodFactory(business=business)
            TaxRateFactory(business=business)

    seed(2)
    url = reverse(f"lists:{page}")
    standard_client.get(url)  # warm the session and the user
    # Session, user, membership, the memberships for the switcher, the session save
    # (tenancy), then ours: counts, sync state, banner, rows (and options on tracking).
    expected = 12 if page == "tracking" else 11
    with django_assert_num_queries(expected):
        standard_client.get(url)
    seed(20)
    with django_assert_num_queries(expected):
        standard_client.get(url)


def test_standard_user_cannot_start_a_refresh(standard_client, business):
    response = standard_client.post(reverse("lists:refresh"), {"lists": "contacts"})

    assert response.status_code == 403
    assert not ListRefresh.objects.filter(business=business).exists()


def test_admin_refreshes_one_list_and_returns_to_the_page_with_the_banner(admin_client, business, admin_user):
    page = reverse("lists:suppliers")

    response = admin_client.post(reverse("lists:refresh"), {"lists": "contacts", "next": page})

    assert response.status_code == 302
    assert response["Location"] == page
    refresh = ListRefresh.objects.get(business=business)
    assert refresh.lists == ["contacts"]
    assert refresh.requested_by == admin_user
    assert refresh.status == ListRefresh.Status.QUEUED
    content = admin_client.get(page).content.decode()
    assert "Refresh in progress — this should only take a couple of minutes." in content
    assert 'hx-trigger="every 2s"' in content


def test_refresh_refuses_an_unknown_list_and_an_offsite_next(admin_client, business):
    bad = admin_client.post(reverse("lists:refresh"), {"lists": "invoices"})
    offsite = admin_client.post(reverse("lists:refresh"), {"next": "https://evil.example/"})

    assert bad.status_code == 400
    assert offsite["Location"] == reverse("lists:categories")


def test_refresh_status_polls_while_running_and_stops_when_done(standard_client, business):
    refresh = ListRefresh.objects.create(
        business=business, lists=["contacts"], status=ListRefresh.Status.RUNNING, heartbeat_at=timezone.now()
    )
    url = reverse("lists:refresh_status")

    running = standard_client.get(url, {"refresh": refresh.pk}).content.decode()
    ListRefresh.objects.filter(pk=refresh.pk).update(
        status=ListRefresh.Status.SUCCEEDED, finished_at=timezone.now()
    )
    done = standard_client.get(url, {"refresh": refresh.pk}).content.decode()

    assert 'hx-trigger="every 2s"' in running
    assert "Refresh in progress" in running
    assert "hx-trigger" not in done
    assert "Lists refreshed" in done


def test_failed_refresh_banner_says_what_happened_and_what_to_do(admin_client, standard_client, business):
    ListRefresh.objects.create(
        business=business,
        status=ListRefresh.Status.FAILED,
        finished_at=timezone.now(),
        error_code="unavailable",
        error_message="Xero is not responding right now. dext will try again automatically.",
    )

    content = standard_client.get(reverse("lists:categories")).content.decode()

    assert "The lists could not be refreshed: Xero is not responding right now." in content
    assert "The lists you already had are unchanged." in content
    assert "Ask an administrator" in content


def test_refresh_status_of_another_business_is_not_found(standard_client, other_business):
    theirs = ListRefresh.objects.create(business=other_business)

    response = standard_client.get(reverse("lists:refresh_status"), {"refresh": theirs.pk})

    assert response.status_code == 404


def test_support_staff_can_read_refreshes_in_the_admin(client, business):
    from dext.tenancy.tests.factories import UserFactory

    staff = UserFactory(email="support@example.com", is_staff=True, is_superuser=True)
    ListRefresh.objects.create(business=business, status=ListRefresh.Status.FAILED, error_code="unavailable")
    client.force_login(staff)

    response = client.get(reverse("admin:lists_listrefresh_changelist"))

    assert response.status_code == 200
    assert "unavailable" in response.content.decode()


def test_tax_rate_reads_as_a_plain_percentage(business):
    from decimal import Decimal

    from lists.models import TaxRate

    rate = TaxRate(business=business, xero_id="INPUT2", name="20% (VAT on Expenses)", effective_rate=Decimal("20.0000"))
    assert str(rate) == "20% VAT on Expenses"  # Xero's name already says the rate
    rate.effective_rate = Decimal("12.5000")
    assert str(rate) == "20% (VAT on Expenses) (12.5%)"
    rate.name, rate.effective_rate = "GST on Expenses", Decimal("10.0000")
    assert str(rate) == "GST on Expenses (10%)"


def test_refreshed_banner_says_just_now_and_is_gone_once_the_page_is_reloaded(admin_client, business):
    refresh = ListRefresh.objects.create(
        business=business, lists=["contacts"], status=ListRefresh.Status.SUCCEEDED, finished_at=timezone.now()
    )
    # The banner polling on the page that watched the refresh:
    polled = admin_client.get(reverse("lists:refresh_status"), {"refresh": refresh.pk}).content.decode()
    assert "Lists refreshed just now." in polled and "0 minutes" not in polled
    assert "Reload this page" in polled
    # Reloaded (or any other page opened afterwards): the lists are the new ones, nothing to say.
    for name in ("lists:suppliers", "lists:categories"):
        assert "Lists refreshed" not in admin_client.get(reverse(name)).content.decode()
    ListRefresh.objects.filter(pk=refresh.pk).update(finished_at=timezone.now() - timezone.timedelta(minutes=3))
    later = admin_client.get(reverse("lists:refresh_status"), {"refresh": refresh.pk}).content.decode()
    assert "Lists refreshed 3\xa0minutes ago." in later


def test_who_asked_for_a_refresh_is_told_once_it_is_done(admin_client, business, monkeypatch):
    def finished_at_once(*, business, acting_user, lists, reason):
        return ListRefresh.objects.create(business=business, status=ListRefresh.Status.SUCCEEDED,
                                          finished_at=timezone.now(), requested_by=acting_user)

    monkeypatch.setattr("lists.views.services.refresh_start", finished_at_once)
    response = admin_client.post(reverse("lists:refresh"), {"next": reverse("lists:suppliers")}, follow=True)
    page = response.content.decode()
    # Done before the page was drawn: it already shows the new lists, nothing to reload.
    assert "Lists refreshed just now." in page and "Reload this page" not in page
    assert "Lists refreshed" not in admin_client.get(reverse("lists:suppliers")).content.decode()
