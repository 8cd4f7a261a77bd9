from io import StringIO

import pytest
from django.core.management import call_command

from dext.tenancy.models import Business, Membership, Role
from dext.tenancy.selectors import user_by_email

pytestmark = pytest.mark.django_db


def _seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def _memberships():
    return sorted(Membership.objects.values_list("user__email", "business__name", "role"))


def test_seed_demo_creates_the_demo_businesses_and_logins(client, settings):
    settings.XERO_SANDBOX = False  # the sandbox plug-in is tested by the sandbox app
    output = _seed()

    assert {(b.name, b.country, b.base_currency) for b in Business.objects.all()} == {
        ("Demo Bakery Ltd", "GB", "GBP"),
        ("Harbour Cafe Pty", "AU", "AUD"),
    }
    assert _memberships() == [
        ("admin@example.com", "Demo Bakery Ltd", Role.ADMINISTRATOR),
        ("admin@example.com", "Harbour Cafe Pty", Role.ADMINISTRATOR),
        ("staff@example.com", "Demo Bakery Ltd", Role.STANDARD),
    ]
    assert "admin@example.com / demo-password" in output
    assert "staff@example.com / demo-password" in output
    assert client.login(username="admin@example.com", password="demo-password")
    assert user_by_email(email="support@example.com").is_staff


def test_seed_demo_is_idempotent_and_takes_a_password(client, settings):
    settings.XERO_SANDBOX = False
    _seed()
    before = _memberships()

    output = _seed("--password", "another-secret-1")

    assert _memberships() == before
    assert Business.objects.count() == 2
    assert "staff@example.com / another-secret-1" in output
    assert client.login(username="staff@example.com", password="another-secret-1")


def test_seed_demo_skips_the_sandbox_when_it_is_off(settings):
    settings.XERO_SANDBOX = False
    assert "Xero sandbox: skipped: the Xero sandbox is off" in _seed()
