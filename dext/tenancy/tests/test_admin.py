import pytest
from django.urls import reverse

from dext.tenancy.models import Membership, Role
from dext.tenancy.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def support_client(client):
    support = UserFactory(email="support@example.com")
    support.is_staff = support.is_superuser = True
    support.save()
    client.force_login(support)
    return client


def test_business_members_are_not_let_into_the_django_admin(admin_client):
    response = admin_client.get(reverse("admin:tenancy_business_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_support_staff_search_businesses_by_member_email(support_client, admin_user, other_admin):
    page = support_client.get(reverse("admin:tenancy_business_changelist"), {"q": "other-admin@"}).content.decode()
    assert "Other Co Pty" in page
    assert "Demo Bakery Ltd" not in page


def test_support_staff_filter_memberships_by_role_and_country(support_client, admin_user, standard_user, other_admin):
    url = reverse("admin:tenancy_membership_changelist")
    page = support_client.get(url, {"role__exact": "standard"}).content.decode()
    assert "staff@example.com" in page and "admin@example.com" not in page
    page = support_client.get(url, {"business__country": "AU"}).content.decode()
    assert "other-admin@example.com" in page and "staff@example.com" not in page


def test_support_staff_see_a_users_memberships(support_client, admin_user):
    page = support_client.get(reverse("admin:auth_user_change", args=[admin_user.pk])).content.decode()
    assert "Demo Bakery Ltd" in page


def test_admin_cannot_demote_the_last_administrator(support_client, admin_user, business):
    membership = Membership.objects.get(user=admin_user, business=business)
    response = support_client.post(
        reverse("admin:tenancy_membership_change", args=[membership.pk]),
        {"role": "standard", "can_publish": ""},
        follow=True,
    )
    assert "A business needs at least one administrator" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.ADMINISTRATOR
