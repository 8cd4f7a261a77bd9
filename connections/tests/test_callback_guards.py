"""Bad OAuth callbacks get a clear message, a way back, and save nothing."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from connections.models import OAuthAttempt, XeroConnection

pytestmark = pytest.mark.django_db


def _start(client):
    response = client.post(reverse("connections:xero_start"), {"purpose": "connect"})
    assert response.status_code == 302
    return parse_qs(urlparse(response["Location"]).query)["state"][0]


def _callback(client, **params):
    return client.get(reverse("connections:xero_callback"), params)


def test_start_redirects_to_xero_with_single_use_state(admin_client, settings):
    response = admin_client.post(reverse("connections:xero_start"), {"purpose": "connect"})
    assert response["Location"].startswith(settings.XERO_LOGIN_URL + "?")
    state = parse_qs(urlparse(response["Location"]).query)["state"][0]
    assert len(state) >= 32
    assert OAuthAttempt.objects.get(state=state).stage == OAuthAttempt.Stage.STARTED


def test_start_needs_post(admin_client):
    assert admin_client.get(reverse("connections:xero_start")).status_code == 405


def test_missing_state_is_refused(admin_client):
    _start(admin_client)
    response = _callback(admin_client, code="abc")
    assert response.status_code == 400
    assert "without the security code" in response.content.decode()
    assert not XeroConnection.objects.exists()


def test_forged_state_is_refused(admin_client):
    _start(admin_client)
    response = _callback(admin_client, code="abc", state="forged-state-value")
    assert response.status_code == 400
    assert "belong to your session" in response.content.decode()
    assert not XeroConnection.objects.exists()


def test_state_from_another_session_is_refused(client, admin_user, admin_client):
    state = _start(admin_client)
    admin_client.logout()
    client.force_login(admin_user)  # a new session for the same user
    response = _callback(client, code="abc", state=state)
    assert response.status_code == 400
    assert "belong to your session" in response.content.decode()


def test_cancel_in_xero_says_nothing_was_connected(admin_client):
    state = _start(admin_client)
    response = _callback(admin_client, error="access_denied", state=state)
    assert response.status_code == 400
    page = response.content.decode()
    assert "You cancelled in Xero, so nothing was connected" in page
    assert reverse("connections:xero") in page  # a way back
    assert OAuthAttempt.objects.get(state=state).stage == OAuthAttempt.Stage.FAILED
    # The state is now spent: the same link can't be replayed.
    again = _callback(admin_client, code="abc", state=state)
    assert "already used" in again.content.decode()


@pytest.mark.parametrize(
    "answer",
    [{"status": 503, "body": "Service Unavailable"}, {"status": 200, "body": "<html>garbage</html>"}],
    ids=["5xx", "garbage"],
)
def test_token_endpoint_failure_shows_message_and_saves_nothing(admin_client, settings, answer):
    import responses

    settings.XERO_IDENTITY_URL = "https://identity.example.test"
    state = _start(admin_client)
    with responses.RequestsMock() as mocked:
        mocked.post("https://identity.example.test/connect/token", **answer)
        response = _callback(admin_client, code="good-code", state=state)
    assert response.status_code == 400
    assert "answer properly while we were connecting" in response.content.decode()
    assert not XeroConnection.objects.exists()
    attempt = OAuthAttempt.objects.get(state=state)
    assert attempt.stage == OAuthAttempt.Stage.FAILED and attempt.token_set_encrypted == ""
