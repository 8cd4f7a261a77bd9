import os
import shutil
import socket

import pytest
from django.conf import settings
from django.db import connection

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def redis_url() -> str:
    """The Redis the tests use: the configured broker when it is Redis, else the local default."""
    broker = settings.CELERY_BROKER_URL
    return broker if broker.startswith("redis") else os.environ.get("TEST_REDIS_URL", DEFAULT_REDIS_URL)


def _redis_problem() -> str | None:
    try:
        import redis

        redis.Redis.from_url(redis_url(), socket_connect_timeout=2).ping()
    except Exception as error:  # any failure means "not usable here"
        return f"Redis is not reachable at {redis_url()} ({error.__class__.__name__})"
    return None


def _postgresql_problem() -> str | None:
    if connection.vendor != "postgresql":
        return "needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> (tests run on SQLite)"
    host = connection.settings_dict.get("HOST") or "127.0.0.1"
    port = int(connection.settings_dict.get("PORT") or 5432)
    if not host.startswith("/"):
        try:
            socket.create_connection((host, port), timeout=2).close()
        except OSError as error:
            return f"PostgreSQL is not reachable at {host}:{port} ({error})"
    return None


def _chromium_problem() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return None
    return "Chromium is not installed (apt-get install chromium)"


_CHECKS = {"postgresql": _postgresql_problem, "redis": _redis_problem, "chromium": _chromium_problem}


def service_available(name: str) -> bool:
    return _CHECKS[name]() is None


def require_service(name: str) -> None:
    """Skip the calling test when ``name`` is missing here; fail it instead under ``CI=true``."""
    if name not in _CHECKS:
        raise ValueError(f"Unknown service {name!r}; choose from {sorted(_CHECKS)}")
    problem = _CHECKS[name]()
    if problem is None:
        return
    if in_ci():
        pytest.fail(f"{name} is required in CI: {problem}", pytrace=False)
    pytest.skip(f"{name} unavailable: {problem}")
