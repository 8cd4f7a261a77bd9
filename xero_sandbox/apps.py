from django.apps import AppConfig


class XeroSandboxConfig(AppConfig):
    name = "xero_sandbox"
    verbose_name = "Xero sandbox"

    def ready(self):
        from xero_sandbox import checks  # noqa: F401  (registers the system check)
