"""Fixtures for the sandbox's own tests."""

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlencode, urlparse

import pytest

from xero_sandbox import clock
from xero_sandbox.seed import DEMO_EMAIL, DEMO_ORGANISATIONS, DEMO_PASSWORD, seed_identity

REDIRECT_URI = "http://testserver/settings/connections/xero/callback/"
CLIENT_ID = "dext-sandbox-app"
CLIENT_SECRET = "dext-sandbox-secret"
SCOPES = "openid profile email offline_access accounting.invoices accounting.settings.read accounting.contacts"
AUTHORIZE_URL = "/xero-sandbox/login/identity/connect/authorize"
TOKEN_URL = "/xero-sandbox/identity/connect/token"


@pytest.fixture(autouse=True)
def _sandbox_clock():
    clock.reset()
    yield
    clock.reset()


@pytest.fixture
def sandbox(db, settings):
    """The built-in app, the demo user and two demo organisations (UK, NZ)."""
    settings.XERO_SANDBOX_REDIRECT_URIS = [REDIRECT_URI]
    return seed_identity(organisations=DEMO_ORGANISATIONS[:2])


def authorize_query(**overrides) -> str:
    params = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT_URI,
        "scope": SCOPES,
        "state": "state-123",
    }
    params.update(overrides)
    return f"{AUTHORIZE_URL}?{urlencode({k: v for k, v in params.items() if v is not None})}"


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def redirect_params(response) -> dict[str, str]:
    assert response.status_code == 302, response.status_code
    location = urlparse(response["Location"])
    return {key: values[0] for key, values in parse_qs(location.query).items()}


def log_in(client, url: str):
    return client.post(url, {"action": "login", "email": DEMO_EMAIL, "password": DEMO_PASSWORD})


def consent(client, url: str, organisations) -> dict[str, str]:
    """Log in and tick ``organisations``; the redirect's query parameters."""
    log_in(client, url)
    response = client.post(url, {"action": "allow", "organisations": [str(o.pk) for o in organisations]})
    return redirect_params(response)


def exchange(client, code: str, *, redirect_uri: str = REDIRECT_URI, basic: bool = True, **extra):
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri, **extra}
    headers = {}
    if basic:
        credentials = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        headers["Authorization"] = f"Basic {credentials}"
    else:
        data.update({"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET})
    return client.post(TOKEN_URL, data, headers=headers)


def refresh(client, refresh_token: str):
    return client.post(
        TOKEN_URL,
        {"grant_type": "refresh_token", "refresh_token": refresh_token,
         "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET},
    )


@pytest.fixture
def tokens(client, sandbox):
    """A token response after consenting to both demo organisations."""
    params = consent(client, authorize_query(), sandbox)
    response = exchange(client, params["code"])
    assert response.status_code == 200, response.content
    return response.json()
