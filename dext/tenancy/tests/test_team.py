import re

import pytest
from django.core import mail
from django.urls import reverse

from dext.tenancy.models import Membership, Role
from dext.tenancy.tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _invite(client, email, role="standard", can_publish=False):
    data = {"email": email, "role": role}
    if can_publish:
        data["can_publish"] = "on"
    return client.post(reverse("team:invite"), data)


def test_administrator_invites_a_new_person_who_sets_a_password_from_the_email(
    admin_client, business, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(admin_client, "newbie@example.com", can_publish=True)

    assert response.status_code == 302
    membership = Membership.objects.get(business=business, user__email="newbie@example.com")
    assert (membership.role, membership.can_publish) == (Role.STANDARD, True)
    assert not membership.user.has_usable_password()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["newbie@example.com"]
    assert "Demo Bakery Ltd" in mail.outbox[0].subject

    link = re.search(r"http://\S+/accounts/reset/\S+/", mail.outbox[0].body).group(0)
    admin_client.logout()
    set_password_page = client.get(link, follow=True)
    assert "Choose a password" in set_password_page.content.decode()
    form_url = set_password_page.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "fresh-bread-daily-42", "new_password2": "fresh-bread-daily-42"})
    assert response.status_code == 302
    assert client.get(reverse("items:inbox")).status_code == 200
    client.logout()
    assert client.login(username="newbie@example.com", password="fresh-bread-daily-42")


def test_inviting_an_existing_user_adds_them_without_touching_their_password(
    admin_client, business, other_admin, password, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(admin_client, "Other-Admin@example.com", role="administrator")

    membership = Membership.objects.get(business=business, user=other_admin)
    assert membership.role == Role.ADMINISTRATOR
    other_admin.refresh_from_db()
    assert other_admin.check_password(password)
    assert "/accounts/reset/" not in mail.outbox[0].body


def test_inviting_a_current_member_says_so(admin_client, standard_user):
    response = _invite(admin_client, "staff@example.com")
    assert response.status_code == 400
    assert "already a member of this business" in response.content.decode()
    assert Membership.objects.filter(user=standard_user).count() == 1


def test_administrator_changes_role_and_publish_permission(admin_client, standard_user, business):
    membership = Membership.objects.get(user=standard_user, business=business)
    response = admin_client.post(
        reverse("team:member", args=[membership.pk]), {"role": "standard", "can_publish": "on"}
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.can_publish is True

    admin_client.post(reverse("team:member", args=[membership.pk]), {"role": "administrator"})
    membership.refresh_from_db()
    assert membership.role == Role.ADMINISTRATOR


def test_administrator_removes_a_member(admin_client, standard_user, business):
    membership = Membership.objects.get(user=standard_user, business=business)
    response = admin_client.post(reverse("team:member_remove", args=[membership.pk]))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    page = admin_client.get(reverse("team:index")).content.decode()
    assert "staff@example.com was removed from Demo Bakery Ltd" in page


def test_last_administrator_cannot_be_demoted(admin_client, admin_user, business):
    membership = Membership.objects.get(user=admin_user, business=business)
    response = admin_client.post(reverse("team:member", args=[membership.pk]), {"role": "standard"}, follow=True)
    assert "A business needs at least one administrator" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.ADMINISTRATOR


def test_last_administrator_cannot_be_removed(admin_client, admin_user, business):
    membership = Membership.objects.get(user=admin_user, business=business)
    response = admin_client.post(reverse("team:member_remove", args=[membership.pk]), follow=True)
    assert "A business needs at least one administrator" in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_an_administrator_can_step_down_when_another_remains(admin_client, admin_user, business):
    MembershipFactory(business=business, user=UserFactory(email="second@example.com"), role=Role.ADMINISTRATOR)
    membership = Membership.objects.get(user=admin_user, business=business)
    admin_client.post(reverse("team:member", args=[membership.pk]), {"role": "standard"})
    membership.refresh_from_db()
    assert membership.role == Role.STANDARD


def test_standard_user_sees_the_team_read_only(standard_client, admin_user):
    response = standard_client.get(reverse("team:index"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "admin@example.com" in page and "staff@example.com" in page
    main_content = page.split('<main id="main"', 1)[1]
    assert "<form" not in main_content
    assert reverse("team:invite") not in page


def test_standard_user_gets_403_for_every_team_write(standard_client, admin_user, business):
    admin_membership = Membership.objects.get(user=admin_user, business=business)
    posts = [
        (reverse("team:index"), {}),
        (reverse("team:invite"), {"email": "x@example.com", "role": "administrator"}),
        (reverse("team:member", args=[admin_membership.pk]), {"role": "standard"}),
        (reverse("team:member_remove", args=[admin_membership.pk]), {}),
    ]
    for url, data in posts:
        response = standard_client.post(url, data)
        assert response.status_code == 403, url
        assert "account administrator or accountant/bookkeeper" in response.content.decode()
    admin_membership.refresh_from_db()
    assert admin_membership.role == Role.ADMINISTRATOR
    assert not Membership.objects.filter(user__email="x@example.com").exists()


def test_team_link_is_in_the_sidebar_for_every_member(standard_client):
    page = standard_client.get(reverse("items:inbox")).content.decode()
    assert reverse("team:index") in page
