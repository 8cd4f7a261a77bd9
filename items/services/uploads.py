"""Uploading documents to the Inbox: each accepted file becomes a new item.

The request only checks and stores the file: the item starts *Processing*, and once the
row is committed the apps that read documents are told (``dext.hooks``), so the capture
worker draws its thumbnail and reads it into the item's fields."""

import logging
from dataclasses import dataclass, field

from django.db import transaction

from dext import hooks
from items import documents
from items.models import Document, Item, ItemHistory, ItemStatus
from items.review import describe_other
from items.services.history import history_record
from items.services.items import apply_automatic_values, evaluate, item_settings_for

logger = logging.getLogger(__name__)


@dataclass
class UploadResult:
    items: list[Item] = field(default_factory=list)
    # (file name, reason) for every file refused.
    rejected: list[tuple[str, str]] = field(default_factory=list)


def documents_upload(*, business, files, acting_user) -> UploadResult:
    """Store each acceptable file and create its item; refuse the others one by one."""
    result = UploadResult()
    for uploaded in files:
        name = (uploaded.name or "unnamed file")[:255]
        try:
            content, content_type = documents.read_checked(uploaded)
        except documents.DocumentRejected as rejection:
            result.rejected.append((name, rejection.reason))
            continue
        stored = documents.store(business_id=business.id, content=content, content_type=content_type)
        try:
            result.items.append(
                _item_create(business=business, stored=stored, original_name=name, acting_user=acting_user)
            )
        except Exception:
            # The row was not written: don't leave an orphan file behind.
            documents.remove(stored.storage_name)
            logger.exception("Saving uploaded document %s failed", name)
            result.rejected.append((name, "it could not be saved; please try again."))
    return result


@transaction.atomic
def _item_create(*, business, stored: documents.StoredFile, original_name: str, acting_user) -> Item:
    document = Document(
        business=business,
        storage_name=stored.storage_name,
        original_name=original_name,
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
        uploaded_by=acting_user,
    )
    document.full_clean()
    document.save()
    item = Item(business=business, document=document, submitted_by=acting_user, status=ItemStatus.PROCESSING)
    apply_automatic_values(item=item, rule=None, item_settings=item_settings_for(business.id))
    item.save()
    evaluate(item=item, lines=[])
    item.save()
    history_record(item=item, user=acting_user, action=ItemHistory.Action.UPLOADED, message=original_name)
    if item.duplicate_of_id:
        history_record(
            item=item,
            user=acting_user,
            action=ItemHistory.Action.DUPLICATE_FLAGGED,
            message=f"The same file as {describe_other(item.duplicate_of)}.",
        )
    item_id = item.pk
    # robust: if queueing fails the upload still succeeds; the item stays Processing and
    # capture's sweeper queues it again.
    transaction.on_commit(lambda: hooks.announce(hooks.DOCUMENTS_RECEIVED, item_ids=[item_id]), robust=True)
    return item
