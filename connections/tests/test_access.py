"""Every Connections URL: administrators only, server-side."""

import pytest
from django.urls import get_resolver, reverse

from connections.models import OAuthAttempt
from connections.urls import urlpatterns

pytestmark = pytest.mark.django_db


def _attempt_for(business, user):
    return OAuthAttempt.objects.create(
        business=business, user=user, session_key_hash="x", purpose="connect", state=f"s-{business.pk}",
        nonce="n", redirect_uri="http://testserver/cb/", stage=OAuthAttempt.Stage.AUTHORISED,
        tenants=[{"tenant_id": "t1", "tenant_name": "Org", "tenant_type": "ORGANISATION", "connection_id": "c", "auth_event_id": "a"}],
    )


def _all_urls(attempt_id):
    resolver = get_resolver()
    assert resolver  # the project's URLconf loads
    urls = []
    for pattern in urlpatterns:
        kwargs = {"attempt_id": attempt_id} if "attempt_id" in pattern.pattern.regex.groupindex else {}
        urls.append(reverse(f"connections:{pattern.name}", kwargs=kwargs))
    return urls


def test_every_connections_url_is_covered():
    names = {p.name for p in urlpatterns}
    assert names >= {"index", "software", "xero", "xero_start", "xero_callback", "choose", "connected", "refresh", "disconnect"}


@pytest.mark.parametrize("method", ["get", "post"])
def test_standard_member_gets_403_on_every_connections_url(standard_client, business, standard_user, method):
    attempt = _attempt_for(business, standard_user)
    for url in _all_urls(attempt.pk):
        response = getattr(standard_client, method)(url)
        assert response.status_code == 403, url
        assert "account administrator or accountant/bookkeeper" in response.content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_is_sent_to_login_from_every_connections_url(client, business, admin_user, method):
    attempt = _attempt_for(business, admin_user)
    for url in _all_urls(attempt.pk):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_another_business_administrator_gets_404_for_its_attempt(client, business, admin_user, other_admin):
    attempt = _attempt_for(business, admin_user)
    client.force_login(other_admin)
    assert client.get(reverse("connections:choose", kwargs={"attempt_id": attempt.pk})).status_code == 404
    assert client.post(reverse("connections:choose", kwargs={"attempt_id": attempt.pk}), {"tenant_id": "t1"}).status_code == 404


def test_administrator_reaches_connections_page(admin_client):
    response = admin_client.get(reverse("connections:index"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Accounting Software" in page and "Connect and manage software for bookkeeping" in page
