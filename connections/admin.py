"""Support staff see connections, their status and history, never tokens."""

from django.contrib import admin, messages

from connections import services
from connections.models import ConnectionEvent, OAuthAttempt, XeroConnection, XeroWebhookEvent
from dext.errors import ApplicationError
from lists import services as lists_services


class ConnectionEventInline(admin.TabularInline):
    model = ConnectionEvent
    extra = 0
    can_delete = False
    fields = ("created", "kind", "actor", "message")
    readonly_fields = fields
    ordering = ("-created",)
    max_num = 0


@admin.register(XeroConnection)
class XeroConnectionAdmin(admin.ModelAdmin):
    list_display = ("business", "tenant_name", "status", "connected_by", "connected_at", "last_used_at")
    list_filter = ("status",)
    search_fields = ("business__name", "tenant_name", "tenant_id")
    # Token fields are deliberately absent: they are never shown, not even encrypted.
    fields = (
        "business", "status", "status_reason", "tenant_name", "tenant_id", "tenant_type", "xero_connection_id",
        "xero_user_email", "scopes", "access_token_expires_at", "refresh_token_obtained_at", "connected_by",
        "connected_at", "last_used_at", "last_health_check_at", "disconnected_at",
    )
    readonly_fields = fields
    inlines = [ConnectionEventInline]
    actions = ["refresh_lists_now", "check_health"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Refresh lists now")
    def refresh_lists_now(self, request, queryset):
        started = 0
        for connection in queryset:
            try:
                lists_services.refresh_request(connection=connection, acting_user=request.user)
                started += 1
            except ApplicationError as exc:
                self.message_user(request, f"{connection}: {exc.user_message}", messages.WARNING)
        self.message_user(request, f"Started a lists refresh for {started} connection(s).")

    @admin.action(description="Check health")
    def check_health(self, request, queryset):
        for connection in queryset:
            connection = services.connection_health_check(connection=connection)
            self.message_user(request, f"{connection.business}: {connection.get_status_display()}")


@admin.register(ConnectionEvent)
class ConnectionEventAdmin(admin.ModelAdmin):
    list_display = ("created", "business", "kind", "tenant_name", "actor", "message")
    list_filter = ("kind",)
    search_fields = ("business__name", "tenant_name", "message")
    readonly_fields = ("created", "business", "connection", "kind", "actor", "message", "tenant_name")

    def has_add_permission(self, request):
        return False


@admin.register(OAuthAttempt)
class OAuthAttemptAdmin(admin.ModelAdmin):
    list_display = ("created", "business", "user", "purpose", "stage", "failure")
    list_filter = ("purpose", "stage")
    fields = ("created", "business", "user", "purpose", "stage", "failure", "tenants", "xero_user_email")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False


@admin.register(XeroWebhookEvent)
class XeroWebhookEventAdmin(admin.ModelAdmin):
    """What Xero's webhooks delivered, and what became of it (read only)."""

    list_display = ("received_at", "tenant_id", "category", "event_type", "resource_id", "outcome", "attempts", "error")
    list_filter = ("outcome", "category")
    search_fields = ("tenant_id", "resource_id")
    fields = (
        "received_at", "tenant_id", "tenant_type", "category", "event_type", "resource_id", "resource_url",
        "event_date", "data", "payload", "outcome", "attempts", "claimed_at", "processed_at", "error",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
