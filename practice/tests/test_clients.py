"""The Clients page: every business a bookkeeper works in, what needs attention first."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from connections.models import ConnectionStatus, XeroConnection
from dext.tenancy.models import Role
from dext.tenancy.tests.factories import BusinessFactory, MembershipFactory, UserFactory
from items.models import Document, Item, ItemStatus
from lists.models import ListRefresh

pytestmark = pytest.mark.django_db


def client_business(bookkeeper, name, *, connection=ConnectionStatus.CONNECTED, role=Role.ADMINISTRATOR,
                    items=(), refreshed=None):
    business = BusinessFactory(name=name, country="GB", base_currency="GBP")
    MembershipFactory(user=bookkeeper, business=business, role=role)
    if connection:
        XeroConnection.objects.create(business=business, status=connection, tenant_id=f"t-{name}",
                                      tenant_name=f"{name} (Xero)")
    for n, (status, age_days) in enumerate(items):
        document = Document.objects.create(business=business, storage_name=f"{name}-{n}.pdf", original_name="x.pdf",
                                           content_type="application/pdf", size=1, sha256=f"{name}{n}")
        item = Item.objects.create(business=business, document=document, status=status)
        Item.objects.filter(pk=item.pk).update(created=timezone.now() - timedelta(days=age_days))
    if refreshed:
        ListRefresh.objects.create(business=business, status=ListRefresh.Status.SUCCEEDED, finished_at=refreshed)
    return business


@pytest.fixture
def bookkeeper(client):
    user = UserFactory(email="bookkeeper@example.com")
    client.force_login(user)
    return user


def names_in_order(page: str) -> list[str]:
    return re.findall(r'<th scope="row">([^<]+)', page)


def test_clients_are_sorted_by_what_needs_attention(client, bookkeeper):
    client_business(bookkeeper, "Calm Ltd", items=[(ItemStatus.READY, 1)])
    client_business(bookkeeper, "Broken Ltd", connection=ConnectionStatus.NEEDS_RECONNECT)
    client_business(bookkeeper, "Failing Ltd", items=[(ItemStatus.FAILED, 1), (ItemStatus.TO_REVIEW, 2)])
    client_business(bookkeeper, "Newer backlog Ltd", items=[(ItemStatus.TO_REVIEW, 2)])
    client_business(bookkeeper, "Older backlog Ltd", items=[(ItemStatus.TO_REVIEW, 9), (ItemStatus.PUBLISHED, 30)])
    client_business(bookkeeper, "Never connected Ltd", connection=None)
    client_business(bookkeeper, "Quiet Ltd")

    page = client.get(reverse("practice:clients")).content.decode()
    assert names_in_order(page) == [
        "Broken Ltd", "Failing Ltd", "Older backlog Ltd", "Newer backlog Ltd", "Never connected Ltd", "Calm Ltd",
        "Quiet Ltd",
    ]


def test_each_row_says_the_connection_counts_and_oldest_waiting_item(client, bookkeeper):
    refreshed = timezone.now() - timedelta(days=1)
    client_business(bookkeeper, "Bakery Ltd", refreshed=refreshed, items=[
        (ItemStatus.TO_REVIEW, 3), (ItemStatus.TO_REVIEW, 1), (ItemStatus.READY, 5), (ItemStatus.FAILED, 2),
        (ItemStatus.PUBLISHED, 40), (ItemStatus.PROCESSING, 0),
    ])
    client_business(bookkeeper, "Cafe Pty", connection=ConnectionStatus.NEEDS_RECONNECT)
    client_business(bookkeeper, "Florist Ltd", connection=ConnectionStatus.DISCONNECTED)
    page = client.get(reverse("practice:clients")).content.decode()

    bakery = page[page.index('<th scope="row">Bakery Ltd'):]
    bakery = bakery[:bakery.index("</tr>")]
    cells = re.findall(r'<td class="num">(?:<strong class="clients__failed">)?(\d+)', bakery)
    assert cells == ["2", "1", "1"]  # to review, ready, failed
    assert "Connected" in bakery and "Lists refreshed" in bakery
    assert "5\xa0days ago" in bakery  # the oldest waiting item: the Ready one from 5 days ago
    assert "Needs reconnecting" in page and "Disconnected" in page


def test_reconnect_and_open_switch_to_the_business(client, bookkeeper):
    broken = client_business(bookkeeper, "Broken Ltd", connection=ConnectionStatus.NEEDS_RECONNECT)
    client_business(bookkeeper, "Other Ltd")
    page = client.get(reverse("practice:clients")).content.decode()
    assert 'aria-label="Reconnect Broken Ltd"' in page and 'aria-label="Open Broken Ltd"' in page
    assert 'aria-label="Reconnect Other Ltd"' not in page

    response = client.post(reverse("tenancy:switch"), {"business": broken.pk, "next": reverse("connections:index")})
    assert response["Location"] == reverse("connections:index")
    connections_page = client.get(reverse("connections:index")).content.decode()
    assert "Broken Ltd" in connections_page and ">Reconnect</button>" in connections_page


def test_only_administrators_are_offered_reconnect(client, bookkeeper):
    client_business(bookkeeper, "Broken Ltd", connection=ConnectionStatus.NEEDS_RECONNECT, role=Role.STANDARD)
    client_business(bookkeeper, "Other Ltd")
    page = client.get(reverse("practice:clients")).content.decode()
    assert "Reconnect Broken Ltd" not in page and "Open Broken Ltd" in page


def test_only_my_businesses_are_listed(client, bookkeeper):
    client_business(bookkeeper, "Mine Ltd")
    client_business(bookkeeper, "Also mine Ltd")
    someone = UserFactory(email="someone@example.com")
    client_business(someone, "Not mine Ltd")
    assert names_in_order(client.get(reverse("practice:clients")).content.decode()) == ["Also mine Ltd", "Mine Ltd"]


def test_the_page_costs_the_same_queries_for_2_or_40_clients(client, bookkeeper):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("practice:clients")).status_code == 200
        return len(captured.captured_queries)

    for n in range(2):
        client_business(bookkeeper, f"Client {n}", items=[(ItemStatus.TO_REVIEW, 1)])
    few = queries()
    for n in range(2, 40):
        client_business(bookkeeper, f"Client {n}", items=[(ItemStatus.TO_REVIEW, 1), (ItemStatus.FAILED, 2)])
    assert queries() == few
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("practice:clients"))
    assert sum("items_item" in q["sql"] for q in captured.captured_queries) == 1  # one query for every client


def test_the_sidebar_offers_clients_only_to_people_in_several_businesses(admin_client, business, admin_user):
    assert "Clients</a>" not in admin_client.get(reverse("items:inbox")).content.decode()
    MembershipFactory(user=admin_user, business=BusinessFactory(name="Second Ltd"), role=Role.STANDARD)
    assert f'href="{reverse("practice:clients")}"' in admin_client.get(reverse("items:inbox")).content.decode()
