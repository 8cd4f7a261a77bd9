"""A real ``celery -A dext worker`` process for integration tests.

The worker runs the project's own code against the test database (PostgreSQL, so two
processes can share it) and Redis. Each worker consumes its own queue name, so tests
never pick up tasks from, or lose tasks to, another worker using the same Redis.
Tests that use it can ``start()``, ``stop()`` (warm shutdown), ``kill()`` (SIGKILL,
as a crashed machine would) and ``start()`` again.
"""

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

READY_MARKER = "ready."


def database_url_for_current_connection() -> str:
    """The URL of the database this process uses right now (the test database under pytest)."""
    db = connection.settings_dict
    if connection.vendor != "postgresql":
        raise RuntimeError("A worker process can only share a PostgreSQL test database.")
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{db['NAME']}"


class CeleryWorker:
    def __init__(
        self,
        *,
        broker_url: str,
        database_url: str,
        log_dir: Path,
        result_backend: str | None = None,
        queue: str | None = None,
        extra_env: dict[str, str] | None = None,
        ready_timeout: float = 60.0,
    ):
        self.broker_url = broker_url
        self.result_backend = result_backend or broker_url
        self.database_url = database_url
        self.queue = queue or f"dext-test-{uuid.uuid4().hex[:12]}"
        self.hostname = f"{self.queue}@%h"
        self.extra_env = extra_env or {}
        self.ready_timeout = ready_timeout
        self.log_path = Path(log_dir) / f"{self.queue}.log"
        self.process: subprocess.Popen | None = None
        self._client_state: dict | None = None

    # --- the worker process ---------------------------------------------------------
    def environment(self) -> dict[str, str]:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "dext.settings",
            "DATABASE_URL": self.database_url,
            "CELERY_BROKER_URL": self.broker_url,
            "CELERY_RESULT_BACKEND": self.result_backend,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            # Tasks the worker sends itself (follow-up tasks) go to its own queue too.
            "CELERY_TASK_DEFAULT_QUEUE": self.queue,
            "CAPTURE_QUEUE": self.queue,
            "PYTHONUNBUFFERED": "1",
        }
        env.update(self.extra_env)
        return env

    def command(self) -> list[str]:
        return [
            sys.executable, "-m", "celery", "-A", "dext", "worker",
            "--pool=solo",  # one process: kill() hits the very process running the task
            "--loglevel=INFO",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
            "-n", self.hostname,
            "-Q", self.queue,
        ]  # fmt: skip

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> "CeleryWorker":
        if self.running:
            raise RuntimeError("The worker is already running.")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        log = self.log_path.open("ab")
        # Its own session, so stopping it never signals pytest, and kill() reaches
        # any child it started.
        self.process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            self.command(),
            cwd=settings.BASE_DIR,
            env=self.environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self._wait_until_ready(offset)
        return self

    def _wait_until_ready(self, offset: int) -> None:
        deadline = time.monotonic() + self.ready_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"The Celery worker exited with {self.process.returncode}:\n{self.log_text()}")
            if READY_MARKER in self.log_text(offset=offset):
                return
            time.sleep(0.2)
        self.kill()
        raise RuntimeError(f"The Celery worker was not ready within {self.ready_timeout}s:\n{self.log_text()}")

    def stop(self, timeout: float = 20.0) -> int | None:
        """Warm shutdown (SIGTERM): the current task finishes first."""
        if not self.running:
            return self.process.returncode if self.process else None
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return self.kill()

    def kill(self) -> int | None:
        """SIGKILL, like a crash: a task in progress is cut off mid-way."""
        if not self.running:
            return self.process.returncode if self.process else None
        os.killpg(self.process.pid, signal.SIGKILL)
        return self.process.wait(timeout=10)

    def restart(self) -> "CeleryWorker":
        self.stop()
        return self.start()

    def wait_for_log(self, text: str, timeout: float = 10.0) -> str:
        """The worker's log once it contains ``text`` (Celery logs a result after storing it)."""
        deadline = time.monotonic() + timeout
        while True:
            log = self.log_text()
            if text in log or time.monotonic() > deadline:
                return log
            time.sleep(0.1)

    def log_text(self, offset: int = 0) -> str:
        if not self.log_path.exists():
            return ""
        with self.log_path.open("rb") as log:
            log.seek(offset)
            return log.read().decode(errors="replace")

    # --- this (the test) process as the producer -------------------------------------
    def connect_app(self, app) -> None:
        """Send this process's tasks to this worker and read results from its backend.

        Celery caches its connection pool, routing and result backend on first use;
        they are dropped here so the new settings take effect, and put back by
        ``disconnect_app``.
        """
        keys = ("broker_url", "result_backend", "task_default_queue", "task_routes", "task_always_eager")
        self._client_state = {key: app.conf[key] for key in keys}
        app.conf.update(
            broker_url=self.broker_url,
            result_backend=self.result_backend,
            task_default_queue=self.queue,
            # Capture's own queue too: this one worker runs every task of the test.
            task_routes={"capture.*": {"queue": self.queue}},
            task_always_eager=False,
        )
        _drop_cached_connections(app)

    def disconnect_app(self, app) -> None:
        if self._client_state is not None:
            app.conf.update(self._client_state)
            _drop_cached_connections(app)
            self._client_state = None

    def purge(self) -> None:
        """Drop any messages left on this worker's queue."""
        import redis

        redis.Redis.from_url(self.broker_url).delete(self.queue)


def _drop_cached_connections(app) -> None:
    # Only forget them: kombu keeps pools per URL process-wide, and closing one here
    # would break the next test that connects to the same Redis.
    app._pool = None
    app.__dict__.pop("amqp", None)
    app._backend_cache = None
    app._local = threading.local()
