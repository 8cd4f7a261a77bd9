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


@pytest.fixture(autouse=True)
def _xero_webhooks_off(settings):
    """No Xero webhooks unless a test turns them on (``xero_webhooks``): a developer's .env
    may set a key, and the sandbox would then deliver to the test server on every change."""
    settings.XERO_WEBHOOK_KEY = ""
    settings.XERO_SANDBOX_WEBHOOK_KEY = ""
    settings.XERO_SANDBOX_WEBHOOK_URL = ""


WEBHOOK_KEY = "test-webhook-key-7c1f0e9b2d"


@pytest.fixture
def xero_webhooks(xero_sandbox, settings):
    """Xero's webhooks on: dext checks ``WEBHOOK_KEY`` and the sandbox delivers, signed with
    it, to this live server's /webhooks/xero/ (its subscription follows the settings)."""
    settings.XERO_WEBHOOK_KEY = WEBHOOK_KEY
    return xero_sandbox


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


@pytest.fixture
def xero_sandbox(live_server, settings):
    """The local Xero sandbox, seeded, served by ``live_server`` and configured as the
    product's Xero. Faults, clock and rate limits are reset around each test."""
    import uuid

    from connections.tests.sandbox_flow import point_product_at_sandbox
    from xero_sandbox import clock, faults
    from xero_sandbox.seed import seed_sandbox

    point_product_at_sandbox(settings, live_server.url)
    settings.XERO_RATE_LIMIT_NAMESPACE = f"test-{uuid.uuid4().hex}"
    seed_sandbox()
    yield live_server
    faults.clear()
    clock.reset()


@pytest.fixture
def xero_connected_business(xero_sandbox, client, business, admin_user):
    """``(business, connection)``: connected to "Demo Company (UK)" through the real walk."""
    from connections.models import XeroConnection
    from connections.tests.sandbox_flow import connect

    client.force_login(admin_user)
    response = connect(client, organisation="Demo Company (UK)")
    assert response.status_code == 302, response.content.decode()[:2000]
    return business, XeroConnection.objects.get(business=business)


@pytest.fixture
def support_user(db):
    """Support staff: is_staff and superuser, a member of no business."""
    user = UserFactory(email="support@example.com")
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    return user


@pytest.fixture
def support_client(client, support_user):
    """Signed in, with two-factor (``force_login`` includes it for staff in tests)."""
    client.force_login(support_user)
    return client
