"""Xero's id_token is verified, not merely decoded: signature against the key Xero
publishes (the sandbox's discovery document and JWKS, over real HTTP), issuer, audience,
expiry and the nonce this sign-in sent. A token answer carrying any other id_token (a
man in the middle, a replay from another sign-in) connects nothing."""

import time
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
import responses
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings as django_settings
from django.urls import reverse

from connections.models import OAuthAttempt, XeroConnection
from xero_sandbox import signing

REFUSED = "Xero&#x27;s sign-in response did not match this request"


@pytest.fixture
def start(xero_sandbox, admin_client):
    """Start a Connect; return the nonce the product sent to Xero."""
    response = admin_client.post(reverse("connections:xero_start"), {"purpose": "connect"})
    query = parse_qs(urlparse(response["Location"]).query)
    return {"state": query["state"][0], "nonce": query["nonce"][0]}


def _claims(sent_nonce: str, **changes) -> dict:
    now = int(time.time())
    claims = {
        "iss": django_settings.XERO_IDENTITY_URL,
        "aud": django_settings.XERO_CLIENT_ID,
        "sub": "a3a4dbafh3495a808ed7a7b964388f53",
        "iat": now,
        "nbf": now,
        "exp": now + 300,
        "nonce": sent_nonce,
        "email": "xero.user@example.com",
    }
    claims.update(changes)
    return {key: value for key, value in claims.items() if value is not None}


def _sandbox_signed(claims: dict) -> str:
    return signing.sign(claims)


def _attacker_signed(claims: dict) -> str:
    """Signed with a key Xero never published, under the kid of the one it did."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": signing.signing_key().kid})


def _callback_with_token_answer(client, start, xero_sandbox, id_token: str | None):
    """Xero's token endpoint answers with ``id_token``; the rest (discovery, JWKS) is the
    sandbox over real HTTP."""
    body = {"access_token": "at", "refresh_token": "rt", "expires_in": 1800, "token_type": "Bearer",
            "scope": django_settings.XERO_SCOPES}
    if id_token is not None:
        body["id_token"] = id_token
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_passthru(xero_sandbox.url)
        mock.post(f"{django_settings.XERO_IDENTITY_URL}/connect/token", json=body)
        return client.get(reverse("connections:xero_callback"), {"code": "the-code", "state": start["state"]})


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(lambda nonce: _attacker_signed(_claims(nonce)), id="signed-with-another-key"),
        pytest.param(lambda nonce: jwt.encode(_claims(nonce), "a-secret-anyone-could-choose-32-bytes!", algorithm="HS256"), id="hs256"),
        pytest.param(lambda nonce: jwt.encode(_claims(nonce), None, algorithm="none"), id="unsigned"),
        pytest.param(lambda nonce: _sandbox_signed(_claims(nonce, aud="another-app")), id="other-audience"),
        pytest.param(lambda nonce: _sandbox_signed(_claims(nonce, iss="https://evil.example")), id="other-issuer"),
        pytest.param(lambda nonce: _sandbox_signed(_claims(nonce, exp=int(time.time()) - 600)), id="expired"),
        pytest.param(lambda nonce: _sandbox_signed(_claims("another-sign-in")), id="other-nonce"),
        pytest.param(lambda nonce: _sandbox_signed(_claims(nonce, nonce=None)), id="no-nonce"),
        pytest.param(lambda nonce: _sandbox_signed(_claims(nonce, exp=None)), id="no-expiry"),
        pytest.param(lambda nonce: None, id="no-id-token"),
        pytest.param(lambda nonce: "not.a.jwt", id="garbage"),
    ],
)
def test_an_id_token_that_fails_verification_connects_nothing(admin_client, start, xero_sandbox, make_token):
    response = _callback_with_token_answer(admin_client, start, xero_sandbox, make_token(start["nonce"]))

    assert response.status_code == 400
    assert REFUSED in response.content.decode()
    attempt = OAuthAttempt.objects.get(state=start["state"])
    assert attempt.stage == OAuthAttempt.Stage.FAILED
    assert attempt.token_set_encrypted == ""
    assert not XeroConnection.objects.exists()


def test_the_sandbox_id_token_passes_verification_and_the_walk_connects(xero_connected_business):
    business, connection = xero_connected_business

    assert connection.is_connected
    assert connection.xero_user_email == "xero.user@example.com"  # read from the verified token
