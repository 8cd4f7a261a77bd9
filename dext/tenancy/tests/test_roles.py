import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(reverse("connections:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_administrator_sees_connections_in_sidebar(admin_client):
    response = admin_client.get(reverse("items:inbox"))
    assert response.status_code == 200
    assert reverse("connections:index") in response.content.decode()


def test_standard_user_does_not_see_connections_and_gets_403(standard_client):
    page = standard_client.get(reverse("items:inbox")).content.decode()
    assert reverse("connections:index") not in page
    response = standard_client.get(reverse("connections:index"))
    assert response.status_code == 403
    assert "account administrator or accountant/bookkeeper" in response.content.decode()


def test_login_with_email_and_password(client, admin_user, password):
    response = client.post(reverse("login"), {"username": "ADMIN@example.com", "password": password})
    assert response.status_code == 302
    assert client.get(reverse("items:inbox")).status_code == 200


def test_login_with_wrong_password_says_so(client, admin_user):
    response = client.post(reverse("login"), {"username": "admin@example.com", "password": "nope"})
    assert response.status_code == 200
    assert "didn't match" in response.content.decode()
