"""Test helpers: sign a test client's session in with two-factor, as the verify page would."""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice

_plain_force_login = Client.force_login


def verify_with_new_device(client, user) -> TOTPDevice:
    device = next(iter(devices_for_user(user)), None) or TOTPDevice.objects.create(
        user=user, name="Authenticator app", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def force_login_with_two_factor(client, user, backend=None):
    """``Client.force_login`` for tests: "signed in" means every factor, so support staff
    (who must use two-factor) arrive verified. Tests of the two-factor gate itself sign in
    through the login page instead."""
    _plain_force_login(client, user, backend)
    if user.is_staff:
        verify_with_new_device(client, user)
