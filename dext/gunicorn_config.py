"""gunicorn's settings (``--config python:dext.gunicorn_config``): its own lines in the
same JSON as the app's. No access log: the app logs every request itself (a request id,
user, business, status, with tokens in query strings redacted)."""

from dext.observability.logs import logging_config

logconfig_dict = logging_config(json=True, level="INFO")
logconfig_dict["loggers"]["gunicorn.error"] = {"handlers": ["console"], "level": "INFO", "propagate": False}
logconfig_dict["loggers"]["gunicorn.access"] = {"handlers": [], "level": "WARNING", "propagate": False}
accesslog = None
