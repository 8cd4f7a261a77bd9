"""Demo businesses and logins (``manage.py seed_demo``). Safe to run again and again."""

from dataclasses import dataclass

from django.db import transaction

from dext.tenancy import services
from dext.tenancy.models import Business, Role
from dext.tenancy.selectors import business_by_name, user_by_email

DEFAULT_PASSWORD = "demo-password"
ADMIN_EMAIL = "admin@example.com"
STAFF_EMAIL = "staff@example.com"
SUPPORT_EMAIL = "support@example.com"


@dataclass(frozen=True)
class DemoTenancy:
    bakery: Business
    cafe: Business
    logins: list[tuple[str, str, str]]  # (email, password, what it is for)


def _user(*, email: str, password: str):
    user = user_by_email(email=email)
    if user is None:
        return services.user_create(email=email, password=password)
    # Re-running with another --password changes it; re-running with the same one is harmless.
    if not user.check_password(password):
        services.user_set_password(user=user, password=password)
    return user


def _business(*, name: str, country: str, base_currency: str) -> Business:
    return business_by_name(name=name) or services.business_create(
        name=name, country=country, base_currency=base_currency
    )


@transaction.atomic
def seed_demo_tenancy(*, password: str = DEFAULT_PASSWORD) -> DemoTenancy:
    admin = _user(email=ADMIN_EMAIL, password=password)
    staff = _user(email=STAFF_EMAIL, password=password)
    support = _user(email=SUPPORT_EMAIL, password=password)
    if not (support.is_staff and support.is_superuser):
        services.user_make_support_staff(user=support)

    bakery = _business(name="Demo Bakery Ltd", country="GB", base_currency="GBP")
    cafe = _business(name="Harbour Cafe Pty", country="AU", base_currency="AUD")
    services.membership_ensure(business=bakery, user=admin, role=Role.ADMINISTRATOR, can_publish=True)
    services.membership_ensure(business=bakery, user=staff, role=Role.STANDARD, can_publish=False)
    services.membership_ensure(business=cafe, user=admin, role=Role.ADMINISTRATOR, can_publish=True)
    return DemoTenancy(
        bakery=bakery,
        cafe=cafe,
        logins=[
            (ADMIN_EMAIL, password, "administrator of Demo Bakery Ltd and Harbour Cafe Pty"),
            (STAFF_EMAIL, password, "standard user of Demo Bakery Ltd"),
            (
                SUPPORT_EMAIL,
                password,
                "support staff: Django admin at /admin/; the first login asks you to set up "
                "two-factor with an authenticator app (scan the QR code or type its key)",
            ),
        ],
    )
