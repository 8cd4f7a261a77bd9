"""Checks that run when something below items changes: a lists refresh archived (or
restored) a category, tax rate, contact, payment method or tracking option items use.

Ready and Failed items that use a row archived in Xero go back To review with the reason,
before anyone presses Publish (the check before sending would refuse them anyway, later
and one at a time). Items To review that use a row the refresh just wrote are looked at
again too: one restored in Xero may be all that kept them there.
"""

from django.db import transaction
from django.db.models import Q

from items.models import Item, ItemHistory, ItemLine, ItemStatus
from items.services.history import history_record
from items.services.items import _locked, evaluate
from lists.models import ListStatus

LIST_FIELDS = ("contact", "category", "tax_rate", "payment_method", "tracking_option_1", "tracking_option_2")
LINE_LIST_FIELDS = ("category", "tax_rate", "tracking_option_1", "tracking_option_2")


def _using(fields, lookup: str, value) -> Q:
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__{lookup}": value})
    return condition


def items_recheck_after_refresh(*, business_id: int, refresh_id: int | None = None) -> int:
    """Listener of lists' "lists_refreshed" (``dext.hooks``). Returns how many items
    changed state."""
    archived = ListStatus.ARCHIVED
    uses_archived = _using(LIST_FIELDS, "status", archived) | Q(
        pk__in=ItemLine.objects.filter(business_id=business_id)
        .filter(_using(LINE_LIST_FIELDS, "status", archived))
        .values("item_id")
    )
    candidates = Q(status__in=(ItemStatus.READY, ItemStatus.FAILED)) & uses_archived
    if refresh_id is not None:
        written = _using(LIST_FIELDS, "seen_in_refresh", refresh_id) | Q(
            pk__in=ItemLine.objects.filter(business_id=business_id)
            .filter(_using(LINE_LIST_FIELDS, "seen_in_refresh", refresh_id))
            .values("item_id")
        )
        candidates |= Q(status=ItemStatus.TO_REVIEW) & written
    ids = list(Item.objects.filter(business_id=business_id).filter(candidates).values_list("pk", flat=True))
    return sum(_recheck(item_id) for item_id in ids)


def _recheck(item_id: int) -> bool:
    with transaction.atomic():
        item = Item.objects.filter(pk=item_id).first()
        if item is None:
            return False
        item = _locked(item)
        if not item.is_editable:
            return False
        before = item.status
        evaluate(item=item, lines=list(item.lines.select_related("category", "tax_rate", "tracking_option_1",
                                                                   "tracking_option_2")))
        item.save(update_fields=["duplicate_of", "review_issues", "status", "updated"])
        if item.status == before:
            return False
        if item.status == ItemStatus.TO_REVIEW:
            reasons = [issue for issue in item.review_issues if "archived in Xero" in issue] or item.review_issues
            message = "Back to To review after the lists were refreshed: " + " ".join(reasons)
        else:
            message = "Ready again after the lists were refreshed."
        history_record(item=item, user=None, action=ItemHistory.Action.STATUS, message=message)
        return True
