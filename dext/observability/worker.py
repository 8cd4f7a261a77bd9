"""A Celery worker bootstep that writes a heartbeat row every few seconds, so ``/healthz``
can tell a live worker from none (added to the worker in ``dext/celery.py``)."""

import logging
import socket

from celery import bootsteps
from django.db import close_old_connections
from django.utils import timezone

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 10.0


def heartbeat(hostname: str) -> None:
    # Imported here: this module is loaded with the Celery app, before Django's apps are.
    from dext.observability.models import WorkerHeartbeat

    WorkerHeartbeat.objects.update_or_create(hostname=hostname, defaults={"seen_at": timezone.now()})


class HeartbeatStep(bootsteps.StartStopStep):
    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.tref = None

    def start(self, worker):
        hostname = getattr(worker, "hostname", None) or socket.gethostname()
        self._beat(hostname)
        self.tref = worker.timer.call_repeatedly(HEARTBEAT_SECONDS, self._beat, (hostname,), priority=10)

    def stop(self, worker):
        if self.tref is not None:
            self.tref.cancel()
            self.tref = None

    @staticmethod
    def _beat(hostname: str) -> None:
        try:
            close_old_connections()  # a dropped database connection is reopened
            heartbeat(hostname)
        except Exception:
            logger.exception("Could not write the worker heartbeat")
