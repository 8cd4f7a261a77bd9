"""The sandbox's identity actions: log in, consent, codes, tokens, revocation, connections."""

import base64
import datetime as dt
import hashlib
import hmac
import secrets
import uuid

from django.contrib.auth.hashers import check_password
from django.db import transaction

from xero_sandbox import clock, signing
from xero_sandbox.models import (
    AccessToken,
    AuthorisationCode,
    Connection,
    Organisation,
    RefreshToken,
    SandboxApp,
    SandboxUser,
)
from xero_sandbox.selectors import token_digest

# Lifetimes from https://developer.xero.com/faq/oauth2 (see xero-api.md §2).
CODE_SECONDS = 5 * 60
ACCESS_TOKEN_SECONDS = 30 * 60
ID_TOKEN_SECONDS = 5 * 60
REFRESH_TOKEN_DAYS = 60
REFRESH_GRACE_SECONDS = 30 * 60


class TokenError(Exception):
    """An OAuth2 error answered as ``{"error": code}`` with ``status``."""

    def __init__(self, error: str, *, status: int = 400, description: str = ""):
        super().__init__(error)
        self.error = error
        self.status = status
        self.description = description


def user_authenticate(*, email: str, password: str) -> SandboxUser | None:
    user = SandboxUser.objects.filter(email__iexact=email.strip()).first()
    if user is None or not check_password(password, user.password):
        return None
    return user


def client_authenticate(*, client_id: str, client_secret: str) -> SandboxApp:
    """The app, if its credentials hold (a PKCE app has no secret and sends none)."""
    app = SandboxApp.objects.filter(client_id=client_id).first() if client_id else None
    if app is None:
        raise TokenError("invalid_client")
    if app.app_type == SandboxApp.AppType.PKCE:
        if client_secret:
            raise TokenError("invalid_client")
        return app
    if not client_secret or not hmac.compare_digest(client_secret, app.client_secret):
        raise TokenError("invalid_client")
    return app


@transaction.atomic
def consent_grant(
    *,
    app: SandboxApp,
    user: SandboxUser,
    organisations: list[Organisation],
    scopes: list[str],
    redirect_uri: str,
    nonce: str = "",
    code_challenge: str = "",
    code_challenge_method: str = "",
) -> AuthorisationCode:
    """Connect the ticked organisations (a new authEventId) and issue a code."""
    now = clock.now()
    auth_event_id = uuid.uuid4()
    scope_text = " ".join(scopes)
    for organisation in organisations:
        connection, created = Connection.objects.get_or_create(
            app=app,
            user=user,
            organisation=organisation,
            defaults={"auth_event_id": auth_event_id, "scopes": scope_text, "created": now, "updated": now},
        )
        if not created:
            connection.auth_event_id = auth_event_id
            connection.scopes = scope_text
            connection.updated = now
            connection.save(update_fields=["auth_event_id", "scopes", "updated"])
    return AuthorisationCode.objects.create(
        code=secrets.token_urlsafe(32),
        app=app,
        user=user,
        redirect_uri=redirect_uri,
        scopes=scope_text,
        nonce=nonce,
        code_challenge=code_challenge,
        code_challenge_method=code_challenge_method,
        auth_event_id=auth_event_id,
        created=now,
        expires_at=now + dt.timedelta(seconds=CODE_SECONDS),
    )


def _pkce_matches(*, verifier: str, challenge: str) -> bool:
    digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
    expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    return hmac.compare_digest(expected, challenge)


def _issue(
    *, app: SandboxApp, user: SandboxUser, scopes: str, auth_event_id: uuid.UUID, issuer: str,
    nonce: str = "", refresh_token: RefreshToken | None = None,
) -> dict:
    """A token response in Xero's shape; a new refresh token unless ``refresh_token`` is reused."""
    now = clock.now()
    issued_at = int(now.timestamp())
    scope_list = scopes.split()
    access_token = signing.sign(
        {
            "nbf": issued_at,
            "exp": issued_at + ACCESS_TOKEN_SECONDS,
            "iss": issuer,
            "aud": f"{issuer}/resources",
            "client_id": app.client_id,
            "sub": user.pk.hex,
            "auth_time": issued_at,
            "xero_userid": str(user.pk),
            "global_session_id": auth_event_id.hex,
            "jti": secrets.token_hex(16),
            "authentication_event_id": str(auth_event_id),
            "scope": scope_list,
        }
    )
    AccessToken.objects.create(
        token_hash=token_digest(access_token),
        app=app,
        user=user,
        scopes=scopes,
        auth_event_id=auth_event_id,
        created=now,
        expires_at=now + dt.timedelta(seconds=ACCESS_TOKEN_SECONDS),
    )
    body: dict = {}
    if "openid" in scope_list:
        claims = {
            "nbf": issued_at,
            "exp": issued_at + ID_TOKEN_SECONDS,
            "iss": issuer,
            "aud": app.client_id,
            "iat": issued_at,
            "at_hash": base64.urlsafe_b64encode(hashlib.sha256(access_token.encode()).digest()[:16])
            .rstrip(b"=")
            .decode(),
            "sid": auth_event_id.hex,
            "sub": user.pk.hex,
            "auth_time": issued_at,
            "xero_userid": str(user.pk),
            "global_session_id": auth_event_id.hex,
            "preferred_username": user.email,
            "email": user.email,
            "given_name": user.first_name,
            "family_name": user.last_name,
        }
        if nonce:
            claims["nonce"] = nonce
        body["id_token"] = signing.sign(claims)
    body.update(
        {
            "access_token": access_token,
            "expires_in": ACCESS_TOKEN_SECONDS,
            "token_type": "Bearer",
        }
    )
    # Xero returns a refresh token only when offline_access was granted.
    if "offline_access" in scope_list:
        if refresh_token is None:
            refresh_token = RefreshToken.objects.create(
                token=secrets.token_urlsafe(32),
                app=app,
                user=user,
                scopes=scopes,
                auth_event_id=auth_event_id,
                created=now,
                expires_at=now + dt.timedelta(days=REFRESH_TOKEN_DAYS),
            )
        body["refresh_token"] = refresh_token.token
    body["scope"] = scopes
    return body


@transaction.atomic
def _code_spend(*, app: SandboxApp, code: str) -> AuthorisationCode:
    """Mark the code used (in its own transaction, so it stays spent even if the exchange fails)."""
    grant = (
        AuthorisationCode.objects.select_for_update().select_related("user").filter(code=code, app=app).first()
        if code
        else None
    )
    now = clock.now()
    if grant is None or grant.used_at is not None or grant.expires_at <= now:
        raise TokenError("invalid_grant")
    grant.used_at = now
    grant.save(update_fields=["used_at"])
    return grant


def token_exchange_code(
    *, app: SandboxApp, code: str, redirect_uri: str, code_verifier: str, issuer: str
) -> dict:
    grant = _code_spend(app=app, code=code)
    if redirect_uri != grant.redirect_uri:
        raise TokenError("invalid_grant")
    if grant.code_challenge:
        if not code_verifier or not _pkce_matches(verifier=code_verifier, challenge=grant.code_challenge):
            raise TokenError("invalid_grant")
    elif app.app_type == SandboxApp.AppType.PKCE:
        raise TokenError("invalid_grant")
    with transaction.atomic():
        return _issue(
            app=app, user=grant.user, scopes=grant.scopes, auth_event_id=grant.auth_event_id,
            issuer=issuer, nonce=grant.nonce,
        )


@transaction.atomic
def token_refresh(*, app: SandboxApp, refresh_token: str, issuer: str) -> dict:
    """Rotate: a new refresh token each time; the old one still works for 30 minutes."""
    now = clock.now()
    current = (
        RefreshToken.objects.select_for_update().select_related("user").filter(token=refresh_token, app=app).first()
        if refresh_token
        else None
    )
    if current is None or current.revoked_at is not None or current.expires_at <= now:
        raise TokenError("invalid_grant")
    # With every organisation disconnected the grant is gone (sandbox's reading of Xero).
    if not Connection.objects.filter(app=app, user=current.user).exists():
        raise TokenError("invalid_grant")
    if current.rotated_at is not None:
        successor = current.replaced_by
        in_grace = now <= current.rotated_at + dt.timedelta(seconds=REFRESH_GRACE_SECONDS)
        if not in_grace or successor is None or successor.revoked_at is not None:
            raise TokenError("invalid_grant")
        # A retry of a lost refresh: answer with the successor so the chain stays single.
        return _issue(
            app=app, user=current.user, scopes=successor.scopes, auth_event_id=successor.auth_event_id,
            issuer=issuer, refresh_token=successor,
        )
    body = _issue(
        app=app, user=current.user, scopes=current.scopes, auth_event_id=current.auth_event_id, issuer=issuer
    )
    current.rotated_at = now
    current.replaced_by = RefreshToken.objects.get(token=body["refresh_token"])
    current.save(update_fields=["rotated_at", "replaced_by"])
    return body


@transaction.atomic
def token_revoke(*, app: SandboxApp, token: str) -> None:
    """Revoke a refresh token: every refresh token and connection of that user for the app goes."""
    found = RefreshToken.objects.filter(token=token, app=app).select_related("user").first() if token else None
    if found is None:
        return  # RFC 7009: an unknown token is not an error.
    RefreshToken.objects.filter(app=app, user=found.user, revoked_at__isnull=True).update(revoked_at=clock.now())
    Connection.objects.filter(app=app, user=found.user).delete()


def connection_delete(*, app: SandboxApp, user: SandboxUser, connection_id: str) -> bool:
    try:
        pk = uuid.UUID(connection_id)
    except ValueError:
        return False
    deleted, _ = Connection.objects.filter(pk=pk, app=app, user=user).delete()
    return bool(deleted)
