"""The support admin at /admin/: Django's admin, open only to staff whose session was
verified with two-factor authentication, and signed in through dext's own login (so
login throttling and the two-factor step apply there too)."""

from urllib.parse import urlencode

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.shortcuts import redirect
from django.urls import reverse


class SupportAdminSite(AdminSite):
    site_header = "dext support"
    site_title = "dext support"

    def has_permission(self, request):
        return super().has_permission(request) and request.user.is_verified()

    def login(self, request, extra_context=None):
        target = request.GET.get("next") or reverse("admin:index")
        return redirect(f"{reverse('login')}?{urlencode({'next': target})}")


class SupportAdminConfig(AdminConfig):
    default_site = "dext.accounts.admin_site.SupportAdminSite"
