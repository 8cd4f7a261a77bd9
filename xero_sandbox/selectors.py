"""Reads of the sandbox's identity records."""

import hashlib
import uuid

from django.conf import settings
from django.db.models import QuerySet

from xero_sandbox.models import AccessToken, Connection, Organisation, SandboxApp, SandboxUser


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def access_token_find(*, token: str) -> AccessToken | None:
    return AccessToken.objects.select_related("app", "user").filter(token_hash=token_digest(token)).first()


def app_find(*, client_id: str) -> SandboxApp | None:
    return SandboxApp.objects.filter(client_id=client_id).first() if client_id else None


def app_redirect_uris(*, app: SandboxApp) -> list[str]:
    """The exact redirect URIs the app accepts; the built-in app's come from settings (read now)."""
    if app.client_id == settings.XERO_SANDBOX_CLIENT_ID:
        return list(settings.XERO_SANDBOX_REDIRECT_URIS)
    return list(app.redirect_uris)


def user_find(*, user_id: uuid.UUID | str | None) -> SandboxUser | None:
    if not user_id:
        return None
    try:
        return SandboxUser.objects.filter(pk=uuid.UUID(str(user_id))).first()
    except ValueError:
        return None


def user_organisations(*, user: SandboxUser) -> QuerySet[Organisation]:
    return user.organisations.order_by("name")


def connections_for(
    *, app: SandboxApp, user: SandboxUser, auth_event_id: uuid.UUID | None = None
) -> QuerySet[Connection]:
    connections = Connection.objects.filter(app=app, user=user).select_related("organisation")
    if auth_event_id is not None:
        connections = connections.filter(auth_event_id=auth_event_id)
    return connections.order_by("created", "organisation__name")


def connection_for_tenant(*, app: SandboxApp, user: SandboxUser, tenant_id: str) -> Connection | None:
    try:
        tenant = uuid.UUID(tenant_id.strip())
    except (ValueError, AttributeError):
        return None
    return (
        Connection.objects.select_related("organisation")
        .filter(app=app, user=user, organisation_id=tenant)
        .first()
    )
