"""Fresh access tokens for a connection, refreshed by us under a row lock.

Xero's refresh tokens are single-use: each refresh returns a new one that must replace
the stored one, so two workers refreshing from the same copy leave one of them with
``invalid_grant`` (https://developer.xero.com/faq/oauth2). We lock the connection row,
re-read it, refresh only if it is still stale and commit the new pair before anyone uses
it (``lock_objects.connection_refresh_lock``). We refresh well before xero-python's own 60-second buffer, and never hand it a
refresh token, so the SDK never refreshes by itself.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from connections.lock_objects import connection_refresh_lock
from connections.models import ConnectionStatus, EventKind, XeroConnection
from connections.xero import oauth
from connections.xero.errors import XeroAuthError

logger = logging.getLogger(__name__)

# Refresh when less than this is left (xero-python would refresh at 60 seconds).
REFRESH_MARGIN = timedelta(seconds=180)


@dataclass(frozen=True)
class AccessToken:
    value: str
    expires_at: datetime
    scope: str


def _usable(connection: XeroConnection) -> bool:
    expires_at = connection.access_token_expires_at
    return bool(
        connection.access_token_encrypted and expires_at and expires_at - timezone.now() > REFRESH_MARGIN
    )


def _as_access_token(connection: XeroConnection) -> AccessToken:
    return AccessToken(connection.access_token, connection.access_token_expires_at, connection.scopes)


def _ensure_connected(connection: XeroConnection) -> None:
    if connection.status != ConnectionStatus.CONNECTED:
        raise XeroAuthError(f"Connection is {connection.status}.")


def access_token_for(*, connection_id: int) -> AccessToken:
    """A token good for at least a few minutes; refreshes (under the lock) if needed."""
    connection = XeroConnection.objects.get(pk=connection_id)
    _ensure_connected(connection)
    if _usable(connection):
        return _as_access_token(connection)
    return refresh_access_token(connection_id=connection_id)


def refresh_access_token(*, connection_id: int, force: bool = False, _retried: bool = False) -> AccessToken:
    from connections import services  # services import this module

    spent_refresh_token = ""
    with connection_refresh_lock(connection_id) as connection:
        _ensure_connected(connection)
        if not force and _usable(connection):
            # Another worker refreshed while we waited for the lock.
            return _as_access_token(connection)
        spent_refresh_token = connection.refresh_token
        try:
            tokens = oauth.refresh(refresh_token=spent_refresh_token)
        except oauth.InvalidGrant:
            pass
        else:
            connection.access_token = tokens.access_token
            connection.refresh_token = tokens.refresh_token or spent_refresh_token
            connection.access_token_expires_at = tokens.expires_at
            connection.refresh_token_obtained_at = timezone.now()
            if tokens.scope:
                connection.scopes = tokens.scope
            connection.save(
                update_fields=[
                    "access_token_encrypted",
                    "refresh_token_encrypted",
                    "access_token_expires_at",
                    "refresh_token_obtained_at",
                    "scopes",
                    "updated",
                ]
            )
            services.connection_event_record(connection=connection, kind=EventKind.TOKEN_REFRESHED)
            return _as_access_token(connection)

    # invalid_grant. Re-read once: a refresh that bypassed our lock (an older deployment,
    # a support script) may have stored a newer token; otherwise the user must reconnect.
    connection = XeroConnection.objects.get(pk=connection_id)
    if not _retried and connection.is_connected and connection.refresh_token != spent_refresh_token:
        return refresh_access_token(connection_id=connection_id, force=force, _retried=True)
    services.connection_mark_needs_reconnect(
        connection=connection,
        kind=EventKind.TOKEN_REFRESH_FAILED,
        reason="Xero refused to refresh the connection's access (invalid_grant).",
    )
    raise XeroAuthError("invalid_grant: the refresh token was refused.")
