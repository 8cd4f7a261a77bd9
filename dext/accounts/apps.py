from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in


def _remember_enrolment(sender, request, user, **kwargs):
    # Each sign-in looks again at whether the user has two-factor (it may have been set
    # up in another session since), so later pages need not.
    from dext.accounts.middleware import ENROLLED_SESSION_KEY
    from dext.accounts.two_factor import two_factor_enabled

    if hasattr(request, "session"):
        request.session[ENROLLED_SESSION_KEY] = two_factor_enabled(user=user)


class AccountsConfig(AppConfig):
    name = "dext.accounts"
    label = "accounts"
    verbose_name = "Sign-in security"

    def ready(self):
        user_logged_in.connect(_remember_enrolment, dispatch_uid="dext.accounts.remember_enrolment")
