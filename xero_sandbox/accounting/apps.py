from django.apps import AppConfig


class SandboxAccountingConfig(AppConfig):
    name = "xero_sandbox.accounting"
    label = "xero_sandbox_accounting"
    verbose_name = "Xero sandbox: accounting"
