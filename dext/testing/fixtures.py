"""pytest fixtures for integration tests (loaded from the root conftest via ``pytest_plugins``)."""

import pytest
from django.conf import settings

from dext.testing.services import redis_url, require_service
from dext.testing.worker import CeleryWorker, database_url_for_current_connection


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
    )
    worker.connect_app(app)
    try:
        worker.start()
        yield worker
    finally:
        worker.stop()
        worker.purge()
        worker.disconnect_app(app)
