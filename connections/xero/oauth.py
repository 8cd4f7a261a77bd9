"""OAuth 2.0 with Xero's identity service: authorize URL, code exchange, refresh, revoke.

xero-python neither builds the authorize URL nor exchanges the code, and its refresh
uses process-wide class attributes for the token URL, so this module does all token
grants itself with ``requests`` (https://developer.xero.com/documentation/guides/oauth2/auth-flow/).
"""

import base64
import functools
import hashlib
import hmac
import json
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.utils import timezone

from connections.xero.errors import XeroAuthError, XeroError, XeroUnavailable

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    refresh_token: str
    expires_at: datetime
    scope: str
    id_token: str = ""

    @classmethod
    def from_response(cls, data: dict, *, now: datetime | None = None) -> "TokenSet":
        now = now or timezone.now()
        try:
            access_token = str(data["access_token"])
            expires_in = int(data.get("expires_in", 1800))
        except (KeyError, TypeError, ValueError) as exc:
            raise XeroUnavailable("Xero's token response was missing the access token.") from exc
        if not access_token:
            raise XeroUnavailable("Xero's token response had an empty access token.")
        scope = data.get("scope", "")
        if isinstance(scope, list | tuple):
            scope = " ".join(scope)
        return cls(
            access_token=access_token,
            refresh_token=str(data.get("refresh_token") or ""),
            expires_at=now + timedelta(seconds=expires_in),
            scope=str(scope),
            id_token=str(data.get("id_token") or ""),
        )

    def to_json(self) -> str:
        return json.dumps(
            {
                "access_token": self.access_token,
                "refresh_token": self.refresh_token,
                "expires_at": self.expires_at.isoformat(),
                "scope": self.scope,
                "id_token": self.id_token,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> "TokenSet":
        data = json.loads(text)
        return cls(
            access_token=data["access_token"],
            refresh_token=data["refresh_token"],
            expires_at=datetime.fromisoformat(data["expires_at"]),
            scope=data["scope"],
            id_token=data.get("id_token", ""),
        )


class InvalidGrant(XeroAuthError):
    """The identity service answered ``invalid_grant``: the code or refresh token is spent,
    expired or revoked."""

    code = "invalid_grant"


def new_state() -> str:
    return secrets.token_urlsafe(32)


def pkce_pair() -> tuple[str, str]:
    """A PKCE code verifier (43-128 chars of the unreserved set) and its S256 challenge."""
    verifier = secrets.token_urlsafe(64)[:96]
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize_url(*, state: str, nonce: str, code_challenge: str = "") -> str:
    params = {
        "response_type": "code",
        "client_id": settings.XERO_CLIENT_ID,
        "redirect_uri": settings.XERO_REDIRECT_URI,
        "scope": settings.XERO_SCOPES,
        "state": state,
        "nonce": nonce,
    }
    if code_challenge:
        params.update({"code_challenge": code_challenge, "code_challenge_method": "S256"})
    return f"{settings.XERO_LOGIN_URL}?{urlencode(params)}"


def _token_endpoint() -> str:
    return f"{settings.XERO_IDENTITY_URL}/connect/token"


def _client_auth() -> tuple[dict, tuple[str, str] | None]:
    """Xero documents HTTP Basic for web apps; an app with no secret (PKCE) sends its id."""
    if settings.XERO_CLIENT_SECRET:
        return {}, (settings.XERO_CLIENT_ID, settings.XERO_CLIENT_SECRET)
    return {"client_id": settings.XERO_CLIENT_ID}, None


def _post_identity(url: str, form: dict) -> requests.Response:
    extra, auth = _client_auth()
    try:
        return requests.post(
            url,
            data={**form, **extra},
            auth=auth,
            headers={"Accept": "application/json"},
            timeout=settings.XERO_HTTP_TIMEOUT,
        )
    except requests.RequestException as exc:
        raise XeroUnavailable(f"Could not reach Xero's identity service: {type(exc).__name__}") from exc


def _token_grant(form: dict) -> TokenSet:
    response = _post_identity(_token_endpoint(), form)
    try:
        data = response.json()
    except ValueError:
        data = None
    if response.status_code >= 500 or response.status_code == 429:
        raise XeroUnavailable(f"Xero's identity service answered {response.status_code}.", status=response.status_code)
    if not isinstance(data, dict):
        raise XeroUnavailable(
            f"Xero's identity service sent an unreadable answer (HTTP {response.status_code}).",
            status=response.status_code,
        )
    if response.status_code != 200:
        error = str(data.get("error", ""))
        if error == "invalid_grant":
            raise InvalidGrant(str(data.get("error_description") or error), status=response.status_code, body=data)
        if error in {"invalid_client", "unauthorized_client", "invalid_scope"}:
            raise XeroAuthError(error, status=response.status_code, body=data)
        raise XeroError(f"Token request refused: {error or response.status_code}", status=response.status_code, body=data)
    return TokenSet.from_response(data)


def exchange_code(*, code: str, redirect_uri: str, code_verifier: str = "") -> TokenSet:
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    if code_verifier:
        form["code_verifier"] = code_verifier
    return _token_grant(form)


def refresh(*, refresh_token: str) -> TokenSet:
    return _token_grant({"grant_type": "refresh_token", "refresh_token": refresh_token})


def revoke(*, refresh_token: str) -> None:
    """Revoke a refresh token; Xero then removes all of that user's connections for the app."""
    if not refresh_token:
        return
    response = _post_identity(f"{settings.XERO_IDENTITY_URL}/connect/revocation", {"token": refresh_token})
    if response.status_code >= 400:
        logger.warning("Xero token revocation answered %s", response.status_code)


class IdTokenInvalid(XeroError):
    """The id_token is missing, not signed by Xero's key, not for us, expired, or not for
    this sign-in (nonce)."""

    code = "id_token_invalid"


# Xero signs id_tokens with RS256; anything else (HS256 with a public key, "none") is refused.
ID_TOKEN_ALGORITHMS = ["RS256"]
# Clock skew tolerated between Xero and us when checking exp/iat.
ID_TOKEN_LEEWAY_SECONDS = 60
JWKS_CACHE_SECONDS = 3600


@functools.lru_cache(maxsize=8)
def _openid_configuration(identity_url: str) -> dict:
    """Xero's OpenID discovery document (issuer, jwks_uri), once per process."""
    try:
        response = requests.get(f"{identity_url}/.well-known/openid-configuration", timeout=settings.XERO_HTTP_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise XeroUnavailable(f"Could not read Xero's OpenID configuration: {type(exc).__name__}") from exc
    if not isinstance(document, dict) or not document.get("jwks_uri"):
        raise XeroUnavailable("Xero's OpenID configuration has no jwks_uri.")
    return document


@functools.lru_cache(maxsize=8)
def _jwks_client(jwks_uri: str) -> jwt.PyJWKClient:
    # Keys are cached for an hour; a token signed with a key not in the cache refetches.
    return jwt.PyJWKClient(
        jwks_uri,
        cache_jwk_set=True,
        lifespan=JWKS_CACHE_SECONDS,
        timeout=int(settings.XERO_HTTP_TIMEOUT[1]),
        headers={"User-Agent": "dext", "Accept": "application/json"},
    )


def id_token_verify(id_token: str, *, nonce: str) -> dict:
    """The claims of Xero's id_token, once its signature (Xero's published key), issuer,
    audience (our client id), expiry and nonce (the one we sent) all hold.

    Returns {} when we did not ask for ``openid`` (no id_token is issued then).
    https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation
    """
    if not id_token:
        if "openid" in settings.XERO_SCOPES.split():
            raise IdTokenInvalid("Xero's answer had no id_token.")
        return {}
    issuer = settings.XERO_IDENTITY_URL
    configuration = _openid_configuration(issuer)
    try:
        key = _jwks_client(configuration["jwks_uri"]).get_signing_key_from_jwt(id_token)
        claims = jwt.decode(
            id_token,
            key.key,
            algorithms=ID_TOKEN_ALGORITHMS,
            audience=settings.XERO_CLIENT_ID,
            issuer=issuer,
            leeway=ID_TOKEN_LEEWAY_SECONDS,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )
    except jwt.PyJWKClientConnectionError as exc:
        raise XeroUnavailable(f"Could not read Xero's signing keys: {exc}") from exc
    except jwt.PyJWTError as exc:
        raise IdTokenInvalid(f"The id_token failed verification: {type(exc).__name__}") from exc
    if not hmac.compare_digest(str(claims.get("nonce", "")), nonce):
        raise IdTokenInvalid("The id_token's nonce is not the one sent with this sign-in.")
    return claims


def access_token_claims(access_token: str) -> dict:
    """Xero's access tokens are JWTs carrying ``authentication_event_id``; opaque ones give {}.

    Read only to narrow GET /connections to this sign-in; Xero's API checks the token
    itself, so its signature is not ours to verify."""
    try:
        claims = jwt.decode(access_token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return {}
    return claims if isinstance(claims, dict) else {}
