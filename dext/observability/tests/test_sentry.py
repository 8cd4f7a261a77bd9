"""With SENTRY_DSN set, errors from Django reach Sentry with nothing secret in them:
no request body (documents, passwords), no cookies or Authorization header, no local
variables, and tokens in messages redacted."""

import json

import pytest
import sentry_sdk
from django.test import Client
from sentry_sdk.transport import Transport

from dext.observability.sentry import init_sentry

pytestmark = pytest.mark.django_db


class _Captured(Transport):
    events: list[dict] = []

    def capture_envelope(self, envelope):
        for item in envelope.items:
            if item.type in ("event", "transaction"):
                self.events.append(json.loads(item.payload.get_bytes()))


@pytest.fixture
def sentry(monkeypatch):
    _Captured.events = []
    monkeypatch.setattr("sentry_sdk.client.make_transport", lambda options: _Captured(options))
    init_sentry(dsn="https://public@sentry.example.invalid/1", environment="test")
    yield _Captured.events
    sentry_sdk.get_client().close()
    sentry_sdk.init(dsn=None)


def test_a_server_error_is_reported_without_secrets(sentry, settings):
    settings.ROOT_URLCONF = "dext.observability.tests.crash_urls"
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "session-SECRET-42"

    response = client.post(
        "/crash/",
        {"tenant": "Demo", "password": "hunter2-SECRET", "document": "Flour 25kg SECRET-TEXT"},
        HTTP_AUTHORIZATION="Bearer bearer-SECRET-abcdefgh",
        HTTP_X_EXAMPLE_TOKEN="at-SECRET-0123456789",
        HTTP_X_EXAMPLE_JWT="eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl",
    )
    sentry_sdk.flush()

    assert response.status_code == 500
    assert sentry, "no event reached the transport"
    report = json.dumps(sentry)
    assert "RuntimeError" in report
    for secret in ("at-SECRET", "eyJhbGciOiJSUzI1NiJ9", "eyJzdWIiOiJ4In0", "session-SECRET", "hunter2-SECRET", "SECRET-TEXT",
                   "bearer-SECRET"):
        assert secret not in report, secret
