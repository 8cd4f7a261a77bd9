"""/healthz: 200 when the database, the broker and a live worker all answer, 503 (and
which part) otherwise; no login, no secrets, and reachable by a load balancer probing
by IP over plain HTTP."""

import json
from datetime import timedelta

import pytest
import yaml
from django.conf import settings
from django.utils import timezone

from dext.celery import app
from dext.observability.models import WorkerHeartbeat
from dext.observability.worker import heartbeat

pytestmark = pytest.mark.django_db


def _health(client, **extra):
    response = client.get("/healthz", **extra)
    return response.status_code, json.loads(response.content)


def test_healthy_when_database_broker_and_a_worker_answer(client):
    heartbeat("celery@web-1")

    status, body = _health(client)

    assert status == 200
    assert body == {"status": "ok", "checks": {"database": "ok", "broker": "ok", "worker": "ok"}}


def test_no_live_worker_is_a_503_that_says_so(client):
    WorkerHeartbeat.objects.create(hostname="celery@gone", seen_at=timezone.now() - timedelta(minutes=5))

    status, body = _health(client)

    assert status == 503
    assert body["status"] == "failing"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["worker"].startswith("failing")


def test_an_unreachable_broker_is_a_503(client, monkeypatch, settings):
    heartbeat("celery@web-1")
    settings.HEALTH_CHECK_TIMEOUT = 1
    for key in ("broker_url", "broker_write_url"):
        monkeypatch.setitem(app.conf, key, "redis://127.0.0.1:1/0")

    status, body = _health(client)

    assert status == 503
    assert body["checks"]["broker"].startswith("failing")
    assert body["checks"]["worker"] == "ok"


def test_a_load_balancer_probing_by_ip_over_http_gets_the_answer(client, settings):
    heartbeat("celery@web-1")
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["app.example.com"]

    status, _ = _health(client, HTTP_HOST="10.1.2.3:8000")

    assert status == 200


def test_the_web_service_health_check_in_docker_compose_uses_healthz():
    compose = yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())

    assert "/healthz" in " ".join(compose["services"]["web"]["healthcheck"]["test"])


@pytest.mark.integration
def test_a_running_worker_makes_the_service_healthy(celery_worker, client):
    import time

    deadline = time.monotonic() + 30
    while not WorkerHeartbeat.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.5)

    status, body = _health(client)

    assert status == 200, body
