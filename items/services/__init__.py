"""Every write to items goes through these services (HackSoft style: ``<entity>_<action>``)."""

from items.services.bulk import BULK_ACTIONS, CONFIRM_ACTIONS, BulkResult, items_bulk_action
from items.services.items import (
    ItemError,
    ItemInvalid,
    item_apply_read,
    item_apply_rule,
    item_archive,
    item_keep_both,
    item_read_again,
    item_unarchive,
    item_update,
    items_delete,
)
from items.services.rules import (
    contact_rule_apply_to_inbox,
    contact_rule_from_item,
    contact_rule_save,
    item_settings_update,
)
from items.services.uploads import UploadResult, documents_upload

__all__ = [
    "BULK_ACTIONS",
    "CONFIRM_ACTIONS",
    "BulkResult",
    "ItemError",
    "ItemInvalid",
    "UploadResult",
    "contact_rule_apply_to_inbox",
    "contact_rule_from_item",
    "contact_rule_save",
    "documents_upload",
    "item_apply_read",
    "item_apply_rule",
    "item_archive",
    "item_keep_both",
    "item_read_again",
    "item_settings_update",
    "item_unarchive",
    "item_update",
    "items_bulk_action",
    "items_delete",
]
