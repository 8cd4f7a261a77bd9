"""Capture's buttons on Item details: Read again, and Create supplier (``lists.contacts``)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from capture import services
from dext.errors import ApplicationError
from dext.tenancy.permissions import business_member_required, forbidden
from items import selectors
from items.models import ItemType
from items.services import ItemError

CREATE_NEEDS_PERMISSION = (
    "Creating suppliers and customers in Xero needs the administrator role or the “can publish” permission."
)


@business_member_required
@require_POST
def read_again(request, pk):
    item = selectors.item_get(business=request.business, pk=pk)
    try:
        services.capture_read_again(item=item, acting_user=request.user)
    except ItemError as error:
        messages.error(request, error.user_message)
    else:
        messages.info(request, "Reading the document again. Fields you set by hand are kept.")
    return redirect("items:detail", pk=item.pk)


@business_member_required
@require_POST
def create_contact(request, pk):
    """Create the supplier (or customer) printed on the document in Xero and choose it for
    the item. It writes to the business's Xero, so it needs the publish permission."""
    item = selectors.item_get(business=request.business, pk=pk)
    if not request.membership.may_publish:
        return forbidden(request, reason=CREATE_NEEDS_PERMISSION)
    try:
        contact = services.contact_create_for_item(
            item=item,
            name=request.POST.get("name", ""),
            tax_number=request.POST.get("tax_number", ""),
            email=request.POST.get("email", ""),
            acting_user=request.user,
        )
    except (ApplicationError, ItemError) as error:
        messages.error(request, error.user_message)
    else:
        kind = "customer" if item.item_type == ItemType.SALE else "supplier"
        messages.success(request, f"{contact.name} is now a {kind} in Xero, and this item's {kind}.")
    return redirect("items:detail", pk=item.pk)
