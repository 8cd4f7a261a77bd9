from django.db.models import QuerySet

from connections.models import ConnectionEvent, ConnectionStatus, XeroConnection
from dext.tenancy.models import Business


def connection_for_business(*, business: Business) -> XeroConnection | None:
    """The business's connection in any state (None if it never connected)."""
    return XeroConnection.objects.filter(business=business).select_related("connected_by").first()


def connection_active(*, business: Business) -> XeroConnection | None:
    """The business's connection if it is usable now."""
    return XeroConnection.objects.filter(business=business, status=ConnectionStatus.CONNECTED).first()


def events_recent(*, business: Business, limit: int = 20) -> QuerySet[ConnectionEvent]:
    return ConnectionEvent.objects.for_business(business).select_related("actor")[:limit]
