"""Every change to a business's Xero connection goes through these functions.

Each writes a :class:`ConnectionEvent` so the Connections page and support staff can
see what happened, when and by whom.
"""

import hashlib
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from connections import crypto
from connections.models import ConnectionEvent, ConnectionStatus, EventKind, OAuthAttempt, XeroConnection
from connections.xero import oauth
from connections.xero.api import XeroApi, tenants_for_token
from connections.xero.errors import XeroAuthError, XeroError
from dext import hooks
from dext.errors import ApplicationError
from dext.tenancy.access import access_object
from dext.tenancy.models import Business, Membership, Role

logger = logging.getLogger(__name__)

# A Connect round trip must be finished within this time (Xero's code lives 5 minutes;
# choosing the organisation afterwards can take longer).
ATTEMPT_LIFETIME = timedelta(minutes=30)


class ConnectFlowError(ApplicationError):
    code = "connect_failed"
    user_message = "Connecting to Xero did not complete. Please try again."


def session_fingerprint(session_key: str) -> str:
    return hashlib.sha256((session_key or "").encode()).hexdigest()


def connection_event_record(
    *,
    connection: XeroConnection | None = None,
    business: Business | None = None,
    kind: str,
    actor=None,
    message: str = "",
) -> ConnectionEvent:
    business = business or connection.business
    return ConnectionEvent.objects.create(
        business=business,
        connection=connection,
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        message=message[:500],
        tenant_name=connection.tenant_name if connection else "",
    )


# --- Connect / Reconnect ------------------------------------------------------------------
def oauth_start(*, business: Business, user, session_key: str, purpose: str) -> str:
    """Begin a Connect or Reconnect: remember a single-use state and return Xero's URL."""
    state = oauth.new_state()
    nonce = secrets.token_urlsafe(24)
    verifier, challenge = oauth.pkce_pair() if settings.XERO_USE_PKCE else ("", "")
    OAuthAttempt.objects.create(
        business=business,
        user=user,
        session_key_hash=session_fingerprint(session_key),
        purpose=purpose,
        state=state,
        nonce=nonce,
        code_verifier_encrypted=crypto.encrypt(verifier),
        redirect_uri=settings.XERO_REDIRECT_URI,
    )
    return oauth.authorize_url(state=state, nonce=nonce, code_challenge=challenge)


def _attempt_for_state(*, state: str, user, session_key: str, business: Business | None) -> OAuthAttempt:
    """The pending attempt this ``state`` names, if this user and session started it."""
    if not state:
        raise ConnectFlowError("Xero sent us back without the security code we expected. Please start again.",
                               code="state_missing")
    attempt = OAuthAttempt.objects.select_related("business").filter(state=state).first()
    if (
        attempt is None
        or attempt.user_id != user.pk
        or attempt.session_key_hash != session_fingerprint(session_key)
        or (business is not None and attempt.business_id != business.pk)
    ):
        raise ConnectFlowError(
            "This link back from Xero doesn't belong to your session. Please start connecting again.",
            code="state_invalid",
        )
    if attempt.stage != OAuthAttempt.Stage.STARTED:
        raise ConnectFlowError("This Xero sign-in was already used. Please start connecting again.",
                               code="state_replayed")
    if timezone.now() - attempt.created > ATTEMPT_LIFETIME:
        raise ConnectFlowError("Connecting took too long and has expired. Please start again.", code="state_expired")
    return attempt


def _fail_attempt(attempt: OAuthAttempt, reason: str) -> None:
    attempt.stage = OAuthAttempt.Stage.FAILED
    attempt.failure = reason[:300]
    attempt.token_set_encrypted = ""
    attempt.save(update_fields=["stage", "failure", "token_set_encrypted", "updated"])


def oauth_callback(*, user, session_key: str, state: str, code: str, error: str = "") -> OAuthAttempt:
    """Handle Xero's redirect back: check state, exchange the code, read the organisations."""
    attempt = _attempt_for_state(state=state, user=user, session_key=session_key, business=None)
    if not _is_admin(user=user, business=attempt.business):
        _fail_attempt(attempt, "not an administrator")
        raise ConnectFlowError("Only an Administrator of this business can connect it to Xero.", code="not_admin")
    if error:
        _fail_attempt(attempt, f"xero error: {error}")
        connection_event_record(business=attempt.business, kind=EventKind.CONNECT_FAILED, actor=user,
                                message=f"Xero answered: {error}")
        if error == "access_denied":
            raise ConnectFlowError(
                "You cancelled in Xero, so nothing was connected. Click Connect software to try again.",
                code="access_denied",
            )
        raise ConnectFlowError(f"Xero did not give access ({error[:80]}). Please try again.", code="xero_error")
    if not code:
        _fail_attempt(attempt, "no code")
        raise ConnectFlowError("Xero sent us back without an authorisation code. Please try again.", code="code_missing")

    # Mark the state used before the exchange, so a replay can never spend it twice.
    attempt.stage = OAuthAttempt.Stage.AUTHORISED
    attempt.save(update_fields=["stage", "updated"])
    try:
        token_set = oauth.exchange_code(
            code=code, redirect_uri=attempt.redirect_uri, code_verifier=crypto.decrypt(attempt.code_verifier_encrypted)
        )
        try:
            claims = oauth.id_token_verify(token_set.id_token, nonce=attempt.nonce)
        except oauth.IdTokenInvalid as exc:
            raise ConnectFlowError("Xero's sign-in response did not match this request. Please start again.",
                                   code="id_token_invalid") from exc
        auth_event_id = str(oauth.access_token_claims(token_set.access_token).get("authentication_event_id") or "")
        tenants = tenants_for_token(
            access_token=token_set.access_token,
            expires_at=token_set.expires_at,
            scope=token_set.scope,
            auth_event_id=auth_event_id,
        )
    except oauth.InvalidGrant as exc:
        _fail_attempt(attempt, "invalid_grant on code exchange")
        raise ConnectFlowError(
            "Xero's sign-in code had expired or was already used. Please click Connect software again.",
            code="code_expired",
        ) from exc
    except XeroError as exc:
        _fail_attempt(attempt, f"{exc.code}: {exc.detail}")
        raise ConnectFlowError(
            "Xero didn't answer properly while we were connecting, so nothing was saved. "
            "Please try again in a few minutes.",
            code="xero_unavailable",
        ) from exc
    except ConnectFlowError as exc:
        _fail_attempt(attempt, exc.code)
        raise
    organisations = [t for t in tenants if t.tenant_type == "ORGANISATION"]
    if not organisations:
        _fail_attempt(attempt, "no organisations granted")
        oauth.revoke(refresh_token=token_set.refresh_token)
        raise ConnectFlowError(
            "Xero didn't give access to any organisation. On Xero's screen, tick the organisation "
            "you want to connect, then allow access.",
            code="no_tenants",
        )
    attempt.token_set_encrypted = crypto.encrypt(token_set.to_json())
    attempt.tenants = [t.as_dict() for t in organisations]
    attempt.xero_user_email = str(claims.get("email") or "")[:255]
    attempt.save(update_fields=["token_set_encrypted", "tenants", "xero_user_email", "updated"])
    return attempt


def attempt_for_choice(*, business: Business, user, session_key: str, pk) -> OAuthAttempt:
    """The attempt waiting for the user to choose an organisation."""
    attempt = access_object(OAuthAttempt, business=business, pk=pk)  # another business's: 404
    if (
        attempt.user_id != user.pk
        or attempt.stage != OAuthAttempt.Stage.AUTHORISED
        or attempt.session_key_hash != session_fingerprint(session_key)
    ):
        raise ConnectFlowError("This connection attempt is no longer open. Please start again.", code="attempt_gone")
    if timezone.now() - attempt.created > ATTEMPT_LIFETIME:
        _fail_attempt(attempt, "expired before choosing")
        raise ConnectFlowError("Connecting took too long and has expired. Please start again.", code="state_expired")
    return attempt


def organisation_change_needs_confirmation(*, business: Business, tenant_id: str) -> XeroConnection | None:
    """The current connection when choosing ``tenant_id`` would switch organisation."""
    current = XeroConnection.objects.filter(business=business).first()
    if current is not None and current.tenant_id and current.tenant_id != tenant_id:
        return current
    return None


def other_businesses_with_tenant(*, business: Business, tenant_id: str) -> list[str]:
    return list(
        XeroConnection.objects.filter(tenant_id=tenant_id)
        .exclude(business=business)
        .exclude(status=ConnectionStatus.DISCONNECTED)
        .values_list("business__name", flat=True)
    )


def connection_finish(
    *, attempt: OAuthAttempt, tenant_id: str, acting_user, confirm_organisation_change: bool = False
) -> XeroConnection:
    """Save the chosen organisation and its tokens; start the first lists refresh."""
    tenant = next((t for t in attempt.tenants if t["tenant_id"] == tenant_id), None)
    if tenant is None:
        raise ConnectFlowError("Choose one of the organisations listed.", code="tenant_not_offered")
    business = attempt.business
    previous = organisation_change_needs_confirmation(business=business, tenant_id=tenant_id)
    if previous is not None and not confirm_organisation_change:
        raise ConnectFlowError(
            "Confirm that you want to switch this business to a different Xero organisation.",
            code="confirm_change",
        )
    token_set = oauth.TokenSet.from_json(crypto.decrypt(attempt.token_set_encrypted))
    with transaction.atomic():
        connection = XeroConnection.objects.select_for_update().filter(business=business).first()
        was = connection.status if connection else None
        old_tenant = connection.tenant_name if connection else ""
        if connection is None:
            connection = XeroConnection(business=business)
        connection.status = ConnectionStatus.CONNECTED
        connection.status_reason = ""
        connection.tenant_id = tenant["tenant_id"]
        connection.tenant_name = tenant["tenant_name"]
        connection.tenant_type = tenant["tenant_type"]
        connection.xero_connection_id = tenant["connection_id"]
        connection.auth_event_id = tenant["auth_event_id"]
        connection.xero_user_email = attempt.xero_user_email
        connection.scopes = token_set.scope
        connection.access_token = token_set.access_token
        connection.refresh_token = token_set.refresh_token
        connection.access_token_expires_at = token_set.expires_at
        connection.refresh_token_obtained_at = timezone.now()
        connection.connected_by = acting_user
        connection.connected_at = timezone.now()
        connection.disconnected_at = None
        connection.reconnect_notified_at = None
        connection.save()
        attempt.stage = OAuthAttempt.Stage.COMPLETED
        attempt.token_set_encrypted = ""
        attempt.save(update_fields=["stage", "token_set_encrypted", "updated"])
        if previous is not None:
            kind, message = EventKind.ORGANISATION_CHANGED, f"Switched from {old_tenant} to {connection.tenant_name}."
        elif was in (None, ConnectionStatus.DISCONNECTED):
            # "Connect again" after a disconnect is a connection like the first one.
            kind, message = EventKind.CONNECTED, f"Connected to {connection.tenant_name}."
        else:
            kind, message = EventKind.RECONNECTED, f"Reconnected to {connection.tenant_name}."
        # Checked at connect: each permission dext needs must be in the token's scopes.
        missing = connection.permissions_missing
        if missing:
            message += " Xero didn't grant: " + ", ".join(permission.label for permission in missing) + "."
        connection_event_record(connection=connection, kind=kind, actor=acting_user, message=message)
        # What the apps above do next (refresh lists, resume publishing): dext/hooks.py.
        transaction.on_commit(
            lambda: hooks.announce(hooks.CONNECTED, connection=connection, kind=kind, acting_user=acting_user)
        )
    return connection


# --- Disconnect and broken connections ----------------------------------------------------
def connection_disconnect(*, connection: XeroConnection, acting_user) -> XeroConnection:
    """Disconnect at Xero and here; lists, rules and items stay."""
    if connection.status != ConnectionStatus.DISCONNECTED and connection.access_token_encrypted:
        try:
            api = XeroApi.for_connection(connection)
            if connection.xero_connection_id:
                api.delete_tenant_connection(connection.xero_connection_id)
            remaining = [t for t in api.get_tenants() if t.connection_id != connection.xero_connection_id]
            if not remaining:
                oauth.revoke(refresh_token=connection.refresh_token)
        except XeroError as exc:
            # Already revoked at Xero, or Xero is down: we still forget the tokens here,
            # which is what disconnecting means for this business.
            logger.info("Disconnect at Xero incomplete for connection %s: %s", connection.pk, exc.code)
    with transaction.atomic():
        connection = XeroConnection.objects.select_for_update().get(pk=connection.pk)
        connection.status = ConnectionStatus.DISCONNECTED
        connection.status_reason = ""
        connection.access_token_encrypted = ""
        connection.refresh_token_encrypted = ""
        connection.access_token_expires_at = None
        connection.disconnected_at = timezone.now()
        connection.save()
        connection_event_record(
            connection=connection, kind=EventKind.DISCONNECTED, actor=acting_user,
            message=f"Disconnected from {connection.tenant_name}.",
        )
    return connection


def connection_mark_needs_reconnect(*, connection: XeroConnection, kind: str, reason: str) -> XeroConnection:
    """Xero refused the connection: show Needs reconnecting and tell the administrators once."""
    with transaction.atomic():
        connection = XeroConnection.objects.select_for_update().get(pk=connection.pk)
        if connection.status != ConnectionStatus.CONNECTED:
            return connection
        connection.status = ConnectionStatus.NEEDS_RECONNECT
        connection.status_reason = reason[:300]
        connection.save(update_fields=["status", "status_reason", "updated"])
        connection_event_record(connection=connection, kind=kind, message=reason)
        transaction.on_commit(lambda: _notify_admins_reconnect(connection_id=connection.pk))
    return connection


def _notify_admins_reconnect(*, connection_id: int) -> None:
    connection = XeroConnection.objects.select_related("business").get(pk=connection_id)
    if connection.reconnect_notified_at is not None:
        return
    emails = list(
        Membership.objects.filter(business=connection.business, role=Role.ADMINISTRATOR)
        .values_list("user__email", flat=True)
    )
    if emails:
        url = f"{settings.SITE_URL}{reverse('connections:index')}"
        send_mail(
            subject=f"dext: reconnect {connection.business.name} to Xero",
            message=(
                f"dext can no longer reach the Xero organisation {connection.tenant_name} for "
                f"{connection.business.name}. Publishing is paused until an administrator reconnects.\n\n"
                f"Reconnect: {url} → Manage → Reconnect."
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=emails,
            fail_silently=True,
        )
    XeroConnection.objects.filter(pk=connection_id).update(reconnect_notified_at=timezone.now())


def connection_health_check(*, connection: XeroConnection) -> XeroConnection:
    """A light call to detect a disconnect made on Xero's side (daily, and from admin)."""
    if not connection.is_connected:
        return connection
    try:
        api = XeroApi.for_connection(connection)
        tenants = api.get_tenants()
        if connection.tenant_id in {t.tenant_id for t in tenants}:
            connection_note_organisation(connection=connection, organisation=api.get_organisation())
    except XeroAuthError:
        connection.refresh_from_db()
        return connection
    except XeroError as exc:
        logger.info("Health check of connection %s inconclusive: %s", connection.pk, exc.code)
        return connection
    if connection.tenant_id not in {t.tenant_id for t in tenants}:
        connection = connection_mark_needs_reconnect(
            connection=connection,
            kind=EventKind.DISCONNECTED_AT_XERO,
            reason="The organisation was disconnected from dext in Xero.",
        )
    else:
        XeroConnection.objects.filter(pk=connection.pk).update(last_health_check_at=timezone.now())
        connection.refresh_from_db()
    return connection


def connection_note_organisation(*, connection: XeroConnection, organisation: dict) -> None:
    """Keep what we use of Xero's Organisation record: short code and lock dates."""
    from connections.xero.dates import parse_xero_date

    XeroConnection.objects.filter(pk=connection.pk).update(
        organisation_short_code=str(organisation.get("ShortCode") or "")[:20],
        period_lock_date=parse_xero_date(organisation.get("PeriodLockDate")),
        end_of_year_lock_date=parse_xero_date(organisation.get("EndOfYearLockDate")),
        organisation_checked_at=timezone.now(),
    )


def connection_keep_alive(*, connection: XeroConnection) -> None:
    """Refresh the token of a connection idle for a long time, so the 60-day refresh
    token never lapses."""
    from connections.xero.tokens import refresh_access_token

    if connection.is_connected:
        try:
            refresh_access_token(connection_id=connection.pk, force=True)
        except XeroError as exc:
            logger.info("Keep-alive of connection %s failed: %s", connection.pk, exc.code)


def tokens_reencrypt() -> int:
    """Move every stored secret onto the newest encryption key (key rotation)."""
    count = 0
    for pk in XeroConnection.objects.values_list("pk", flat=True):
        with transaction.atomic():
            connection = XeroConnection.objects.select_for_update().get(pk=pk)
            connection.access_token_encrypted = crypto.reencrypt(connection.access_token_encrypted)
            connection.refresh_token_encrypted = crypto.reencrypt(connection.refresh_token_encrypted)
            connection.save(update_fields=["access_token_encrypted", "refresh_token_encrypted"])
            count += 1
    return count


def _is_admin(*, user, business: Business) -> bool:
    return Membership.objects.filter(user=user, business=business, role=Role.ADMINISTRATOR).exists()
