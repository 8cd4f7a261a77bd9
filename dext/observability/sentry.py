"""Error reports to Sentry when ``SENTRY_DSN`` is set (Django and Celery integrations).

Nothing secret is sent: no request bodies (uploaded documents, passwords, OAuth codes),
no local variables, no cookies or personal data, and everything that is sent is passed
through the same redaction as the logs (``before_send``/``before_breadcrumb``)."""

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.logging import LoggingIntegration

from dext.observability.redaction import redact


def scrub_event(event: dict, hint: dict | None = None) -> dict:
    request = event.get("request")
    if isinstance(request, dict):
        request.pop("data", None)  # request bodies: documents, passwords
        request.pop("cookies", None)
    return redact(event)


def scrub_breadcrumb(crumb: dict, hint: dict | None = None) -> dict:
    return redact(crumb)


def init_sentry(*, dsn: str, environment: str, release: str = "", traces_sample_rate: float = 0.0) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration(), CeleryIntegration(), LoggingIntegration()],
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        before_send=scrub_event,
        before_breadcrumb=scrub_breadcrumb,
        traces_sample_rate=traces_sample_rate,
    )
