from dext.tenancy.permissions import business_member_required
from dext.tenancy.placeholders import empty_section


def _list_page(title):
    @business_member_required
    def view(request):
        return empty_section(request, title=title, message="Connect Xero to import this list.")

    return view


categories = _list_page("Categories")
suppliers = _list_page("Suppliers")
customers = _list_page("Customers")
tracking = _list_page("Tracking Categories")
payment_methods = _list_page("Payment Methods")
tax_rates = _list_page("Tax Rates")
