import pytest
from django.urls import reverse

from dext.tenancy.models import Business, Membership, Role

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "Owner@Bakery.example",
    "password": "a-long-unusual-passphrase",
    "business_name": "Crumb & Co Ltd",
    "country": "GB",
    "base_currency": "GBP",
}


def test_signup_creates_business_with_new_user_as_administrator_and_logs_in(client):
    response = client.post(reverse("signup"), SIGNUP)

    assert response.status_code == 302
    business = Business.objects.get(name="Crumb & Co Ltd")
    assert (business.country, business.base_currency) == ("GB", "GBP")
    membership = Membership.objects.get(business=business)
    assert membership.role == Role.ADMINISTRATOR
    assert membership.user.email == "owner@bakery.example"
    inbox = client.get(reverse("items:inbox"))
    assert inbox.status_code == 200
    assert "Crumb &amp; Co Ltd" in inbox.content.decode()
    assert reverse("connections:index") in inbox.content.decode()


def test_new_account_logs_in_with_its_email_and_password(client):
    client.post(reverse("signup"), SIGNUP)
    client.logout()
    response = client.post(reverse("login"), {"username": "owner@bakery.example", "password": SIGNUP["password"]})
    assert response.status_code == 302
    assert client.get(reverse("items:inbox")).status_code == 200


def test_signup_refuses_an_email_that_already_has_an_account(client, admin_user):
    response = client.post(reverse("signup"), {**SIGNUP, "email": "ADMIN@example.com"})
    assert response.status_code == 200
    assert "An account with this email address already exists" in response.content.decode()
    assert not Business.objects.filter(name="Crumb & Co Ltd").exists()


def test_signup_refuses_a_weak_password(client):
    response = client.post(reverse("signup"), {**SIGNUP, "password": "12345678"})
    assert response.status_code == 200
    assert "This password is too common" in response.content.decode()
    assert not Business.objects.exists()


def test_signup_page_labels_every_field(client):
    page = client.get(reverse("signup")).content.decode()
    for field_id in ["id_email", "id_password", "id_business_name", "id_country", "id_base_currency"]:
        assert f'for="{field_id}"' in page


def test_signed_in_user_is_sent_home_from_signup(admin_client):
    response = admin_client.get(reverse("signup"))
    assert response.status_code == 302
