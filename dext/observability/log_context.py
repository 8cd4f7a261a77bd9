"""Which business a request works for, on every log line it writes (django-structlog
binds the request id and the user)."""

import structlog
from django.dispatch import receiver
from django_structlog import signals


@receiver(signals.bind_extra_request_metadata)
def bind_business(request, logger, log_kwargs, **kwargs):
    business = getattr(request, "business", None)
    if business is not None:
        structlog.contextvars.bind_contextvars(business_id=business.pk)
