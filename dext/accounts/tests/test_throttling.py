"""Guessing passwords, flooding password-reset emails and mass sign-ups are throttled by
account and by address, with a clear message and a log line; support staff unlock."""

import logging

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client
from django.urls import reverse

from dext.accounts.models import ThrottleEvent
from dext.tenancy.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOCKED = "Too many failed attempts to log in"


@pytest.fixture
def victim():
    return UserFactory(email="owner@example.com")


def _login(client, email, password, address="203.0.113.7"):
    return client.post(reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=address)


def test_wrong_passwords_lock_the_account_and_then_the_right_one_is_refused_too(client, victim, settings, caplog):
    caplog.set_level(logging.WARNING)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "owner@example.com", "guess").status_code == 200
    assert _login(client, "owner@example.com", "guess").status_code == 429  # the limit: locked

    answer = _login(client, "Owner@Example.com", PASSWORD)  # the right password, any case

    assert answer.status_code == 429
    assert LOCKED in answer.content.decode()
    assert "_auth_user_id" not in client.session
    assert any("Locking out" in r.getMessage() and "owner@example.com" in r.getMessage() for r in caplog.records)


def test_the_account_stays_locked_from_another_address(client, victim, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "owner@example.com", "guess", address="203.0.113.7")

    assert _login(client, "owner@example.com", PASSWORD, address="198.51.100.9").status_code == 429


def test_an_address_guessing_many_accounts_is_locked_out(client, victim, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, f"someone{n}@example.com", "guess")

    assert _login(client, "owner@example.com", PASSWORD).status_code == 429


def test_a_spoofed_forwarded_for_header_does_not_escape_the_lockout(client, victim, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": f"x{n}@example.com", "password": "guess"},
                    REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")

    assert _login(client, "owner@example.com", PASSWORD).status_code == 429


def test_support_staff_unlock_an_account_in_the_admin(client, victim, support_user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "owner@example.com", "guess")
    staff = Client()
    staff.force_login(support_user)
    attempts = AccessAttempt.objects.filter(username="owner@example.com")
    assert attempts.exists()

    page = staff.get(reverse("admin:axes_accessattempt_changelist"))
    assert page.status_code == 200
    staff.post(reverse("admin:axes_accessattempt_changelist"),
               {"action": "delete_selected", "_selected_action": [a.pk for a in AccessAttempt.objects.all()], "post": "yes"})

    assert not AccessAttempt.objects.exists()
    assert _login(client, "owner@example.com", PASSWORD).status_code == 302


def test_logging_in_to_another_account_does_not_clear_the_count(client, victim, settings):
    UserFactory(email="attacker@example.com")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "owner@example.com", "guess")
    assert _login(client, "attacker@example.com", PASSWORD).status_code == 302
    client.logout()

    assert _login(client, "owner@example.com", "guess").status_code == 429
    assert _login(client, "owner@example.com", PASSWORD).status_code == 429


def _reset(client, email, address="203.0.113.7"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def test_password_reset_emails_for_one_account_are_throttled(client, victim, settings, caplog):
    limit = settings.SIGN_IN_THROTTLES["password_reset"]["per_account"]
    for n in range(limit):
        assert _reset(client, "owner@example.com", address=f"198.51.100.{n}").status_code == 302

    refused = _reset(client, "OWNER@example.com", address="198.51.100.200")

    assert refused.status_code == 429
    assert "Too many password reset requests" in refused.content.decode()
    assert len(mail.outbox) == limit
    assert any("Throttled password_reset by account" in r.getMessage() for r in caplog.records)


def test_password_resets_from_one_address_are_throttled(client, settings):
    limit = settings.SIGN_IN_THROTTLES["password_reset"]["per_address"]
    for n in range(limit):
        _reset(client, f"person{n}@example.com")

    assert _reset(client, "another@example.com").status_code == 429


def test_support_staff_can_clear_a_reset_throttle(client, victim, settings):
    for _ in range(settings.SIGN_IN_THROTTLES["password_reset"]["per_account"]):
        _reset(client, "owner@example.com")
    assert _reset(client, "owner@example.com").status_code == 429

    ThrottleEvent.objects.filter(key="owner@example.com").delete()  # the admin's delete

    assert _reset(client, "owner@example.com").status_code == 302


def _signup(client, n, address="203.0.113.7"):
    return client.post(
        reverse("signup"),
        {"email": f"new{n}@example.com", "password": "a-long-unusual-passphrase", "business_name": f"Shop {n}",
         "country": "GB", "base_currency": "GBP"},
        REMOTE_ADDR=address,
    )


def test_sign_ups_from_one_address_are_throttled(client, settings):
    limit = settings.SIGN_IN_THROTTLES["signup"]["per_address"]
    for n in range(limit):
        assert _signup(client, n).status_code == 302
        client.logout()

    refused = _signup(client, 999)

    assert refused.status_code == 429
    assert "Too many sign-up requests" in refused.content.decode()
