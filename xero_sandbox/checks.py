"""The sandbox must never run in production by accident."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def sandbox_not_in_production(app_configs, **kwargs):
    if (
        getattr(settings, "XERO_SANDBOX", False)
        and not settings.DEBUG
        and not getattr(settings, "XERO_SANDBOX_ALLOW_PRODUCTION", False)
    ):
        return [
            Error(
                "The Xero sandbox is on while DEBUG is off.",
                hint="Set XERO_CLIENT_ID (real Xero) or XERO_SANDBOX=off; or XERO_SANDBOX_ALLOW_PRODUCTION=on for a demo server.",
                id="xero_sandbox.E001",
            )
        ]
    return []
