"""A real Celery worker process runs a task sent through Redis, end to end."""

import pytest
from django.db import connection

from dext.tenancy.tasks import health_check

pytestmark = pytest.mark.integration


def test_health_check_runs_on_a_real_worker_against_redis(celery_worker):
    result = health_check.delay()

    outcome = result.get(timeout=30)

    assert outcome == {"status": "ok", "database": connection.settings_dict["NAME"], "vendor": "postgresql"}
    assert "dext.health_check" in celery_worker.log_text()
    assert "succeeded" in celery_worker.log_text()


def test_worker_comes_back_after_being_killed(celery_worker):
    celery_worker.kill()
    assert not celery_worker.running

    celery_worker.start()

    assert health_check.delay().get(timeout=30)["status"] == "ok"
