"""Two-factor authentication: support staff must use it for the admin; an administrator
can make it mandatory for a business; recovery codes are shown once and work once."""

import base64
import re
import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp

from dext.accounts.testing import verify_with_new_device
from dext.tenancy.models import Role
from dext.tenancy.tests.factories import PASSWORD, BusinessFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _log_in(email: str) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def _code(key: bytes, *, step_ahead: int = 0) -> str:
    """What an authenticator app shows (a step ahead: each code is accepted only once)."""
    return f"{totp(key, drift=step_ahead):06d}"


def _enrol(client, next_url: str = "") -> tuple[bytes, list[str]]:
    """Set up the app from the key on the page, as a person typing it in would."""
    page = client.get(reverse("two_factor:setup"), {"next": next_url} if next_url else {}).content.decode()
    assert "<svg" in page  # the QR code
    key = base64.b32decode(re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", ""))
    done = client.post(reverse("two_factor:setup"), {"code": _code(key), "next": next_url})
    assert done.status_code == 302 and done["Location"] == reverse("two_factor:recovery_codes")
    shown = client.get(done["Location"]).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", shown)
    assert len(codes) == 10
    return key, codes


@pytest.fixture
def support():
    user = UserFactory(email="help@example.com")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def test_support_staff_without_two_factor_are_sent_to_set_it_up_before_the_admin(support):
    client = _log_in("help@example.com")

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor:setup"))
    assert client.get(reverse("admin:tenancy_business_changelist")).status_code == 302


def test_support_staff_enrol_then_use_the_admin(support):
    client = _log_in("help@example.com")

    _enrol(client, next_url=reverse("admin:index"))

    assert client.get(reverse("admin:index")).status_code == 200


def test_recovery_codes_are_shown_only_once(support):
    client = _log_in("help@example.com")
    _enrol(client)

    again = client.get(reverse("two_factor:recovery_codes"))

    assert again.status_code == 302
    assert again["Location"] == reverse("two_factor:index")


def test_every_later_sign_in_asks_for_a_code(support):
    key, _ = _enrol(_log_in("help@example.com"))
    client = _log_in("help@example.com")

    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("two_factor:verify"))
    wrong = client.post(reverse("two_factor:verify"), {"code": "000000", "next": "/admin/"})
    assert wrong.status_code == 400
    assert "That code didn" in wrong.content.decode()
    # django-otp slows guessing down: right after a wrong code even the right one waits
    # (1 s after one failure, doubling with each further one).
    too_soon = client.post(reverse("two_factor:verify"), {"code": _code(key, step_ahead=1), "next": "/admin/"})
    assert too_soon.status_code == 400
    time.sleep(1.1)
    right = client.post(reverse("two_factor:verify"), {"code": _code(key, step_ahead=1), "next": "/admin/"})
    assert right["Location"] == "/admin/"
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_admin_login_page_is_dexts_own_login(support):
    response = Client().get(reverse("admin:login"), {"next": "/admin/"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_recovery_code_works_once(support):
    _, codes = _enrol(_log_in("help@example.com"))

    first = _log_in("help@example.com")
    assert first.post(reverse("two_factor:verify"), {"code": codes[0].upper(), "next": "/admin/"})["Location"] == "/admin/"
    assert first.get(reverse("admin:index")).status_code == 200

    second = _log_in("help@example.com")
    refused = second.post(reverse("two_factor:verify"), {"code": codes[0], "next": "/admin/"})
    assert refused.status_code == 400
    assert second.get(reverse("admin:index")).status_code == 302


def test_support_staff_cannot_turn_two_factor_off(support):
    client = _log_in("help@example.com")
    _enrol(client)

    client.post(reverse("two_factor:index"), {"action": "disable"})

    page = client.get(reverse("two_factor:index")).content.decode()
    assert "can&#x27;t be turned off" in page or "can't be turned off" in page
    assert client.get(reverse("admin:index")).status_code == 200


# --- business setting (conftest: ``business`` with ``admin_user`` and ``standard_user``) -----
@pytest.fixture
def bakery(business):
    return business


@pytest.fixture
def owner(admin_user):
    return admin_user


@pytest.fixture
def member(standard_user):
    return standard_user


def test_an_administrator_must_have_two_factor_before_requiring_it(owner, bakery):
    client = _log_in("admin@example.com")

    refused = client.post(reverse("business_security"), {"require_two_factor": "on"})

    bakery.refresh_from_db()
    assert not bakery.require_two_factor
    assert refused.status_code == 400
    assert "Set up two-factor authentication for your own account first" in refused.content.decode()


def test_members_without_two_factor_must_set_it_up_once_the_business_requires_it(owner, member, bakery):
    owner_client = _log_in("admin@example.com")
    _enrol(owner_client)
    owner_client.post(reverse("business_security"), {"require_two_factor": "on"})
    bakery.refresh_from_db()
    assert bakery.require_two_factor

    client = _log_in("staff@example.com")
    blocked = client.get(reverse("items:inbox"))

    assert blocked.status_code == 302
    assert blocked["Location"].startswith(reverse("two_factor:setup"))
    assert "must use two-factor" in client.get(blocked["Location"]).content.decode()
    _enrol(client)
    assert client.get(reverse("items:inbox")).status_code == 200


def test_members_of_a_business_that_does_not_require_it_are_not_asked(member):
    client = _log_in("staff@example.com")

    assert client.get(reverse("items:inbox")).status_code == 200


def test_a_member_can_switch_to_a_business_that_does_not_require_it(member, bakery):
    bakery.require_two_factor = True
    bakery.save()
    cafe = BusinessFactory(name="Harbour Cafe Pty")
    MembershipFactory(user=member, business=cafe, role=Role.STANDARD)
    client = _log_in("staff@example.com")
    session = client.session
    session["current_business_id"] = bakery.pk
    session.save()
    assert client.get(reverse("items:inbox")).status_code == 302

    client.post(reverse("tenancy:switch"), {"business": cafe.pk, "next": "/inbox/"})

    assert client.get(reverse("items:inbox")).status_code == 200


def test_standard_users_cannot_change_the_business_setting(member, bakery):
    client = _log_in("staff@example.com")
    verify_with_new_device(client, member)

    assert client.post(reverse("business_security"), {"require_two_factor": "on"}).status_code == 403
    bakery.refresh_from_db()
    assert not bakery.require_two_factor


def test_anyone_may_turn_two_factor_on_and_off_when_not_required(member):
    client = _log_in("staff@example.com")
    _enrol(client)

    client.post(reverse("two_factor:index"), {"action": "disable"})

    assert "Set up two-factor authentication" in client.get(reverse("two_factor:index")).content.decode()
    assert _log_in("staff@example.com").get(reverse("items:inbox")).status_code == 200
