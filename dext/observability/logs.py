"""Logging: every line through structlog, as JSON in production (one object a line, with
the request id, user, business and Celery task id bound by django-structlog and
:mod:`dext.observability.log_context`) or as plain readable lines in development.

Standard-library loggers (Django, Celery, django-axes, our own modules) go through the
same processors, so they get the same fields, and every line is redacted
(:mod:`dext.observability.redaction`) before it is written.
"""

import structlog

from dext.observability.redaction import redact

# Fields structlog or logging add that are never secret and must stay as they are.
_PLAIN_FIELDS = {"timestamp", "level", "logger", "request_id", "user_id", "business_id", "task_id",
                 "parent_task_id", "correlation_id", "ip", "code", "user_agent", "task_name",
                 "child_task_id", "child_task_name"}


def redact_event(logger, method_name, event_dict):
    """structlog processor: redact every field except the known plain ones. Objects (a
    request, a socket) are written as their text, redacted too: a request's text holds
    its query string."""
    return {key: value if key in _PLAIN_FIELDS else redact(_plain(value), key=key if key != "event" else "")
            for key, value in event_dict.items()}


def _plain(value):
    if value is None or isinstance(value, str | int | float | bool | dict | list | tuple):
        return value
    return repr(value)


def _shared_processors() -> list:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.add_log_level,
        structlog.stdlib.ExtraAdder(),
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]


def logging_config(*, json: bool, level: str) -> dict:
    """The ``LOGGING`` dict; also configures structlog itself."""
    renderer = (
        structlog.processors.JSONRenderer()
        if json
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    # Tracebacks become a field (never with local variables: they may hold tokens) before
    # redaction, so an exception's message is redacted like everything else.
    exceptions = (
        structlog.processors.ExceptionRenderer(structlog.tracebacks.ExceptionDictTransformer(show_locals=False))
        if json
        else structlog.processors.format_exc_info
    )
    final = [structlog.stdlib.ProcessorFormatter.remove_processors_meta, exceptions, redact_event]
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *_shared_processors(),
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [*final, renderer],
                "foreign_pre_chain": _shared_processors(),
            }
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # SQL with its parameters only when asked for (it can carry anything stored).
            "django.db.backends": {"level": "INFO"},
            # Django's own console handlers (and runserver's request lines, whose query
            # strings can carry an OAuth code) go through the same pipeline instead.
            "django": {"handlers": [], "propagate": True},
            "django.server": {"handlers": [], "propagate": True},
        },
    }
