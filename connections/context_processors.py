from connections.models import ConnectionStatus, XeroConnection


def connection_banner(request):
    """Administrators see a banner on every page while the connection needs reconnecting."""
    membership = getattr(request, "membership", None)
    if not membership or not membership.is_administrator:
        return {}
    broken = XeroConnection.objects.filter(
        business_id=membership.business_id, status=ConnectionStatus.NEEDS_RECONNECT
    ).first()
    return {"connection_needing_reconnect": broken}
