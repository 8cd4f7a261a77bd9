"""Support staff see connections in the Django admin, never tokens, and can act on them."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from connections.models import XeroConnection

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def support_client(client):
    staff = get_user_model().objects.create_superuser("support@example.com", "support@example.com", "pw-123456789")
    client.force_login(staff)
    return client


def test_admin_shows_connection_without_tokens(xero_connected_business, support_client):
    business, connection = xero_connected_business
    page = support_client.get(reverse("admin:connections_xeroconnection_change", args=[connection.pk])).content.decode()
    assert "Demo Company (UK)" in page
    assert connection.access_token not in page and connection.refresh_token not in page
    assert connection.access_token_encrypted not in page and connection.refresh_token_encrypted not in page


def test_admin_actions_refresh_lists_and_check_health(xero_connected_business, support_client):
    from lists.models import ListRefresh

    business, connection = xero_connected_business
    url = reverse("admin:connections_xeroconnection_changelist")
    before = ListRefresh.objects.filter(business=business).count()
    support_client.post(url, {"action": "refresh_lists_now", "_selected_action": [connection.pk]})
    assert ListRefresh.objects.filter(business=business).count() == before + 1
    response = support_client.post(url, {"action": "check_health", "_selected_action": [connection.pk]}, follow=True)
    assert "Connected" in response.content.decode()
    assert XeroConnection.objects.get(pk=connection.pk).last_health_check_at is not None
