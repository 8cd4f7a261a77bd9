"""The Celery application, configured from Django settings (namespace ``CELERY``)."""

import logging.config
import os

from celery import Celery
from celery.signals import setup_logging
from django_structlog.celery.steps import DjangoStructLogInitStep

from dext.observability.worker import HeartbeatStep

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dext.settings")

app = Celery("dext")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Every log line of a task carries its task id (and the request id, user and business of
# the request that queued it); a heartbeat tells /healthz the worker is alive.
app.steps["worker"].add(DjangoStructLogInitStep)
app.steps["worker"].add(HeartbeatStep)


@setup_logging.connect
def _use_django_logging(loglevel=None, **kwargs):
    """Workers and beat log like the web server (settings.LOGGING: JSON in production),
    not in Celery's own format; Celery's own lines keep the ``--loglevel`` asked for."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
    if loglevel:
        logging.getLogger("celery").setLevel(loglevel)
