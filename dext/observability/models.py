from django.db import models


class WorkerHeartbeat(models.Model):
    """A Celery worker's "still alive", written every few seconds by the worker itself
    (``dext/observability/worker.py``) and read by ``/healthz``."""

    hostname = models.CharField(max_length=255, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.hostname} at {self.seen_at:%Y-%m-%d %H:%M:%S}"
