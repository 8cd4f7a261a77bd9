"""Demo data: the built-in app, the demo Xero user and the demo organisations (UK, NZ, AU)."""

import importlib
import uuid

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction

from xero_sandbox import clock
from xero_sandbox.models import Organisation, SandboxApp, SandboxUser

DEMO_EMAIL = "xero.user@example.com"
DEMO_PASSWORD = "sandbox-password"
# Fixed tenant ids so demo links and bookmarks survive a re-seed.
DEMO_ORGANISATIONS = [
    {
        "id": uuid.UUID("6f1b3c5e-0d6a-4a1e-9a55-0a6b8e1c0b01"),
        "name": "Demo Company (UK)",
        "short_code": "!uK7dm",
        "country_code": "GB",
        "base_currency": "GBP",
        "timezone": "GMTSTANDARDTIME",
    },
    {
        "id": uuid.UUID("6f1b3c5e-0d6a-4a1e-9a55-0a6b8e1c0b02"),
        "name": "Demo Company (NZ)",
        "short_code": "!nZ3qx",
        "country_code": "NZ",
        "base_currency": "NZD",
        "timezone": "NEWZEALANDSTANDARDTIME",
    },
    {
        # The demo's Harbour Cafe Pty (AU, AUD) connects to this one.
        "id": uuid.UUID("6f1b3c5e-0d6a-4a1e-9a55-0a6b8e1c0b03"),
        "name": "Demo Company (AU)",
        "short_code": "!aU5dm",
        "country_code": "AU",
        "base_currency": "AUD",
        "timezone": "AUSEASTERNSTANDARDTIME",
    },
]


@transaction.atomic
def seed_identity(*, organisations: list[dict] | None = None) -> list[Organisation]:
    """The app, the user and the organisations (all the demo ones by default; idempotent)."""
    now = clock.now()
    SandboxApp.objects.update_or_create(
        client_id=settings.XERO_SANDBOX_CLIENT_ID,
        defaults={
            "client_secret": settings.XERO_SANDBOX_CLIENT_SECRET,
            "app_type": SandboxApp.AppType.WEB,
            "name": "dext (sandbox)",
        },
        create_defaults={
            "client_secret": settings.XERO_SANDBOX_CLIENT_SECRET,
            "app_type": SandboxApp.AppType.WEB,
            "name": "dext (sandbox)",
            "created": now,
        },
    )
    user, created = SandboxUser.objects.get_or_create(
        email=DEMO_EMAIL,
        defaults={
            "password": make_password(DEMO_PASSWORD),
            "first_name": "Demo",
            "last_name": "User",
            "created": now,
        },
    )
    seeded = []
    for values in DEMO_ORGANISATIONS if organisations is None else organisations:
        fields = {key: value for key, value in values.items() if key != "id"}
        organisation, _ = Organisation.objects.get_or_create(
            id=values["id"], defaults={**fields, "created": now}
        )
        organisation.users.add(user)
        seeded.append(organisation)
    return seeded


def seed_sandbox() -> list[Organisation]:
    """Everything a demo needs; the accounting data comes from xero_sandbox.accounting when it has a seed."""
    organisations = seed_identity()
    try:
        books = importlib.import_module("xero_sandbox.accounting.seed")
    except ImportError:
        books = None
    seed_books = getattr(books, "seed_books", None)
    if seed_books is not None:
        for organisation in organisations:
            seed_books(organisation)
    return organisations
