"""Two-factor authentication (django-otp): an authenticator app (TOTP) plus single-use
recovery codes.

Who must use it: support staff (``is_staff``) always, and members of a business whose
administrator made it mandatory. Anyone may turn it on for themselves; once on, every
sign-in asks for a code. Enforced by :class:`dext.accounts.middleware.TwoFactorMiddleware`.
"""

import base64

import segno
from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from dext.errors import ApplicationError
from dext.tenancy.models import Business, Membership

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


class TwoFactorError(ApplicationError):
    code = "two_factor"


class WrongCode(TwoFactorError):
    code = "wrong_code"
    user_message = "That code didn't work. Check your authenticator app and enter the 6-digit code it shows now."


class TwoFactorRequired(TwoFactorError):
    code = "two_factor_required"
    user_message = (
        "Two-factor authentication can't be turned off for your account: support staff and "
        "members of a business that requires it must use it."
    )


class SetUpYoursFirst(TwoFactorError):
    code = "set_up_yours_first"
    user_message = (
        "Set up two-factor authentication for your own account first, so you aren't locked out "
        "when it becomes required."
    )


# --- who must use it --------------------------------------------------------------------
def two_factor_enabled(*, user) -> bool:
    return user_has_device(user, confirmed=True)


def two_factor_required(*, user, business: Business | None = None) -> bool:
    """Whether ``user`` may do nothing (in ``business``) before signing in with a code."""
    return bool(user.is_staff or (business is not None and business.require_two_factor))


def two_factor_required_anywhere(*, user) -> bool:
    return user.is_staff or Membership.objects.filter(user=user, business__require_two_factor=True).exists()


# --- enrolment ---------------------------------------------------------------------------
def enrolment_device(*, user) -> TOTPDevice:
    """The unconfirmed authenticator-app device being set up (made once, then reused, so
    reloading the page keeps the same QR code)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def enrolment_secret(device: TOTPDevice) -> str:
    """The key in base32, grouped in fours, for typing into an app by hand."""
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def enrolment_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// link as an inline SVG QR code (no image request, no inline style)."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=4, omitsize=True, title="QR code to scan with your authenticator app", dark="#000", light="#fff"
    )


@transaction.atomic
def enrolment_confirm(*, user, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the app with a code it shows; replace any earlier app and recovery codes.
    Returns the new recovery codes (shown once, never again)."""
    if device.user_id != user.pk or device.confirmed or not device.verify_token(_digits(code, device)):
        raise WrongCode()
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return recovery_codes_replace(user=user)


@transaction.atomic
def recovery_codes_replace(*, user) -> list[str]:
    """A new set of single-use recovery codes; earlier ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(*, user) -> int:
    return StaticToken.objects.filter(device__user=user).count()


# --- sign-in -----------------------------------------------------------------------------
def code_verify(*, user, code: str):
    """The device that accepts ``code`` (an app's 6 digits, or a recovery code, which is
    then spent); django-otp slows down repeated wrong codes per device."""
    code = code.strip().replace(" ", "").lower()
    for device in devices_for_user(user, confirmed=True, for_verify=True):
        candidate = _digits(code, device) if isinstance(device, TOTPDevice) else code
        if candidate and device.verify_token(candidate):
            return device
    raise WrongCode("That code didn't work. Enter the 6-digit code from your authenticator app, or one of your recovery codes.")


def _digits(code: str, device: TOTPDevice) -> str:
    digits = "".join(ch for ch in code if ch.isascii() and ch.isdigit())
    return digits if len(digits) == device.digits else ""


# --- turning it off, and the business setting ------------------------------------------------
@transaction.atomic
def two_factor_disable(*, user) -> None:
    if two_factor_required_anywhere(user=user):
        raise TwoFactorRequired()
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


@transaction.atomic
def business_two_factor_require(*, business: Business, required: bool, acting_user, acting_user_verified: bool) -> Business:
    """An administrator makes two-factor mandatory (or optional) for everyone in ``business``."""
    if required and not (acting_user_verified and two_factor_enabled(user=acting_user)):
        raise SetUpYoursFirst()
    business.require_two_factor = required
    business.full_clean()
    business.save(update_fields=["require_two_factor"])
    return business
