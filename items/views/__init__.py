"""Thin views: parse input, fetch through a business-scoped selector, call a service, render."""

from items.views.details import (
    contact_search,
    document,
    document_page,
    document_thumbnail,
    item_archive,
    item_create_rule,
    item_detail,
    item_keep_both,
    item_row,
    item_unarchive,
)
from items.views.inbox import (
    archive,
    bulk,
    inbox,
    publish_progress,
    upload,
)
from items.views.rules import (
    contact_rule,
    contact_rule_apply,
    rule_list,
    tax_settings,
)

__all__ = [
    "archive",
    "bulk",
    "contact_rule",
    "contact_rule_apply",
    "contact_search",
    "document",
    "document_page",
    "document_thumbnail",
    "inbox",
    "item_archive",
    "item_create_rule",
    "item_detail",
    "item_keep_both",
    "item_row",
    "item_unarchive",
    "publish_progress",
    "rule_list",
    "tax_settings",
    "upload",
]
