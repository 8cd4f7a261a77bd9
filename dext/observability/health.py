"""``/healthz`` for the load balancer and docker-compose: the database answers, the
broker accepts a connection, and a Celery worker has shown it is alive recently.
No authentication and nothing secret in the answer (which parts are up, in plain words).
"""

import json
import logging
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.utils import timezone

from dext.observability.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

HEALTH_PATHS = ("/healthz", "/healthz/")


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _broker() -> str:
    from dext.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, timeout=settings.HEALTH_CHECK_TIMEOUT)
    return "ok"


def _worker() -> str:
    since = timezone.now() - timedelta(seconds=settings.WORKER_HEARTBEAT_MAX_AGE)
    if WorkerHeartbeat.objects.filter(seen_at__gte=since).exists():
        return "ok"
    raise RuntimeError(f"no worker seen in the last {settings.WORKER_HEARTBEAT_MAX_AGE} seconds")


CHECKS = {"database": _database, "broker": _broker, "worker": _worker}


def health_report() -> tuple[bool, dict[str, str]]:
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:  # every failure is an answer here, never a 500
            results[name] = f"failing: {type(exc).__name__}" + (f" ({exc})" if name == "worker" else "")
            logger.warning("Health check %s failing: %s", name, type(exc).__name__)
    return all(value == "ok" for value in results.values()), results


class HealthCheckMiddleware:
    """First in MIDDLEWARE: answers ``/healthz`` before host validation, the HTTPS
    redirect and sessions, so a load balancer probing by IP over plain HTTP gets the
    real answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info in HEALTH_PATHS and request.method in ("GET", "HEAD"):
            healthy, checks = health_report()
            body = json.dumps({"status": "ok" if healthy else "failing", "checks": checks})
            response = HttpResponse(body, content_type="application/json", status=200 if healthy else 503)
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)
