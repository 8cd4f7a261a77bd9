"""Tokens: refreshed by us, once, under a row lock; a refused refresh asks for Reconnect."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connections as db_connections
from django.utils import timezone

from connections.models import ConnectionStatus, EventKind, XeroConnection
from connections.xero import tokens
from connections.xero.api import XeroApi
from connections.xero.errors import XeroAuthError
from dext.testing import require_service

pytestmark = pytest.mark.django_db(transaction=True)


def _expire_here_and_at_xero(connection):
    from xero_sandbox import faults

    XeroConnection.objects.filter(pk=connection.pk).update(access_token_expires_at=timezone.now() - timedelta(minutes=1))
    faults.expire_tokens()


def test_twenty_workers_with_an_expired_token_refresh_exactly_once(xero_connected_business):
    """Twenty threads (each its own database connection) need a token at once."""
    require_service("postgresql")
    from xero_sandbox import faults

    business, connection = xero_connected_business
    _expire_here_and_at_xero(connection)
    faults.clear_log()
    barrier = threading.Barrier(20)
    results, errors = [], []

    def worker():
        try:
            barrier.wait(timeout=30)
            results.append(tokens.access_token_for(connection_id=connection.pk).value)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            db_connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(set(results)) == 1 and len(results) == 20
    assert faults.token_grants(grant_type="refresh_token").count() == 1
    assert faults.token_grants(grant_type="refresh_token", status=400).count() == 0
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.CONNECTED


def test_expired_access_token_is_refreshed_before_a_call(xero_connected_business):
    from xero_sandbox import faults

    business, connection = xero_connected_business
    old_refresh = connection.refresh_token
    _expire_here_and_at_xero(connection)
    organisation = XeroApi.for_connection(connection).get_organisation()
    assert organisation["Name"] == "Demo Company (UK)"
    connection.refresh_from_db()
    assert connection.refresh_token != old_refresh  # rotated and stored
    assert connection.access_token_expires_at > timezone.now() + timedelta(minutes=20)
    assert faults.token_grants(grant_type="refresh_token").count() >= 1


def test_token_revoked_at_xero_marks_needs_reconnecting_and_tells_admins(xero_connected_business, client):
    from xero_sandbox import faults

    business, connection = xero_connected_business
    faults.revoke_refresh_tokens()
    _expire_here_and_at_xero(connection)
    mail.outbox.clear()
    with pytest.raises(XeroAuthError):
        tokens.access_token_for(connection_id=connection.pk)
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.NEEDS_RECONNECT
    assert connection.events.filter(kind=EventKind.TOKEN_REFRESH_FAILED).exists()
    assert len(mail.outbox) == 1 and "reconnect" in mail.outbox[0].subject.lower()
    page = client.get("/inbox/").content.decode()
    assert "needs reconnecting" in page


def test_organisation_disconnected_in_xero_is_detected_by_health_check(xero_connected_business):
    from connections import services
    from xero_sandbox import faults

    business, connection = xero_connected_business
    faults.revoke_connection(connection.xero_connection_id)
    connection = services.connection_health_check(connection=connection)
    assert connection.status == ConnectionStatus.NEEDS_RECONNECT
    assert connection.events.filter(kind=EventKind.DISCONNECTED_AT_XERO).exists()
