"""Benchmark: the review screens with a large business, and the Clients page of a practice.

    .venv/bin/python bench/inbox.py            # PostgreSQL at DATABASE_URL
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dext_bench_inbox .venv/bin/python bench/inbox.py

What it does:
1. (Re)creates the PostgreSQL database named in ``DATABASE_URL`` (default
   ``postgres://postgres@127.0.0.1:5432/dext_bench_inbox``) and migrates it.
2. Makes one business with 10,000 items (every state, every relation filled in, each
   with its document) and 10,000 contacts, and a bookkeeper who belongs to it and to 199
   other businesses (200 clients, 50 items each, some needing reconnection).
3. Requests each page 50 times through Django's test client (the whole server side:
   middleware, view, queries, templates; no network) after a warm-up, and reports the
   median and 95th percentile in milliseconds and the SQL queries of one request:
   the Inbox (first page, filtered, searched), Item details, the contact search of the
   picker, and the Clients page with 200 businesses.

The last line printed is one JSON object. The database is dropped at the end unless
``--keep`` is given. Targets: every page p50 < 80 ms with a fixed number of queries
whatever the data size; the contact search p50 < 30 ms.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import harness  # bench/harness.py (this folder is on sys.path when run as a script)

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/dext_bench_inbox"
REQUESTS = 50


def _pdf() -> bytes:
    from items.demo import document_pdf

    return document_pdf(title="Invoice", contact="Supplier 1", reference="INV-1", when=date(2026, 5, 4),
                        lines=[("Goods", Decimal("100.00"))], tax=Decimal("20.00"))


def _make_business(*, name: str, items: int, contacts: int, media: Path, user, role: str, connection: str):
    from connections.models import XeroConnection
    from dext.tenancy.models import Business, Membership
    from items.models import Document, Item, ItemStatus
    from lists.models import Category, Contact, ListRefresh, TaxRate

    business = Business.objects.create(name=name, country="GB", base_currency="GBP")
    Membership.objects.create(user=user, business=business, role=role)
    if connection:
        XeroConnection.objects.create(business=business, status=connection, tenant_id=f"t-{business.pk}",
                                      tenant_name=f"{name} (Xero)")
    ListRefresh.objects.create(business=business, status=ListRefresh.Status.SUCCEEDED,
                               finished_at=business.created)
    categories = Category.objects.bulk_create(
        Category(business=business, xero_id=f"a-{n}", code=str(400 + n), name=f"Expenses {n}", type="EXPENSE",
                 account_class="EXPENSE") for n in range(30)
    )
    rate = TaxRate.objects.create(business=business, xero_id="INPUT2", name="20% (VAT on Expenses)",
                                  effective_rate=Decimal("20"), can_apply_to_expenses=True)
    people = Contact.objects.bulk_create(
        (Contact(business=business, xero_id=f"c-{n}", name=f"Supplier {n:05d} Ltd", is_supplier=n % 5 != 0,
                 is_customer=n % 5 == 0, tax_number=f"GB{n:09d}") for n in range(contacts)),
        batch_size=5000,
    )
    storage_name = f"documents/{business.pk}/bench.pdf"
    (media / f"documents/{business.pk}").mkdir(parents=True, exist_ok=True)
    (media / storage_name).write_bytes(_pdf())
    documents = Document.objects.bulk_create(
        (Document(business=business, storage_name=f"documents/{business.pk}/{n}.pdf" if n else storage_name,
                  original_name=f"bill-{n}.pdf", content_type="application/pdf", size=1000, sha256=f"{business.pk}-{n}")
         for n in range(items)),
        batch_size=5000,
    )
    states = [ItemStatus.TO_REVIEW, ItemStatus.READY, ItemStatus.READY, ItemStatus.FAILED, ItemStatus.PUBLISHED,
              ItemStatus.PROCESSING, ItemStatus.ARCHIVED]
    Item.objects.bulk_create(
        (Item(business=business, document=document, contact=people[n % len(people)],
              category=categories[n % len(categories)], tax_rate=rate, date=date(2025, 1, 1) + timedelta(days=n % 500),
              reference=f"INV-{n}", currency_code="GBP", total=Decimal("120.00") + n % 900,
              net=Decimal("100.00") + n % 900, tax_amount=Decimal("20.00"), status=states[n % len(states)],
              review_issues=["Category is missing."] if states[n % len(states)] == ItemStatus.TO_REVIEW else [])
         for n, document in enumerate(documents)),
        batch_size=5000,
    )
    return business


def _measure(client, url: str, *, requests: int = REQUESTS) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):  # warm-up: templates compiled, caches filled
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    timings.sort()
    return {
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
        "queries": len(captured.captured_queries),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=10000)
    parser.add_argument("--contacts", type=int, default=10000)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    if not database_url.startswith("postgres"):
        raise SystemExit("bench/inbox.py measures PostgreSQL: set DATABASE_URL=postgres://…")
    name = harness.recreate_database(database_url)
    media = Path(tempfile.mkdtemp(prefix="dext-bench-inbox-"))
    harness.sandbox_environment(database_url=database_url, port=harness.free_port(), CELERY_BROKER_URL="memory://",
                                REDIS_URL="", MEDIA_ROOT=str(media))
    sys.path.insert(0, str(BASE_DIR))
    try:
        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client

        from connections.models import ConnectionStatus
        from dext.tenancy.models import Role
        from items.models import Item, ItemStatus
        from lists.models import Contact

        print(f"Preparing {name}: migrate, {args.items:,} items and {args.contacts:,} contacts, "
              f"{args.clients} clients…", flush=True)
        call_command("migrate", verbosity=0)
        user = get_user_model().objects.create_user(username="bookkeeper@example.com",
                                                    email="bookkeeper@example.com", password="bench-password")
        business = _make_business(name="Big Bakery Ltd", items=args.items, contacts=args.contacts, media=media,
                                  user=user, role=Role.ADMINISTRATOR, connection=ConnectionStatus.CONNECTED)
        for n in range(1, args.clients):
            _make_business(name=f"Client {n:03d} Ltd", items=50, contacts=20, media=media, user=user,
                           role=Role.ADMINISTRATOR if n % 2 else Role.STANDARD,
                           connection=ConnectionStatus.NEEDS_RECONNECT if n % 17 == 0 else ConnectionStatus.CONNECTED)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

        client = Client()
        client.force_login(user)
        session = client.session
        session["current_business_id"] = business.pk
        session.save()
        contact = Contact.objects.filter(business=business, is_supplier=True).order_by("pk")[7]
        item = Item.objects.filter(business=business, status=ItemStatus.TO_REVIEW).order_by("-id")[10]
        pages = {
            "inbox": "/inbox/",
            "inbox_filtered": f"/inbox/?status=ready&contact={contact.pk}&date_from=01/02/2025&date_to=31/12/2025",
            "inbox_searched": "/inbox/?q=INV-123",
            "item_details": f"/inbox/{item.pk}/?status=to_review",
            "contact_search": "/inbox/contacts/search/?q=supplier%200012&for=supplier&create=1",
            "clients_page": "/clients/",
        }
        results = {label: _measure(client, url) for label, url in pages.items()}
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            harness.drop_database(database_url)

    print()
    print(f"{args.items:,} items and {args.contacts:,} contacts in one business; {args.clients} clients; "
          f"{REQUESTS} requests each, server side (Django test client)")
    print(f"{'page':<18}{'p50 ms':>9}{'p95 ms':>9}{'queries':>9}")
    for label, figures in results.items():
        print(f"{label:<18}{figures['p50_ms']:>9.1f}{figures['p95_ms']:>9.1f}{figures['queries']:>9}")
    print(json.dumps({"items": args.items, "contacts": args.contacts, "client_businesses": args.clients, **results}))


if __name__ == "__main__":
    main()
