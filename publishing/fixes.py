"""A publishing error goes away once the field it names is fixed.

A failed publish leaves its error on the item (the panel shows it, with a link to the
fix). When a person then changes the field the error is about and saves, the error no
longer says anything true: it is cleared from the panel (the failure stays in the item's
History) and a Failed item is Ready again. Errors about no field in particular (Xero
unavailable, a connection to reconnect) stay until the next publish.
"""

from django.utils import timezone

from items.models import Item, ItemHistory, ItemStatus
from publishing.models import Publication, PublicationState

# Error codes (publishing/catalogue.py) and the item fields that fix them.
FIXED_BY: dict[str, frozenset[str]] = {
    "account_archived": frozenset({"category", "lines"}),
    "account_invalid_for_document": frozenset({"category", "lines", "publish_destination"}),
    "tax_type_invalid": frozenset({"tax_rate", "category", "lines"}),
    "tax_rate_archived": frozenset({"tax_rate", "lines"}),
    "lock_date": frozenset({"date", "publish_destination"}),
    "contact_archived": frozenset({"contact"}),
    "tracking_archived": frozenset({"tracking_option_1", "tracking_option_2", "lines"}),
    "no_bank_account": frozenset({"payment_method", "publish_destination"}),
    "bank_account_not_recognised": frozenset({"payment_method", "publish_destination"}),
    "tax_greater_than_line": frozenset({"lines", "tax_amount", "net", "total"}),
    "number_not_unique": frozenset({"reference"}),
    "currency_not_enabled": frozenset({"currency_code"}),
    "plan_limit": frozenset({"publish_destination"}),
    "no_lines": frozenset({"total", "tax_amount", "net", "lines"}),
}


def publication_error_clear_if_fixed(*, item: Item, changed_fields, acting_user) -> bool:
    """Listener of ``items``' "item_edited" (``dext.hooks``): clear the item's publishing
    error when the edit changed a field that fixes it. Returns whether it did."""
    if item.status not in (ItemStatus.FAILED, ItemStatus.TO_REVIEW):
        return False
    publication = (
        Publication.objects.filter(item_id=item.pk, business_id=item.business_id, state=PublicationState.FAILED)
        .exclude(error_code="")
        .first()
    )
    if publication is None or not FIXED_BY.get(publication.error_code, frozenset()) & set(changed_fields):
        return False
    fixed = publication.error_message
    Publication.objects.filter(pk=publication.pk).update(
        error_code="", error_message="", error_fix_url="", error_fix_label="", updated=timezone.now()
    )
    if item.status == ItemStatus.FAILED:
        Item.objects.filter(pk=item.pk, status=ItemStatus.FAILED).update(status=ItemStatus.READY)
        item.status = ItemStatus.READY
    ItemHistory.objects.create(
        business_id=item.business_id, item=item,
        user=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        action=ItemHistory.Action.STATUS, message=f"Publishing error fixed by this edit: {fixed}"[:500],
    )
    return True
