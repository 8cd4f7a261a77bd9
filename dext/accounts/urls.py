"""Two-factor authentication, mounted at /accounts/two-factor/."""

from django.urls import path

from dext.accounts import views

app_name = "two_factor"

urlpatterns = [
    path("", views.two_factor_index, name="index"),
    path("verify/", views.two_factor_verify, name="verify"),
    path("setup/", views.two_factor_setup, name="setup"),
    path("recovery-codes/", views.two_factor_recovery_codes, name="recovery_codes"),
]
