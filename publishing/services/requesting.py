"""Asking for a publish: who may, which items, and how the work is queued.

Every path that queues a publish comes through here (the Publish button, bulk publish,
a supplier/customer rule, Retry attachment, a reconnect), and each checks that the
person publishing may publish in the business now.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from connections.models import EventKind, XeroConnection
from connections.selectors import connection_active
from dext.errors import ApplicationError
from dext.tenancy.selectors import user_may_publish
from items.models import Item, ItemStatus
from publishing import catalogue
from publishing.models import Publication, PublicationState
from publishing.services.outcomes import item_history

BATCH_SIZE = 50
PUBLISHABLE = (ItemStatus.READY, ItemStatus.FAILED)
# Failures a reconnect cures: a refused connection, a permission Xero had not granted.
RESUMED_AFTER_RECONNECT = ("reconnect_required", "permission_missing")
PUBLISH_NEEDS_PERMISSION = "Publishing to Xero needs the administrator role or the “can publish” permission."


class PublishError(ApplicationError):
    code = "cannot_publish"


@dataclass(frozen=True)
class PublishRequestResult:
    queued: list[int]
    skipped: dict[int, str]


def publish_request(*, business, items, acting_user, auto: bool = False) -> PublishRequestResult:
    """Queue items for publishing; the work happens in Celery tasks after commit.

    ``acting_user`` is who publishes: the person who pressed Publish, or the author of
    the supplier/customer rule that publishes automatically (``auto``). They must be
    allowed to publish in ``business`` now, whatever path queued the request."""
    from publishing import tasks

    if not user_may_publish(user=acting_user, business=business):
        raise PublishError(PUBLISH_NEEDS_PERMISSION, code="permission_denied")
    if connection_active(business=business) is None:
        connection = XeroConnection.objects.filter(business=business).first()
        if connection is not None and connection.needs_reconnect:
            raise PublishError(catalogue.problem("reconnect_required").message, code="reconnect_required")
        raise PublishError("Connect Xero first: publishing sends items to your connected Xero organisation.",
                           code="not_connected")
    queued, skipped = [], {}
    with transaction.atomic():
        locked = list(
            Item.objects.select_for_update().filter(business=business, pk__in=[i.pk for i in items]).order_by("pk")
        )
        existing = {p.item_id: p for p in Publication.objects.select_for_update().filter(item__in=locked)}
        for item in locked:
            if item.status not in PUBLISHABLE:
                skipped[item.pk] = f"it is {item.get_status_display().lower()}"
                continue
            publication = existing.get(item.pk) or Publication(business=business, item=item, item_version=item.version)
            _requeue(publication, item=item, acting_user=acting_user, auto=auto)
            item.status = ItemStatus.QUEUED
            item.save(update_fields=["status", "updated"])
            item_history(item, acting_user, "Queued for publishing" + (" by its supplier rule" if auto else ""))
            queued.append(publication.pk)
        if queued:
            ids = list(queued)
            if len(ids) == 1:
                transaction.on_commit(lambda: tasks.publish_item.delay(ids[0]))
            else:
                # One batch at a time, each queuing the next once its documents exist:
                # while a batch is being prepared, the items of the one before are
                # attaching their files, instead of every batch first (see batches.py).
                chunks = [ids[start:start + BATCH_SIZE] for start in range(0, len(ids), BATCH_SIZE)]
                transaction.on_commit(lambda: tasks.publish_batch.delay(chunks[0], chunks[1:]))
    return PublishRequestResult(queued=queued, skipped=skipped)


def _requeue(publication: Publication, *, item: Item, acting_user, auto: bool) -> None:
    if not publication.xero_id and publication.item_version != item.version:
        # The item changed since the last try and nothing exists in Xero yet: publish the
        # new version under its own key. (An unknown earlier create is still looked up.)
        publication.item_version = item.version
        publication.create_key = ""
    publication_mark_queued(publication, acting_user=acting_user, auto=auto)
    publication.save()


def publication_mark_queued(publication: Publication, *, acting_user, auto: bool = False) -> None:
    """Queued afresh for ``acting_user`` (not saved; its task is sent after commit): no
    lease until a worker claims it, its attempts and last error forgotten."""
    publication.state = PublicationState.QUEUED
    publication.requested_by = acting_user if getattr(acting_user, "is_authenticated", False) else None
    publication.auto = auto
    publication.queued_at = publication.message_queued_at = timezone.now()
    publication.lease_expires_at = None
    publication.attempts = 0
    publication.attachment_attempts = 0
    publication.error_code = publication.error_message = publication.error_fix_url = publication.error_fix_label = ""


def attachment_retry(*, item: Item, acting_user) -> Publication:
    """Try attaching the document again for an item whose document exists in Xero."""
    from publishing import tasks

    if not user_may_publish(user=acting_user, business=item.business):
        raise PublishError(PUBLISH_NEEDS_PERMISSION, code="permission_denied")
    with transaction.atomic():
        publication = Publication.objects.select_for_update().filter(item=item, business=item.business).first()
        if publication is None or not publication.xero_id or publication.attachment_xero_id:
            raise PublishError("There is no attachment waiting to be retried for this item.", code="nothing_to_retry")
        publication.state = PublicationState.QUEUED
        publication.lease_expires_at = None
        publication.message_queued_at = timezone.now()
        publication.attempts = 0
        publication.attachment_attempts = 0
        publication.error_code = publication.error_message = ""
        publication.save()
        item_history(item, acting_user, "Attachment retry requested")
        transaction.on_commit(lambda: tasks.publish_item.delay(publication.pk))
    return publication


def publications_resume_after_reconnect(*, business) -> list[int]:
    """Publish again the items that failed only because the connection needed reconnecting
    (or lacked a permission Xero grants at a reconnect).

    Each is published again on behalf of whoever asked for it the first time (the rule's
    author for automatic publishes), and only if that person may still publish; the
    others stay Failed with a note in their history."""
    publications = list(
        Publication.objects.filter(
            business=business,
            state=PublicationState.FAILED,
            error_code__in=RESUMED_AFTER_RECONNECT,
            item__status=ItemStatus.FAILED,
        ).select_related("item", "requested_by")
    )
    by_requester: dict = {}
    for publication in publications:
        by_requester.setdefault(publication.requested_by, []).append(publication)
    queued: list[int] = []
    for requester, waiting in by_requester.items():
        items = [publication.item for publication in waiting]
        if not user_may_publish(user=requester, business=business):
            who = requester.email if requester is not None else "nobody who asked for it"
            for item in items:
                item_history(item, None, f"Not published again after reconnecting: {who} may no longer publish to Xero.")
            continue
        auto = all(publication.auto for publication in waiting)
        queued += publish_request(business=business, items=items, acting_user=requester, auto=auto).queued
    return queued


def publishing_on_connected(*, connection: XeroConnection, kind: str, acting_user) -> None:
    """After a connect (``dext/hooks.py``): a connection renewed with the same organisation
    (Reconnect, or Connect again after a disconnect) resumes what the broken connection
    paused; another organisation's documents are not this one's."""
    if kind != EventKind.ORGANISATION_CHANGED:
        publications_resume_after_reconnect(business=connection.business)


def item_auto_publish(*, item_id: int) -> bool:
    """Publish an item that just became Ready if its contact's rule says Always, with the
    permission of the rule's author, checked again now (they may have lost it since)."""
    from items.models import AutoPublish, ContactRule

    item = Item.objects.select_related("business", "contact").filter(pk=item_id).first()
    if item is None or item.status != ItemStatus.READY or item.contact_id is None:
        return False
    rule = (
        ContactRule.objects.select_related("auto_publish_by")
        .filter(business=item.business, contact_id=item.contact_id)
        .first()
    )
    if rule is None or rule.auto_publish != AutoPublish.ALWAYS:
        return False
    author = rule.auto_publish_by
    if not user_may_publish(user=author, business=item.business):
        who = author.email if author is not None else "nobody who may publish"
        item_history(
            item, None,
            f"Not published automatically: the rule for {item.contact} was last saved by {who}, who may not "
            "publish to Xero. The rule is paused until someone who may publish saves it again.",
        )
        return False
    if connection_active(business=item.business) is None:
        return False
    return bool(publish_request(business=item.business, items=[item], acting_user=author, auto=True).queued)
