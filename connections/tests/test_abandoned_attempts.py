"""A Connect abandoned after Xero's callback (the organisation never chosen) keeps no
live token set: once the attempt has expired, a periodic task removes the tokens and
revokes them at Xero (the sandbox, over real HTTP)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from connections import crypto
from connections.models import OAuthAttempt
from connections.services import ATTEMPT_LIFETIME
from connections.tasks import purge_abandoned_attempts
from connections.tests.sandbox_flow import SandboxBrowser, product_callback
from connections.xero import oauth
from connections.xero.errors import XeroAuthError
from connections.xero.tokens import refresh_access_token
from xero_sandbox.models import Connection as SandboxConnection
from xero_sandbox.models import RefreshToken


def _abandon_after_callback(client, organisation="Demo Company (UK)") -> OAuthAttempt:
    start = client.post(reverse("connections:xero_start"), {"purpose": "connect"})
    back = SandboxBrowser().consent(start["Location"], organisations=[organisation])
    assert product_callback(client, back).status_code == 302  # on to "choose", never finished
    attempt = OAuthAttempt.objects.get(stage=OAuthAttempt.Stage.AUTHORISED)
    assert attempt.token_set_encrypted
    return attempt


def _expire(attempt: OAuthAttempt) -> None:
    OAuthAttempt.objects.filter(pk=attempt.pk).update(created=timezone.now() - ATTEMPT_LIFETIME - timedelta(minutes=1))


def test_an_expired_abandoned_attempt_loses_its_tokens_and_they_are_revoked(xero_sandbox, admin_client):
    attempt = _abandon_after_callback(admin_client)
    refresh_token = oauth.TokenSet.from_json(crypto.decrypt(attempt.token_set_encrypted)).refresh_token
    _expire(attempt)

    assert purge_abandoned_attempts.delay().get() == 1

    attempt.refresh_from_db()
    assert (attempt.stage, attempt.token_set_encrypted) == (OAuthAttempt.Stage.FAILED, "")
    assert "abandoned" in attempt.failure
    # Revoked at Xero: the refresh token is refused and the consent's connections are gone.
    assert RefreshToken.objects.get(token=refresh_token).revoked_at is not None
    with pytest.raises(XeroAuthError):
        oauth.refresh(refresh_token=refresh_token)
    assert not SandboxConnection.objects.exists()


def test_an_attempt_still_within_its_lifetime_is_kept(xero_sandbox, admin_client):
    attempt = _abandon_after_callback(admin_client)

    assert purge_abandoned_attempts.delay().get() == 0

    attempt.refresh_from_db()
    assert attempt.stage == OAuthAttempt.Stage.AUTHORISED
    assert attempt.token_set_encrypted


def test_purging_never_revokes_the_grant_a_live_connection_uses(xero_connected_business, client):
    business, connection = xero_connected_business
    attempt = _abandon_after_callback(client)  # the same Xero user, e.g. a Reconnect left half-way
    _expire(attempt)

    purge_abandoned_attempts.delay().get()

    attempt.refresh_from_db()
    assert attempt.token_set_encrypted == ""
    # The live connection still works: its tokens refresh and Xero still lists it.
    refresh_access_token(connection_id=connection.pk, force=True)
    connection.refresh_from_db()
    assert connection.is_connected
    assert SandboxConnection.objects.filter(organisation_id=connection.tenant_id).exists()
