"""Django admin for support staff (staff users only, Django's default).

Membership changes made here go through the same services as the Team page, so the
"at least one administrator" rule holds for support staff too.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Count

from dext.errors import ApplicationError
from dext.tenancy import services
from dext.tenancy.models import Business, Membership, Role
from dext.tenancy.selectors import business_administrator_count


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("user", "business", "role", "can_publish", "created")
    readonly_fields = ("user", "business", "role", "can_publish", "created")
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        # Members are added on the Membership page, through the service.
        return False


@admin.register(Business)
class BusinessAdmin(admin.ModelAdmin):
    list_display = ("name", "country", "base_currency", "member_count", "created")
    list_filter = ("country", "base_currency", "created")
    search_fields = ("name", "memberships__user__email")
    readonly_fields = ("created",)
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_member_count=Count("memberships"))

    @admin.display(description="Members", ordering="_member_count")
    def member_count(self, obj):
        return obj._member_count


class MembershipAdminForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ("user", "business", "role", "can_publish")

    def clean(self):
        cleaned = super().clean()
        # Say so on the form rather than after "saved"; the service checks again under a lock.
        stored = self.instance
        if (
            stored.pk
            and stored.role == Role.ADMINISTRATOR
            and cleaned.get("role") != Role.ADMINISTRATOR
            and business_administrator_count(business=stored.business) <= 1
        ):
            raise forms.ValidationError(services.LastAdministrator.user_message)
        return cleaned


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    form = MembershipAdminForm
    list_display = ("user", "business", "role", "can_publish", "created")
    list_filter = ("role", "can_publish", "business__country")
    search_fields = ("user__email", "business__name")
    list_select_related = ("user", "business")
    autocomplete_fields = ("user", "business")
    readonly_fields = ("created",)
    actions = None

    def get_readonly_fields(self, request, obj=None):
        # Who and which business is fixed once created; only role and permission change.
        if obj is not None:
            return ("user", "business", "created")
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        try:
            if change:
                # The form has already copied the new role onto ``obj``; the service
                # must compare against the stored row to protect the last administrator.
                stored = Membership.objects.get(pk=obj.pk)
                services.membership_update(
                    membership=stored, role=obj.role, can_publish=obj.can_publish, acting_user=request.user
                )
            else:
                services.membership_ensure(
                    business=obj.business, user=obj.user, role=obj.role, can_publish=obj.can_publish
                )
        except ApplicationError as error:
            self.message_user(request, error.user_message, level=messages.ERROR)

    def delete_model(self, request, obj):
        try:
            services.membership_remove(membership=obj, acting_user=request.user)
        except ApplicationError as error:
            self.message_user(request, error.user_message, level=messages.ERROR)


User = get_user_model()


class DextUserAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, MembershipInline]
    list_filter = (*UserAdmin.list_filter, "memberships__role")


admin.site.unregister(User)
admin.site.register(User, DextUserAdmin)
