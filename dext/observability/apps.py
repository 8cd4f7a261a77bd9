from django.apps import AppConfig


class ObservabilityConfig(AppConfig):
    name = "dext.observability"
    label = "observability"
    verbose_name = "Monitoring"

    def ready(self):
        from dext.observability import log_context  # noqa: F401 - connects the request-metadata receiver
