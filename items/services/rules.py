"""Supplier and customer rules, and the business's tax & category settings."""

from django.db import transaction

from dext.tenancy.selectors import user_may_publish
from items.models import EDITABLE_STATUSES, AutoPublish, ContactRule, Item, ItemSettings
from items.services.items import ItemError, item_apply_rule

AUTO_PUBLISH_NEEDS_PERMISSION = (
    "Only an administrator or someone with the “can publish” permission can make a rule publish "
    "automatically. Set auto-publish to Never to save your other changes, or ask an administrator."
)

RULE_FIELDS = (
    "category",
    "tax_rate",
    "payment_method",
    "paid",
    "publish_destination",
    "tracking_option_1",
    "tracking_option_2",
    "description",
    "currency_code",
    "due_date_offset_days",
    "auto_publish",
)


@transaction.atomic
def contact_rule_save(*, business, contact, data: dict, acting_user) -> ContactRule:
    """Create or update the rule for ``contact``. It applies to items from now on."""
    if contact.business_id != business.id:
        raise ValueError("The contact belongs to another business.")
    rule = ContactRule.objects.select_for_update().filter(business=business, contact=contact).first()
    if rule is None:
        rule = ContactRule(business=business, contact=contact)
    for field in RULE_FIELDS:
        if field in data:
            setattr(rule, field, data[field])
    if rule.auto_publish == AutoPublish.ALWAYS:
        # Whoever saves a rule that publishes by itself vouches for what it publishes, so
        # only someone who may publish can; the items it publishes are theirs.
        if not user_may_publish(user=acting_user, business=business):
            raise ItemError(AUTO_PUBLISH_NEEDS_PERMISSION)
        rule.auto_publish_by = acting_user
    else:
        rule.auto_publish_by = None
    rule.full_clean()
    rule.save()
    return rule


@transaction.atomic
def contact_rule_from_item(*, item: Item, acting_user) -> ContactRule:
    """Remember this item's choices as the rule for its contact."""
    if item.contact_id is None:
        raise ValueError("The item has no supplier or customer.")
    data = {
        "category": item.category,
        "tax_rate": item.tax_rate,
        "payment_method": item.payment_method,
        "paid": item.paid,
        "publish_destination": item.publish_destination,
        "tracking_option_1": item.tracking_option_1,
        "tracking_option_2": item.tracking_option_2,
        "description": item.description,
        "currency_code": item.currency_code,
    }
    if item.date and item.due_date and item.due_date >= item.date:
        data["due_date_offset_days"] = (item.due_date - item.date).days
    return contact_rule_save(business=item.business, contact=item.contact, data=data, acting_user=acting_user)


def contact_rule_apply_to_inbox(*, rule: ContactRule, acting_user) -> int:
    """Apply the rule to the contact's items already in the Inbox; return how many changed."""
    items = Item.objects.filter(
        business_id=rule.business_id, contact_id=rule.contact_id, status__in=EDITABLE_STATUSES
    ).order_by("id")
    return sum(item_apply_rule(item=item, rule=rule, acting_user=acting_user) for item in items)


@transaction.atomic
def item_settings_update(*, business, tax_calculation: str, default_category, default_tax_rate, acting_user) -> ItemSettings:
    item_settings, _ = ItemSettings.objects.select_for_update().get_or_create(business=business)
    item_settings.tax_calculation = tax_calculation
    item_settings.default_category = default_category
    item_settings.default_tax_rate = default_tax_rate
    item_settings.full_clean()
    item_settings.save()
    return item_settings
