"""Support staff's read-mostly view of items; changes go through the product's pages."""

from django.contrib import admin

from items.models import ContactRule, Document, Item, ItemHistory, ItemLine, ItemSettings


class ItemLineInline(admin.TabularInline):
    model = ItemLine
    extra = 0
    fields = ("position", "description", "category", "tax_rate", "net", "tax_amount", "total")
    raw_id_fields = ("category", "tax_rate")


class ItemHistoryInline(admin.TabularInline):
    model = ItemHistory
    extra = 0
    fields = ("created", "user", "action", "changes", "message")
    readonly_fields = fields
    can_delete = False


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ("id", "business", "status", "item_type", "document_type", "contact", "reference", "total", "created")
    list_filter = ("status", "item_type", "document_type")
    search_fields = ("reference", "contact__name", "document__original_name")
    list_select_related = ("business", "contact")
    raw_id_fields = (
        "business",
        "document",
        "contact",
        "category",
        "tax_rate",
        "payment_method",
        "tracking_option_1",
        "tracking_option_2",
        "duplicate_of",
        "submitted_by",
    )
    readonly_fields = ("review_issues", "manual_fields", "version", "created", "updated")
    inlines = [ItemLineInline, ItemHistoryInline]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ("id", "business", "original_name", "content_type", "size", "created")
    search_fields = ("original_name", "sha256")
    readonly_fields = ("storage_name", "thumbnail_name", "sha256", "size", "content_type", "created")
    raw_id_fields = ("business", "uploaded_by")


@admin.register(ContactRule)
class ContactRuleAdmin(admin.ModelAdmin):
    list_display = ("contact", "business", "category", "tax_rate", "publish_destination", "auto_publish")
    list_select_related = ("contact", "business", "category", "tax_rate")
    # Auto-publish is turned on by someone who may publish, in the product, where it is
    # checked; support staff see it but can't switch it on for a customer.
    readonly_fields = ("auto_publish", "auto_publish_by")
    raw_id_fields = ("business", "contact", "category", "tax_rate", "payment_method", "tracking_option_1", "tracking_option_2")


@admin.register(ItemSettings)
class ItemSettingsAdmin(admin.ModelAdmin):
    list_display = ("business", "tax_calculation", "default_category", "default_tax_rate")
    raw_id_fields = ("business", "default_category", "default_tax_rate")
