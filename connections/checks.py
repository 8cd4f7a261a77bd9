"""System checks: the scopes dext asks Xero for grant every permission it needs."""

from django.conf import settings
from django.core.checks import Warning, register

from connections.xero.permissions import permissions_missing


@register()
def xero_scopes_cover_every_permission(app_configs=None, **kwargs):
    missing = permissions_missing(settings.XERO_SCOPES)
    if not missing:
        return []
    names = ", ".join(f"{p.label} ({' or '.join(sorted(p.scopes))})" for p in missing)
    return [
        Warning(
            f"XERO_SCOPES does not ask Xero for every permission dext needs: {names}. Connecting or "
            "reconnecting can't grant them, and what needs them will fail.",
            id="connections.W001",
        )
    ]
