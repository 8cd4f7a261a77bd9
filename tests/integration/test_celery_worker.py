"""A real Celery worker process runs a task sent through Redis, end to end."""

import pytest
from django.db import connection

from dext.tenancy.tasks import health_check

pytestmark = pytest.mark.integration


def test_health_check_runs_on_a_real_worker_against_redis(celery_worker):
    result = health_check.delay()

    outcome = result.get(timeout=30)

    assert outcome == {"status": "ok", "database": connection.settings_dict["NAME"], "vendor": "postgresql"}
    log = celery_worker.wait_for_log(f"Task dext.health_check[{result.id}] succeeded")
    assert f"Task dext.health_check[{result.id}] succeeded" in log


def test_worker_comes_back_after_being_killed(celery_worker):
    celery_worker.kill()
    assert not celery_worker.running

    celery_worker.start()

    assert health_check.delay().get(timeout=30)["status"] == "ok"
