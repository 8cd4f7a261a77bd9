"""OAuth 2.0 with Xero's identity service: authorize URL, code exchange, refresh, revoke.

xero-python neither builds the authorize URL nor exchanges the code, and its refresh
uses process-wide class attributes for the token URL, so this module does all token
grants itself with ``requests`` (https://developer.xero.com/documentation/guides/oauth2/auth-flow/).
"""

import base64
import hashlib
import json
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

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


def id_token_claims(id_token: str) -> dict:
    """The claims of an OIDC id_token received directly from the token endpoint over TLS.

    OpenID Connect Core §3.1.3.7 lets a client that got the token straight from the
    token endpoint rely on TLS instead of checking the signature; we still check the
    audience and the nonce we sent.
    """
    try:
        payload = id_token.split(".")[1]
        payload += "=" * (-len(payload) % 4)
        claims = json.loads(base64.urlsafe_b64decode(payload))
    except (IndexError, ValueError):
        return {}
    return claims if isinstance(claims, dict) else {}


def access_token_claims(access_token: str) -> dict:
    """Xero's access tokens are JWTs carrying ``authentication_event_id``; opaque ones give {}."""
    return id_token_claims(access_token)
