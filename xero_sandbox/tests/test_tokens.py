import base64
import json

import jwt

from xero_sandbox import clock
from xero_sandbox.faults import token_grants
from xero_sandbox.models import Connection
from xero_sandbox.tests.conftest import (
    CLIENT_ID,
    TOKEN_URL,
    authorize_query,
    consent,
    exchange,
    pkce_pair,
    refresh,
)


def test_code_exchange_answers_xero_token_shape(client, sandbox):
    params = consent(client, authorize_query(nonce="n-1"), sandbox)

    response = exchange(client, params["code"])

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"id_token", "access_token", "expires_in", "token_type", "refresh_token", "scope"}
    assert body["expires_in"] == 1800
    assert body["token_type"] == "Bearer"
    assert body["scope"].split()[:4] == ["openid", "profile", "email", "offline_access"]
    claims = _verified(client, body["id_token"], audience=CLIENT_ID)
    assert claims["iss"] == "http://testserver/xero-sandbox/identity"
    assert claims["nonce"] == "n-1"
    assert claims["email"] == "xero.user@example.com"
    assert {"iss", "sub", "exp", "iat", "given_name", "family_name", "xero_userid", "global_session_id"} <= set(claims)


def _verified(client, token: str, *, audience: str) -> dict:
    """Verify ``token`` as a client of Xero would: the key from the JWKS that the
    discovery document names, RS256 only."""
    discovery = client.get("/xero-sandbox/identity/.well-known/openid-configuration").json()
    keys = client.get(discovery["jwks_uri"]).json()["keys"]
    kid = jwt.get_unverified_header(token)["kid"]
    key = jwt.PyJWK(next(k for k in keys if k["kid"] == kid))
    return jwt.decode(token, key, algorithms=["RS256"], audience=audience, issuer=discovery["issuer"])


def test_tokens_are_signed_rs256_with_a_published_key(client, sandbox):
    params = consent(client, authorize_query(nonce="n-1"), sandbox)
    body = exchange(client, params["code"]).json()

    assert jwt.get_unverified_header(body["id_token"])["alg"] == "RS256"
    assert jwt.get_unverified_header(body["access_token"])["alg"] == "RS256"
    access = _verified(client, body["access_token"], audience="http://testserver/xero-sandbox/identity/resources")
    assert access["client_id"] == CLIENT_ID
    keys = client.get("/xero-sandbox/identity/.well-known/openid-configuration/jwks").json()["keys"]
    assert keys and all(set(k) >= {"kty", "n", "e", "kid", "alg", "use"} and "d" not in k for k in keys)


def test_client_credentials_in_the_body_work_like_basic(client, sandbox):
    params = consent(client, authorize_query(), sandbox)

    response = exchange(client, params["code"], basic=False)

    assert response.status_code == 200


def test_wrong_client_secret_is_invalid_client(client, sandbox):
    params = consent(client, authorize_query(), sandbox)
    wrong = base64.b64encode(f"{CLIENT_ID}:not-the-secret".encode()).decode()

    response = client.post(
        TOKEN_URL,
        {"grant_type": "authorization_code", "code": params["code"], "redirect_uri": "x"},
        headers={"Authorization": f"Basic {wrong}"},
    )

    assert response.status_code == 400
    assert response.json() == {"error": "invalid_client"}


def test_code_is_single_use(client, sandbox):
    params = consent(client, authorize_query(), sandbox)
    assert exchange(client, params["code"]).status_code == 200

    again = exchange(client, params["code"])

    assert again.status_code == 400
    assert again.json() == {"error": "invalid_grant"}


def test_code_expires_after_five_minutes(client, sandbox):
    params = consent(client, authorize_query(), sandbox)
    clock.advance(5 * 60 + 1)

    response = exchange(client, params["code"])

    assert response.status_code == 400
    assert response.json() == {"error": "invalid_grant"}


def test_code_with_a_different_redirect_uri_is_refused(client, sandbox):
    params = consent(client, authorize_query(), sandbox)

    response = exchange(client, params["code"], redirect_uri="http://testserver/other/")

    assert response.json() == {"error": "invalid_grant"}


def test_pkce_verifier_must_match_the_challenge(client, sandbox):
    verifier, challenge = pkce_pair()
    params = consent(client, authorize_query(code_challenge=challenge, code_challenge_method="S256"), sandbox)

    response = exchange(client, params["code"], code_verifier=verifier + "x")

    assert response.status_code == 400
    assert response.json() == {"error": "invalid_grant"}


def test_pkce_with_the_right_verifier_gets_tokens(client, sandbox):
    verifier, challenge = pkce_pair()
    params = consent(client, authorize_query(code_challenge=challenge, code_challenge_method="S256"), sandbox)

    response = exchange(client, params["code"], code_verifier=verifier)

    assert response.status_code == 200


def test_refresh_rotates_the_refresh_token(client, tokens):
    response = refresh(client, tokens["refresh_token"])

    assert response.status_code == 200
    assert response.json()["refresh_token"] != tokens["refresh_token"]
    assert response.json()["access_token"] != tokens["access_token"]


def test_previous_refresh_token_may_be_retried_within_thirty_minutes(client, tokens):
    first = refresh(client, tokens["refresh_token"]).json()
    clock.advance(29 * 60)

    retry = refresh(client, tokens["refresh_token"])

    assert retry.status_code == 200
    assert retry.json()["refresh_token"] == first["refresh_token"]
    assert refresh(client, retry.json()["refresh_token"]).status_code == 200


def test_previous_refresh_token_is_invalid_grant_after_thirty_minutes(client, tokens):
    assert refresh(client, tokens["refresh_token"]).status_code == 200
    clock.advance(30 * 60 + 1)

    retry = refresh(client, tokens["refresh_token"])

    assert retry.status_code == 400
    assert retry.json() == {"error": "invalid_grant"}


def test_unknown_refresh_token_is_invalid_grant(client, tokens):
    response = refresh(client, "made-up")

    assert response.json() == {"error": "invalid_grant"}


def test_unused_refresh_token_expires_after_sixty_days(client, tokens):
    clock.advance(60 * 86400 + 1)

    assert refresh(client, tokens["refresh_token"]).json() == {"error": "invalid_grant"}


def test_revocation_removes_all_connections_and_the_refresh_token(client, tokens):
    assert Connection.objects.count() == 2

    response = client.post(
        "/xero-sandbox/identity/connect/revocation",
        {"token": tokens["refresh_token"], "client_id": CLIENT_ID, "client_secret": "dext-sandbox-secret"},
    )

    assert response.status_code == 200
    assert response.content == b""
    assert Connection.objects.count() == 0
    assert refresh(client, tokens["refresh_token"]).json() == {"error": "invalid_grant"}


def test_token_grants_are_logged_for_counting(client, tokens):
    refresh(client, tokens["refresh_token"])
    refresh(client, "made-up")

    assert token_grants(grant_type="authorization_code").count() == 1
    assert token_grants(grant_type="refresh_token").count() == 2
    assert token_grants(grant_type="refresh_token", status=400).count() == 1


def test_token_endpoint_path_is_case_insensitive(client, tokens):
    response = client.post(
        "/xero-sandbox/Identity/Connect/Token",
        {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"],
         "client_id": CLIENT_ID, "client_secret": "dext-sandbox-secret"},
    )

    assert response.status_code == 200
    assert json.loads(response.content)["token_type"] == "Bearer"
