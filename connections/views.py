from dext.tenancy.permissions import business_admin_required
from dext.tenancy.placeholders import empty_section


@business_admin_required
def connections_index(request):
    return empty_section(request, title="Connections", message="Connect accounting software here.")
