from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from dext.accounts.models import ThrottleEvent


@admin.register(ThrottleEvent)
class ThrottleEventAdmin(admin.ModelAdmin):
    """Password-reset and sign-up requests counted by the throttle. Deleting the rows for
    an email or an address unlocks it."""

    list_display = ("scope", "kind", "key", "created")
    list_filter = ("scope", "kind")
    search_fields = ("key",)
    readonly_fields = ("scope", "kind", "key", "created")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# Two-factor devices: support staff see who has two-factor and reset it (delete the
# devices) for someone who lost their phone and codes; they never see keys or codes.
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)


@admin.register(TOTPDevice, StaticDevice)
class TwoFactorDeviceAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "confirmed", "created_at", "last_used_at")
    list_filter = ("confirmed",)
    search_fields = ("user__email",)
    fields = ("user", "name", "confirmed", "created_at", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
