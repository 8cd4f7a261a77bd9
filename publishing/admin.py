"""Support staff: every publication and the raw request/response of each call (no tokens)."""

from django.contrib import admin

from publishing.models import Publication, PublishAttempt, StatusPoll


class PublishAttemptInline(admin.TabularInline):
    model = PublishAttempt
    extra = 0
    can_delete = False
    fields = ("started", "step", "outcome", "http_status", "error_code", "idempotency_key", "task_id")
    readonly_fields = fields
    max_num = 0


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ("item", "business", "state", "xero_type", "xero_status", "error_code", "attempts", "updated")
    list_filter = ("state", "xero_type", "xero_status", "error_code")
    search_fields = ("business__name", "xero_id", "xero_number", "item__reference")
    readonly_fields = [f.name for f in Publication._meta.fields]
    inlines = [PublishAttemptInline]

    def has_add_permission(self, request):
        return False


@admin.register(PublishAttempt)
class PublishAttemptAdmin(admin.ModelAdmin):
    list_display = ("started", "business", "publication", "step", "outcome", "http_status", "error_code")
    list_filter = ("step", "outcome")
    search_fields = ("business__name", "idempotency_key", "task_id")
    readonly_fields = [f.name for f in PublishAttempt._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(StatusPoll)
class StatusPollAdmin(admin.ModelAdmin):
    """How far the status poll of each connection has read Xero's changes."""

    list_display = ("connection", "business", "tenant_id", "polled_at")
    readonly_fields = [f.name for f in StatusPoll._meta.fields]

    def has_add_permission(self, request):
        return False
