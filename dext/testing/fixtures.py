"""pytest fixtures for integration tests (loaded from the root conftest via ``pytest_plugins``)."""

import pytest
from django.conf import settings

from dext.testing.services import redis_url, require_service
from dext.testing.worker import CeleryWorker, database_url_for_current_connection


@pytest.fixture(autouse=True)
def _force_login_includes_two_factor(monkeypatch):
    """Support staff must use two-factor; a test's ``force_login`` signs them in with it."""
    from django.test import Client

    from dext.accounts.testing import force_login_with_two_factor

    monkeypatch.setattr(Client, "force_login", force_login_with_two_factor)


@pytest.fixture
def celery_worker(transactional_db):
    """A running ``celery -A dext worker`` on the test database and Redis.

    Skips (locally) or fails (``CI=true``) without PostgreSQL and Redis. The test
    process's Celery app is pointed at the same broker and queue, so ``task.delay()``
    in the code under test reaches this worker. ``transactional_db`` because the
    worker is another process: it only sees committed rows.
    """
    from dext.celery import app

    require_service("postgresql")
    require_service("redis")
    worker = CeleryWorker(
        broker_url=redis_url(),
        database_url=database_url_for_current_connection(),
        log_dir=settings.BASE_DIR / "var" / "test-workers",
        extra_env=_settings_env(),
    )
    worker.connect_app(app)
    try:
        worker.start()
        yield worker
    finally:
        worker.stop()
        worker.purge()
        worker.disconnect_app(app)


# Settings a test may have pointed elsewhere (e.g. at the sandbox on live_server) that the
# worker process must share. Request ``celery_worker`` after such fixtures.
_SHARED_SETTINGS = (
    "SITE_URL", "XERO_CLIENT_ID", "XERO_CLIENT_SECRET", "XERO_LOGIN_URL", "XERO_IDENTITY_URL",
    "XERO_API_URL", "XERO_GO_URL", "XERO_REDIRECT_URI", "XERO_RATE_LIMIT_NAMESPACE", "SECRET_KEY",
    "XERO_ATTACHMENT_MAX_BYTES", "MEDIA_ROOT", "XERO_WEBHOOK_KEY", "XERO_SANDBOX_WEBHOOK_URL",
    "XERO_SANDBOX_WEBHOOK_KEY",
)


def _settings_env() -> dict[str, str]:
    env = {name: str(getattr(settings, name)) for name in _SHARED_SETTINGS}
    env["FIELD_ENCRYPTION_KEY"] = ",".join(settings.FIELD_ENCRYPTION_KEY)
    env["XERO_SANDBOX_REDIRECT_URIS"] = ",".join(settings.XERO_SANDBOX_REDIRECT_URIS)
    env["REDIS_URL"] = redis_url()
    env["DEBUG"] = "true"
    env["XERO_SANDBOX"] = "true" if settings.XERO_SANDBOX else "false"
    return env
