"""Sign-in pages that dext adds to Django's: password reset with a throttle, and two-factor."""

import logging
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from dext.accounts import two_factor
from dext.accounts.forms import BusinessSecurityForm, CodeForm, EnrolmentCodeForm
from dext.accounts.middleware import remember_enrolment
from dext.accounts.throttle import Throttled, throttle_hit
from dext.tenancy.permissions import business_admin_required

logger = logging.getLogger(__name__)


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Django's "forgot password", refused (HTTP 429, a clear message) past the limits
    per email address and per client address, so it can't be used to flood an inbox."""

    def form_valid(self, form):
        try:
            throttle_hit(scope="password_reset", request=self.request, account=form.cleaned_data["email"],
                         what="password reset")
        except Throttled as error:
            form.add_error(None, error.user_message)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


# --- two-factor ---------------------------------------------------------------------------
RECOVERY_CODES_SESSION_KEY = "two_factor_new_recovery_codes"


def _next_url(request, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return default
    return target


def _show_recovery_codes(request, codes: list[str], next_url: str):
    """Recovery codes go through the session to a page that shows them exactly once."""
    request.session[RECOVERY_CODES_SESSION_KEY] = {"codes": codes, "next": next_url}
    return redirect("two_factor:recovery_codes")


@login_required
def two_factor_verify(request):
    """The second step of signing in: a code from the app, or a recovery code."""
    if request.user.is_verified() or not remember_enrolment(request):
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = two_factor.code_verify(user=request.user, code=form.cleaned_data["code"])
        except two_factor.WrongCode as error:
            logger.warning("Two-factor code refused for user %s", request.user.pk)
            form.add_error("code", error.user_message)
        else:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                messages.warning(
                    request,
                    f"You signed in with a recovery code; {two_factor.recovery_codes_left(user=request.user)} are left. "
                    "Make new ones on the Two-factor authentication page if you are running low.",
                )
            return redirect(_next_url(request))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)},
                  status=400 if form.errors else 200)


@login_required
def two_factor_setup(request):
    """Turn on two-factor: scan the QR code (or type the key), confirm with a code."""
    if two_factor.two_factor_enabled(user=request.user) and not request.user.is_verified():
        return redirect(f"{reverse('two_factor:verify')}?{urlencode({'next': _next_url(request)})}")
    device = two_factor.enrolment_device(user=request.user)
    form = EnrolmentCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.enrolment_confirm(user=request.user, device=device, code=form.cleaned_data["code"])
        except two_factor.WrongCode as error:
            form.add_error("code", error.user_message)
        else:
            otp_login(request, device)
            remember_enrolment(request)
            logger.info("Two-factor authentication turned on for user %s", request.user.pk)
            return _show_recovery_codes(request, codes, _next_url(request, reverse("two_factor:index")))
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": mark_safe(two_factor.enrolment_qr_svg(device)),  # noqa: S308 - segno's own SVG markup
            "secret": two_factor.enrolment_secret(device),
            "required": two_factor.two_factor_required(user=request.user, business=request.business),
            "next": _next_url(request, ""),
        },
        status=400 if form.errors else 200,
    )


@login_required
def two_factor_recovery_codes(request):
    shown = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    if not shown:
        return redirect("two_factor:index")
    return render(request, "accounts/two_factor_recovery_codes.html", shown)


@login_required
def two_factor_index(request):
    """The person's own two-factor settings: status, new recovery codes, turn off."""
    user = request.user
    if request.method == "POST":
        if not user.is_verified():
            return redirect("two_factor:verify")
        action = request.POST.get("action")
        if action == "new_recovery_codes":
            return _show_recovery_codes(request, two_factor.recovery_codes_replace(user=user), reverse("two_factor:index"))
        if action == "disable":
            try:
                two_factor.two_factor_disable(user=user)
            except two_factor.TwoFactorRequired as error:
                messages.error(request, error.user_message)
            else:
                remember_enrolment(request)
                messages.success(request, "Two-factor authentication is off for your account.")
        return redirect("two_factor:index")
    return render(
        request,
        "accounts/two_factor_index.html",
        {
            "enabled": two_factor.two_factor_enabled(user=user),
            "required": two_factor.two_factor_required_anywhere(user=user),
            "recovery_codes_left": two_factor.recovery_codes_left(user=user),
        },
    )


@business_admin_required
def business_security(request):
    """Business Settings → Security: make two-factor mandatory for every member."""
    business = request.business
    form = BusinessSecurityForm(request.POST or None, initial={"require_two_factor": business.require_two_factor})
    if request.method == "POST" and form.is_valid():
        try:
            two_factor.business_two_factor_require(
                business=business,
                required=form.cleaned_data["require_two_factor"],
                acting_user=request.user,
                acting_user_verified=request.user.is_verified(),
            )
        except two_factor.SetUpYoursFirst as error:
            form.add_error(None, error.user_message)
        else:
            messages.success(request, "Security settings saved.")
            return redirect("business_security")
    return render(request, "accounts/business_security.html", {"form": form, "title": "Security"},
                  status=400 if form.errors else 200)
