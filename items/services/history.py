"""History rows: who changed what on an item, as display strings that outlive list changes."""

from items.models import Item, ItemHistory


def display_value(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def field_label(field: str) -> str:
    return str(Item._meta.get_field(field).verbose_name).capitalize()


def history_row(*, item: Item, user, action: str, changes: dict | None = None, message: str = "") -> ItemHistory:
    """An unsaved row, so callers can save one or bulk-create many."""
    return ItemHistory(
        business_id=item.business_id,
        item=item,
        user=user if user is not None and user.is_authenticated else None,
        action=action,
        changes=changes or {},
        message=message[:500],
    )


def history_record(*, item: Item, user, action: str, changes: dict | None = None, message: str = "") -> ItemHistory:
    row = history_row(item=item, user=user, action=action, changes=changes, message=message)
    row.save()
    return row
