"""Read-only admin for support staff: what was synced from Xero and how each refresh went.

Nothing here edits list rows: they come from Xero and are written only by the refresh job.
"""

from django.contrib import admin

from lists.models import (
    Category,
    Contact,
    Currency,
    ListRefresh,
    ListSyncState,
    PaymentMethod,
    TaxRate,
    TrackingCategory,
    TrackingOption,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    list_select_related = ("business",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ListRefresh)
class ListRefreshAdmin(ReadOnlyAdmin):
    list_display = ("pk", "business", "status", "reason", "is_incremental", "xero_calls", "created_at", "finished_at", "error_code")
    list_filter = ("status", "reason", "error_code")
    search_fields = ("business__name", "error_message")
    date_hierarchy = "created_at"


@admin.register(ListSyncState)
class ListSyncStateAdmin(ReadOnlyAdmin):
    list_display = ("business", "organisation_name", "contacts_modified_since", "contacts_full_fetch_at", "accounts_refreshed_at")
    search_fields = ("business__name", "organisation_name")


class SyncedRecordAdmin(ReadOnlyAdmin):
    list_filter = ("status",)
    search_fields = ("business__name", "xero_id", "name")


@admin.register(Category)
class CategoryAdmin(SyncedRecordAdmin):
    list_display = ("code", "name", "type", "business", "status", "is_bank", "is_system", "xero_updated_at")
    list_filter = ("status", "type", "is_bank", "is_system")


@admin.register(Contact)
class ContactAdmin(SyncedRecordAdmin):
    list_display = ("name", "business", "is_supplier", "is_customer", "status", "xero_updated_at")
    list_filter = ("status", "is_supplier", "is_customer")


@admin.register(TrackingCategory)
class TrackingCategoryAdmin(SyncedRecordAdmin):
    list_display = ("name", "business", "status")


@admin.register(TrackingOption)
class TrackingOptionAdmin(SyncedRecordAdmin):
    list_display = ("name", "category", "business", "status")
    list_select_related = ("business", "category")


@admin.register(PaymentMethod)
class PaymentMethodAdmin(SyncedRecordAdmin):
    list_display = ("name", "code", "kind", "business", "status")
    list_filter = ("status", "kind")


@admin.register(TaxRate)
class TaxRateAdmin(SyncedRecordAdmin):
    list_display = ("name", "xero_id", "effective_rate", "business", "status")


@admin.register(Currency)
class CurrencyAdmin(SyncedRecordAdmin):
    list_display = ("xero_id", "description", "business", "status")
    search_fields = ("business__name", "xero_id", "description")
