"""A signed-in user who belongs to no business (support staff, or someone removed from
their only business) never gets a 500: every product URL is walked with GET and POST."""

import uuid

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from dext.tenancy.models import Role
from dext.tenancy.tests.factories import BusinessFactory, MembershipFactory, UserFactory
from dext.testing.tenant_urls import product_urls

pytestmark = pytest.mark.django_db

PRODUCT_URLS = product_urls()
# Pages anyone signed in may open without a business.
OPEN_WITHOUT_BUSINESS = {"tenancy:no_business", "login", "logout", "signup", "password_reset",
                         "password_reset_done", "password_reset_confirm", "password_reset_complete",
                         "two_factor:index", "two_factor:verify", "two_factor:setup", "two_factor:recovery_codes"}


def _url(object_url) -> str:
    for value in (1, "x", str(uuid.uuid4())):
        try:
            return reverse(object_url.name, kwargs={kwarg: value for kwarg in object_url.kwargs})
        except NoReverseMatch:
            continue
    raise AssertionError(f"cannot build {object_url.name} ({object_url.route})")


@pytest.fixture
def removed_user(business):
    """Was a member of a business, then removed from it."""
    user = UserFactory(email="removed@example.com")
    MembershipFactory(user=user, business=BusinessFactory(), role=Role.STANDARD).delete()
    return user


def _walk(user, *, expected_redirect: str) -> dict[str, tuple[int, int]]:
    client = Client(raise_request_exception=False)
    client.force_login(user)  # with two-factor for support staff (see dext/testing/fixtures.py)
    answers = {}
    for object_url in PRODUCT_URLS:
        if object_url.name == "logout":
            continue  # would end the walk's session
        url = _url(object_url)
        get, post = client.get(url), client.post(url, {})
        answers[object_url.name] = (get.status_code, post.status_code)
        if object_url.name not in OPEN_WITHOUT_BUSINESS and get.status_code == 302:
            assert get["Location"].startswith(expected_redirect), (object_url.name, get["Location"])
    return answers


def test_the_walk_covers_the_product():
    names = {url.name for url in PRODUCT_URLS}
    assert {"home", "items:inbox", "items:detail", "connections:index", "team:index", "lists:categories"} <= names


def test_a_user_with_no_business_never_gets_a_server_error(removed_user):
    answers = _walk(removed_user, expected_redirect=reverse("tenancy:no_business"))

    errors = {name: codes for name, codes in answers.items() if 500 in codes}
    assert not errors, errors
    assert answers["items:inbox"][0] == 302


def test_a_user_with_no_business_sees_the_no_business_page(client, removed_user):
    client.force_login(removed_user)

    page = client.get(reverse("home"), follow=True)

    assert page.status_code == 200
    assert "You are not a member of any business yet" in page.content.decode()


def test_support_staff_opening_the_product_land_in_the_admin(support_client):
    response = support_client.get(reverse("items:inbox"))

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_support_staff_never_get_a_server_error_on_the_product(support_user):
    answers = _walk(support_user, expected_redirect=reverse("admin:index"))

    errors = {name: codes for name, codes in answers.items() if 500 in codes}
    assert not errors, errors


@pytest.mark.parametrize("business_id", ["abc", "", "1.5", "-1", "9" * 40, "٣"])
def test_the_switcher_ignores_an_id_that_is_not_a_number(admin_client, business, business_id):
    response = admin_client.post(reverse("tenancy:switch"), {"business": business_id, "next": "/inbox/"})

    assert response.status_code == 302
    assert response["Location"] == "/inbox/"
    assert admin_client.session["current_business_id"] == business.pk
