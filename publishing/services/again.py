"""Publishing an item again after its document was voided or deleted in Xero.

The old document stays in Xero as it is (voided or deleted: Xero keeps both). The item
forgets it: its publication's Xero ids, keys and progress are cleared and the item goes
back to Ready, or is queued at once. The item's version moves on, so every
Idempotency-Key of the new publish (create, payment, attachment) is new and Xero can't
answer it with the old document from its idempotency cache; the old document's id is
kept in ``replaced_xero_ids`` so a look-up after an unanswered create never takes it.
"""

from django.db import transaction

from dext.tenancy.selectors import user_may_publish
from items.models import Item, ItemStatus
from publishing.models import Publication, PublicationState
from publishing.services.outcomes import item_history
from publishing.services.requesting import PUBLISH_NEEDS_PERMISSION, PublishError, publish_request
from publishing.wording import published_as

# Xero statuses after which the item may be published again.
REPUBLISHABLE = ("VOIDED", "DELETED")
NOT_REPUBLISHABLE = "Only an item whose document was voided or deleted in Xero can be published again."


def may_publish_again(publication: Publication | None) -> bool:
    return bool(publication and publication.xero_id and publication.xero_status in REPUBLISHABLE)


def item_publish_again(*, item: Item, acting_user, publish_now: bool = False) -> Item:
    """Clear the item's publishing data so it can be published again as a new document;
    with ``publish_now`` queue that publish straight away."""
    if not user_may_publish(user=acting_user, business=item.business):
        raise PublishError(PUBLISH_NEEDS_PERMISSION, code="permission_denied")
    with transaction.atomic():
        locked = Item.objects.select_for_update().select_related("business").get(pk=item.pk, business=item.business)
        publication = Publication.objects.select_for_update().filter(item=locked).first()
        if locked.status != ItemStatus.PUBLISHED or not may_publish_again(publication):
            raise PublishError(NOT_REPUBLISHABLE, code="not_republishable")
        old = published_as(publication.xero_type, "", publication.xero_number)
        how = "voided" if publication.xero_status == "VOIDED" else "deleted"
        _clear(publication)
        locked.version += 1
        locked.status = ItemStatus.READY
        locked.save(update_fields=["version", "status", "updated"])
        publication.item_version = locked.version
        publication.save()
        item_history(
            locked, acting_user,
            f"Publish again by {acting_user.email}: {old} stays {how} in Xero; publishing creates a new document.",
        )
    if publish_now:
        publish_request(business=locked.business, items=[locked], acting_user=acting_user)
        locked.refresh_from_db()
    return locked


def _clear(publication: Publication) -> None:
    publication.replaced_xero_ids = [*(publication.replaced_xero_ids or []), publication.xero_id]
    publication.state = PublicationState.CLEARED
    for field in ("endpoint", "xero_type", "xero_status", "create_key", "xero_id", "xero_number",
                  "payment_xero_id", "attachment_xero_id", "error_code", "error_message", "error_fix_url",
                  "error_fix_label", "notice"):
        setattr(publication, field, "")
    for field in ("create_sent_at", "xero_total", "payment_sent_at", "xero_status_checked_at", "xero_updated_at",
                  "xero_amount_due", "xero_paid_on", "started_at", "finished_at", "lease_expires_at",
                  "message_queued_at"):
        setattr(publication, field, None)
    publication.payment_needed = False
    # A document dext only attached the file to ("Already in Xero?") is forgotten too: the
    # next publish creates dext's own.
    publication.matched = False
    publication.attempts = 0
    publication.attachment_attempts = 0
