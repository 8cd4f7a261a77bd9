"""Our code exchange and refresh against a faked identity host (`responses`)."""

import base64
from urllib.parse import parse_qs, urlparse

import pytest
import responses

from connections.xero import oauth
from connections.xero.errors import XeroUnavailable

TOKEN_URL = "https://identity.example.test/connect/token"


@pytest.fixture(autouse=True)
def _real_xero_settings(settings):
    settings.XERO_CLIENT_ID = "client-123"
    settings.XERO_CLIENT_SECRET = "secret-456"
    settings.XERO_IDENTITY_URL = "https://identity.example.test"
    settings.XERO_LOGIN_URL = "https://login.example.test/identity/connect/authorize"
    settings.XERO_REDIRECT_URI = "https://app.example.test/settings/connections/xero/callback/"
    settings.XERO_SCOPES = "openid offline_access accounting.invoices"


@responses.activate
def test_code_exchange_uses_basic_auth_and_returns_tokens():
    responses.post(
        TOKEN_URL,
        json={"access_token": "at", "refresh_token": "rt", "expires_in": 1800, "token_type": "Bearer",
              "scope": "openid offline_access accounting.invoices", "id_token": "x.e30.y"},
    )
    tokens = oauth.exchange_code(code="the-code", redirect_uri="https://app.example.test/cb/")
    assert (tokens.access_token, tokens.refresh_token, tokens.scope) == ("at", "rt", "openid offline_access accounting.invoices")
    request = responses.calls[0].request
    assert request.headers["Authorization"] == "Basic " + base64.b64encode(b"client-123:secret-456").decode()
    form = parse_qs(request.body)
    assert form == {"grant_type": ["authorization_code"], "code": ["the-code"], "redirect_uri": ["https://app.example.test/cb/"]}


@responses.activate
def test_pkce_verifier_is_sent_when_given():
    responses.post(TOKEN_URL, json={"access_token": "at", "refresh_token": "rt", "expires_in": 1800, "scope": "x"})
    oauth.exchange_code(code="c", redirect_uri="https://app.example.test/cb/", code_verifier="v" * 50)
    assert parse_qs(responses.calls[0].request.body)["code_verifier"] == ["v" * 50]


@responses.activate
def test_spent_code_raises_invalid_grant():
    responses.post(TOKEN_URL, status=400, json={"error": "invalid_grant"})
    with pytest.raises(oauth.InvalidGrant):
        oauth.exchange_code(code="old", redirect_uri="https://app.example.test/cb/")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"status": 503, "body": "Service Unavailable"},
        {"status": 200, "body": "<html>not json</html>"},
        {"status": 200, "json": {"token_type": "Bearer"}},
        {"status": 200, "json": ["not", "an", "object"]},
    ],
    ids=["5xx", "html", "no-access-token", "wrong-shape"],
)
@responses.activate
def test_broken_token_endpoint_answers_become_unavailable(kwargs):
    responses.post(TOKEN_URL, **kwargs)
    with pytest.raises(XeroUnavailable):
        oauth.exchange_code(code="c", redirect_uri="https://app.example.test/cb/")


def test_authorize_url_carries_state_nonce_scopes_and_exact_redirect_uri():
    url = oauth.authorize_url(state="s1", nonce="n1", code_challenge="ch")
    query = parse_qs(urlparse(url).query)
    assert url.startswith("https://login.example.test/identity/connect/authorize?")
    assert query["redirect_uri"] == ["https://app.example.test/settings/connections/xero/callback/"]
    assert query["scope"] == ["openid offline_access accounting.invoices"]
    assert (query["state"], query["nonce"], query["response_type"]) == (["s1"], ["n1"], ["code"])
    assert (query["code_challenge"], query["code_challenge_method"]) == (["ch"], ["S256"])


def test_pkce_challenge_is_s256_of_verifier():
    import hashlib

    verifier, challenge = oauth.pkce_pair()
    assert 43 <= len(verifier) <= 128
    expected = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    assert challenge == expected
