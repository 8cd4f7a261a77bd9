import pytest
from django.urls import reverse

from dext.tenancy.models import Role
from dext.tenancy.tests.factories import BusinessFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cafe(admin_user):
    cafe = BusinessFactory(name="Harbour Cafe Pty", country="AU", base_currency="AUD")
    MembershipFactory(user=admin_user, business=cafe, role=Role.ADMINISTRATOR)
    return cafe


def _switcher_options(page: str) -> str:
    return page.split('id="business-switcher"', 1)[1].split("</select>", 1)[0]


def test_switcher_lists_only_the_users_own_businesses(admin_client, business, cafe, other_business):
    options = _switcher_options(admin_client.get(reverse("items:inbox")).content.decode())
    assert "Demo Bakery Ltd" in options
    assert "Harbour Cafe Pty" in options
    assert "Other Co Pty" not in options


def test_switching_changes_the_current_business(admin_client, business, cafe):
    response = admin_client.post(reverse("tenancy:switch"), {"business": cafe.pk, "next": reverse("team:index")})
    assert response.status_code == 302
    assert response["Location"] == reverse("team:index")
    page = admin_client.get(reverse("team:index")).content.decode()
    assert "Members of Harbour Cafe Pty" in page


def test_posting_another_tenants_business_id_does_not_switch(admin_client, business, cafe, other_business):
    admin_client.post(reverse("tenancy:switch"), {"business": other_business.pk})
    page = admin_client.get(reverse("team:index")).content.decode()
    assert "Members of Demo Bakery Ltd" in page
    assert "Other Co Pty" not in page


def test_switch_refuses_to_redirect_off_site(admin_client, business, cafe):
    response = admin_client.post(reverse("tenancy:switch"), {"business": cafe.pk, "next": "https://evil.example/"})
    assert response["Location"] == "/"
