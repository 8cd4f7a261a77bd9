"""Where signing in lands: the Inbox for members, the admin for support staff."""

import pytest
from django.urls import reverse

from dext.tenancy.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_support_staff_opening_the_product_land_in_the_admin(client):
    # Signed in with two-factor (support staff must use it: dext/accounts/tests cover the
    # way there from the login page).
    client.force_login(UserFactory(email="support@example.com", is_staff=True))
    response = client.get(reverse("home"), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("admin:index")
    assert "dext support" in response.content.decode()


def test_a_member_lands_in_the_inbox(admin_client):
    assert admin_client.get(reverse("home"))["Location"] == reverse("items:inbox")
