"""Fixtures shared by every app's tests."""

import pytest

from dext.tenancy.models import Role
from dext.tenancy.tests.factories import PASSWORD, BusinessFactory, MembershipFactory, UserFactory

# Real-service helpers: the ``celery_worker`` fixture (see dext/testing/).
pytest_plugins = ["dext.testing.fixtures"]


@pytest.fixture(autouse=True)
def _celery_eager(settings):
    """Unit tests run Celery tasks inline; integration tests start a real worker."""
    from dext.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def business(db):
    return BusinessFactory(name="Demo Bakery Ltd", country="GB", base_currency="GBP")


@pytest.fixture
def other_business(db):
    return BusinessFactory(name="Other Co Pty", country="AU", base_currency="AUD")


@pytest.fixture
def admin_user(business):
    user = UserFactory(email="admin@example.com")
    MembershipFactory(user=user, business=business, role=Role.ADMINISTRATOR)
    return user


@pytest.fixture
def standard_user(business):
    user = UserFactory(email="staff@example.com")
    MembershipFactory(user=user, business=business, role=Role.STANDARD)
    return user


@pytest.fixture
def other_admin(other_business):
    user = UserFactory(email="other-admin@example.com")
    MembershipFactory(user=user, business=other_business, role=Role.ADMINISTRATOR)
    return user


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def standard_client(client, standard_user):
    client.force_login(standard_user)
    return client
