from dext.tenancy.permissions import business_member_required
from dext.tenancy.placeholders import empty_section


@business_member_required
def inbox(request):
    return empty_section(request, title="Inbox", message="Upload bills, receipts and sales invoices here.")


@business_member_required
def archive(request):
    return empty_section(request, title="Archive", message="Published and archived items appear here.")
