"""The person's choice for an item set aside as "Possible duplicate in Xero"
(``duplicates``): attach its file to the document already in Xero, publish anyway, or
skip. Each needs the publish permission, is scoped to the item's business, and writes
the item's History with who chose what.
"""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from dext.tenancy.selectors import user_may_publish
from items.models import Item, ItemStatus
from publishing.models import Publication, PublicationState, XeroMatch, XeroMatchState
from publishing.services.duplicates import match_words
from publishing.services.outcomes import item_history
from publishing.services.requesting import (
    PUBLISH_NEEDS_PERMISSION,
    PublishError,
    publication_mark_queued,
    publish_request,
)

NOTHING_TO_DECIDE = "This item is no longer waiting for a decision about a document already in Xero."


def _open_match(*, item: Item, acting_user) -> tuple[Publication, XeroMatch, Item]:
    """Lock the item, its publication and its open match (in that order, as publishing
    does), or refuse."""
    if not user_may_publish(user=acting_user, business=item.business):
        raise PublishError(PUBLISH_NEEDS_PERMISSION, code="permission_denied")
    item = Item.objects.select_for_update().get(business=item.business, pk=item.pk)
    publication = Publication.objects.select_for_update().filter(business=item.business, item=item).first()
    match = (XeroMatch.objects.select_for_update().filter(business=item.business, publication=publication).first()
             if publication else None)
    if (match is None or match.state != XeroMatchState.OPEN or publication.state != PublicationState.SET_ASIDE
            or item.status != ItemStatus.READY):
        raise PublishError(NOTHING_TO_DECIDE, code="nothing_to_decide")
    return publication, match, item


def _decided(match: XeroMatch, state: str, acting_user) -> None:
    match.state = state
    match.decided_by = acting_user
    match.decided_at = timezone.now()
    match.full_clean()
    match.save()


@transaction.atomic
def xero_match_attach(*, item: Item, acting_user, xero_id: str) -> Publication:
    """Attach the item's file to the chosen document already in Xero; nothing is created.
    The item is Published, linked to that document, which stays someone else's: the
    publication is ``matched``, so dext never voids or re-creates it."""
    from publishing import tasks

    publication, match, item = _open_match(item=item, acting_user=acting_user)
    chosen = next((m for m in match.candidates if m.get("id") == xero_id), None)
    if chosen is None:
        raise PublishError("Choose one of the documents found in Xero.", code="unknown_match")
    try:
        total = Decimal(chosen.get("total") or "")
    except InvalidOperation:
        total = None
    publication.endpoint = chosen["endpoint"]
    publication.xero_type = chosen["type"]
    publication.xero_id = chosen["id"]
    publication.xero_number = chosen.get("number") or ""
    publication.xero_status = chosen.get("status") or ""
    publication.xero_total = total
    publication.matched = True
    publication.payment_needed = False
    publication.create_key = ""
    publication.create_sent_at = None
    publication.attachment_xero_id = ""
    publication.notice = ""
    publication_mark_queued(publication, acting_user=acting_user)
    publication.save()
    _decided(match, XeroMatchState.ATTACHED, acting_user)
    item.status = ItemStatus.QUEUED
    item.save(update_fields=["status", "updated"])
    item_history(item, acting_user, f"Chose to attach the document to {match_words(chosen)}, already in Xero; "
                                    "nothing new is created in Xero")
    transaction.on_commit(lambda: tasks.publish_item.delay(publication.pk))
    return publication


@transaction.atomic
def xero_match_publish_anyway(*, item: Item, acting_user) -> Publication:
    """Create the document as usual. The documents found are remembered as "not this
    one", so the publish does not stop on them again."""
    publication, match, item = _open_match(item=item, acting_user=acting_user)
    match.dismissed_ids = sorted(set(match.dismissed_ids) | {m["id"] for m in match.candidates})
    _decided(match, XeroMatchState.PUBLISHED_ANYWAY, acting_user)
    found = ", ".join(match_words(m) for m in match.candidates)
    item_history(item, acting_user, f"Chose to publish anyway: not the same as {found} in Xero")
    publish_request(business=item.business, items=[item], acting_user=acting_user)
    publication.refresh_from_db()
    return publication


@transaction.atomic
def xero_match_skip(*, item: Item, acting_user) -> Item:
    """Publish nothing: the document is in Xero already. The item moves to the Archive
    ("Already in Xero — skipped"); moving it back to the Inbox and publishing it asks again."""
    from items.services import item_archive

    publication, match, item = _open_match(item=item, acting_user=acting_user)
    _decided(match, XeroMatchState.SKIPPED, acting_user)
    item_history(item, acting_user,
                 f"Already in Xero — skipped: {match_words(match.candidates[0])} is this document; nothing was published")
    return item_archive(item=item, acting_user=acting_user)
