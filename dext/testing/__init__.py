"""Helpers for tests of every app: real services and a real Celery worker.

``require_service(name)`` skips a test when PostgreSQL, Redis or Chromium is missing
on a developer's machine, and fails it when ``CI=true`` (CI must run everything).
The ``celery_worker`` fixture (``dext/testing/fixtures.py``, loaded by the root
conftest) starts a real ``celery -A dext worker`` process.
"""

from dext.testing.services import require_service, service_available
from dext.testing.worker import CeleryWorker

__all__ = ["CeleryWorker", "require_service", "service_available"]
