from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from dext.tenancy import views as tenancy_views

admin.site.site_header = "dext support"
admin.site.site_title = "dext support"

urlpatterns = [
    path("", tenancy_views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("business/", include("dext.tenancy.urls")),
    path("settings/connections/", include("connections.urls")),
    path("lists/", include("lists.urls")),
    path("inbox/", include("items.urls")),
    path("publishing/", include("publishing.urls")),
    path("admin/", admin.site.urls),
]

if settings.XERO_SANDBOX:
    urlpatterns.append(path("xero-sandbox/", include("xero_sandbox.urls")))

handler403 = "dext.tenancy.permissions.forbidden_handler"
