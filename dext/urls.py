from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from connections.views import xero_webhook
from dext.accounts.views import ThrottledPasswordResetView, business_security
from dext.tenancy import views as tenancy_views
from dext.tenancy.forms import ForgottenPasswordForm

urlpatterns = [
    path("", tenancy_views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/signup/", tenancy_views.signup, name="signup"),
    path("accounts/two-factor/", include("dext.accounts.urls")),
    # Password reset doubles as "set your password" for invited members (same signed link).
    path(
        "accounts/password-reset/",
        ThrottledPasswordResetView.as_view(form_class=ForgottenPasswordForm),
        name="password_reset",
    ),
    path("accounts/password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            post_reset_login=True, post_reset_login_backend="dext.tenancy.auth.EmailBackend"
        ),
        name="password_reset_confirm",
    ),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("business/", include("dext.tenancy.urls")),
    path("settings/connections/", include("connections.urls")),
    # Xero's webhook deliveries (signed, no login); see connections/webhooks.py.
    path("webhooks/xero/", xero_webhook, name="xero_webhook"),
    path("settings/team/", include("dext.tenancy.team_urls")),
    path("settings/security/", business_security, name="business_security"),
    path("lists/", include("lists.urls")),
    path("inbox/", include("items.urls")),
    path("capture/", include("capture.urls")),
    path("publishing/", include("publishing.urls")),
    path("clients/", include("practice.urls")),
    path("admin/", admin.site.urls),
]

if settings.XERO_SANDBOX:
    urlpatterns.append(path("xero-sandbox/", include("xero_sandbox.urls")))

handler403 = "dext.tenancy.permissions.forbidden_handler"
