"""Benchmark: bulk publishing 500 items with ~200 KB documents to one Xero organisation.

    .venv/bin/python bench/publish.py                 # PostgreSQL at DATABASE_URL, Redis at BENCH_REDIS_URL
    .venv/bin/python bench/publish.py --items 100 --concurrency 4 --time-scale 10

What it does, end to end over real HTTP:
1. (Re)creates the PostgreSQL database named in ``DATABASE_URL`` (default
   ``postgres://postgres@127.0.0.1:5432/dext_bench_publish``), migrates it and seeds the sandbox.
2. Starts the app with the Xero sandbox mounted (a threaded WSGI server in a subprocess),
   with the sandbox's rate limits at Xero's values run ``--time-scale`` times faster
   (10: 60 calls per 6 s, 5 in flight, 5,000 a "day"), and a real Celery worker
   (prefork, ``--concurrency``) on Redis whose own limiter uses the same scaled window.
3. Connects a business to "Demo Company (UK)" through the real OAuth walk (the worker
   refreshes its lists), creates the Ready items, each with its own PDF (a page with a
   random image, ~``--kb`` KB), and publishes them all at once as the bulk action does.
4. Waits until every item is published (or failed, or ``--timeout``), then counts in the
   sandbox: Xero calls, 429 answers, duplicate documents and attachments.

The last line printed is one JSON object with ``items, calls_per_item, rate_fraction,
http_429, duplicates, lost, seconds``. Targets: at most 1.05 calls per item, at least
0.9 of the allowed call rate, no duplicates, nothing lost. The database is dropped at
the end unless ``--keep`` is given.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import harness  # bench/harness.py (this folder is on sys.path when run as a script)

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/dext_bench_publish"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/8"
ORGANISATION = "Demo Company (UK)"


# --- Documents ------------------------------------------------------------------------------
def document_pdf(reference: str, *, size_kb: int) -> bytes:
    """A one-page PDF: the reference as text and a random (incompressible) RGB image that
    makes the file about ``size_kb`` KB, different for every call."""
    width = 256
    height = max(1, size_kb * 1024 // (width * 3))
    pixels = os.urandom(width * height * 3)
    text = f"BT /F1 14 Tf 50 790 Td (Invoice {reference}) Tj ET q 400 0 0 400 50 300 cm /Im1 Do Q".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> /XObject << /Im1 6 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8 "
        b"/Length %d >>\nstream\n%s\nendstream" % (width, height, len(pixels), pixels),
    ]
    body, offsets = b"%PDF-1.4\n", []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n%s\nendobj\n" % (number, obj)
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return body


# --- Processes ------------------------------------------------------------------------------
def _configure_environment(*, database_url: str, redis_url: str, port: int, scale: float, media: str) -> dict:
    """The same settings for this process, the app server and the worker."""
    return harness.sandbox_environment(
        database_url=database_url,
        port=port,
        CELERY_BROKER_URL=redis_url,
        # A queue of its own: no other worker on this Redis takes the benchmark's tasks.
        CELERY_TASK_DEFAULT_QUEUE=f"bench-publish-{uuid.uuid4().hex[:8]}",
        REDIS_URL=redis_url,
        XERO_RATE_LIMIT_NAMESPACE=f"bench-publish-{uuid.uuid4().hex[:8]}",
        # Our limiter's window shrinks with the sandbox's (Xero's 60 a minute, scaled).
        XERO_RATE_WINDOW_SECONDS=str(60.0 / scale),
        BENCH_SANDBOX_TIME_SCALE=str(scale),
        MEDIA_ROOT=media,
    )


def serve(port: int) -> None:
    """The app server (``--serve``): the product and the sandbox, threaded, with the
    sandbox's rate limits scaled in time."""
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.conf import settings
    from django.core.servers.basehttp import run
    from django.core.wsgi import get_wsgi_application

    settings.XERO_SANDBOX_LIMITS = {"time_scale": float(os.environ["BENCH_SANDBOX_TIME_SCALE"])}
    run("127.0.0.1", port, get_wsgi_application(), threading=True)


def _wait_for_port(process: subprocess.Popen, port: int, what: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{what} exited with {process.returncode}.")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{what} did not start within 60 seconds.")


def _start_server(port: int, env: dict, log_path: Path) -> subprocess.Popen:
    # A thread per request: each closes its database connection when the request ends.
    env = {**env, "CONN_MAX_AGE": "0"}
    with log_path.open("wb") as log:
        server = subprocess.Popen(  # noqa: S603 - fixed argv
            [sys.executable, str(Path(__file__).resolve()), "--serve", str(port)],
            cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    _wait_for_port(server, port, "The app server")
    return server


def _start_worker(env: dict, concurrency: int, log_path: Path) -> subprocess.Popen:
    offset = log_path.stat().st_size if log_path.exists() else 0
    with log_path.open("ab") as log:
        worker = subprocess.Popen(  # noqa: S603 - fixed argv
            [
                sys.executable, "-m", "celery", "-A", "dext", "worker", "--pool=prefork",
                f"--concurrency={concurrency}", "--loglevel=INFO", "--without-gossip", "--without-mingle",
                "--without-heartbeat", "-n", f"{env['CELERY_TASK_DEFAULT_QUEUE']}@%h",
                "-Q", env["CELERY_TASK_DEFAULT_QUEUE"],
            ],
            cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise SystemExit(f"The worker exited with {worker.returncode}; see {log_path}")
        with log_path.open("rb") as log:
            log.seek(offset)
            if b"ready." in log.read():
                return worker
        time.sleep(0.2)
    _stop(worker)
    raise SystemExit(f"The worker was not ready within 60 seconds; see {log_path}")


def _stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _wait(condition, *, timeout: float, what: str, every: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"Timed out after {timeout:.0f}s waiting for {what}.")
        time.sleep(every)


# --- The business and its items -------------------------------------------------------------
def _make_items(business, user, *, count: int, size_kb: int) -> list:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from items.services import documents_upload, item_apply_read, item_update
    from lists.models import Category, Contact, TaxRate

    contact = Contact.objects.for_business(business).get(name="Bakery Supplies Co")
    category = Category.objects.for_business(business).get(code="429")
    tax_rate = TaxRate.objects.for_business(business).get(xero_id="INPUT2")
    items = []
    for number in range(1, count + 1):
        reference = f"BENCH-{number:05d}"
        net = Decimal(100 + number % 900) + Decimal(number % 100) / 100
        tax = (net * Decimal("0.2")).quantize(Decimal("0.01"))
        uploaded = SimpleUploadedFile(f"{reference}.pdf", document_pdf(reference, size_kb=size_kb), "application/pdf")
        item = documents_upload(business=business, files=[uploaded], acting_user=user).items[0]
        # What capture does once it has read a document (this bench measures publishing, not
        # OCR): the item leaves Processing; the fields below are then set as a person would.
        item = item_apply_read(item=item, values={}, source="the document")
        data = {
            "item_type": "cost", "document_type": "invoice", "contact": contact, "date": date(2026, 5, 4),
            "due_date": date(2026, 6, 3), "reference": reference, "currency_code": "GBP",
            "net": net, "tax_amount": tax, "total": net + tax, "category": category, "tax_rate": tax_rate,
            "publish_destination": "purchases_awaiting_payment",
        }
        item = item_update(item=item, data=data, lines=None, changed_fields=list(data), acting_user=user)
        if item.status != "ready":
            raise SystemExit(f"Item {reference} is not Ready: {item.review_issues}")
        items.append(item)
        if number % 100 == 0:
            print(f"  {number} items", flush=True)
    return items


def _call_kinds(calls) -> Counter:
    kinds: Counter = Counter()
    for method, path in calls.values_list("method", "path"):
        if "/Attachments/" in path:
            kinds["attachment"] += 1
        elif method in ("PUT", "POST"):
            kinds[f"{method} {path.rstrip('/').rsplit('/', 1)[-1].split('?')[0]}"] += 1
        else:
            kinds[f"{method} {path.split('/api.xro/2.0/', 1)[-1].split('?')[0][:30]}"] += 1
    return kinds


# --- Run ------------------------------------------------------------------------------------
def main() -> None:  # noqa: PLR0915 - one linear script
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--kb", type=int, default=200, help="size of each document")
    parser.add_argument("--time-scale", type=float, default=10.0, help="Xero's windows run this many times faster")
    parser.add_argument("--concurrency", type=int, default=4, help="worker processes")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds to wait for the publishing")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return
    # Stopped from outside (timeout, Ctrl-C): still stop the server and worker, drop the database.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if not database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("The benchmark runs on PostgreSQL: set DATABASE_URL=postgres://…")
    redis_url = os.environ.get("BENCH_REDIS_URL") or DEFAULT_REDIS_URL
    port = harness.free_port()
    media = tempfile.mkdtemp(prefix="dext-bench-publish-")
    env = _configure_environment(database_url=database_url, redis_url=redis_url, port=port, scale=args.time_scale,
                                 media=media)
    sys.path.insert(0, str(BASE_DIR))
    logs = BASE_DIR / "var" / "bench"
    logs.mkdir(parents=True, exist_ok=True)

    name = harness.recreate_database(database_url)
    server = worker = None
    try:
        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from django.core.management import call_command
        from django.db.models import Max
        from django.test import Client

        from connections.tests.sandbox_flow import connect
        from dext.tenancy.models import Business, Membership, Role
        from lists.models import ListRefresh
        from publishing.models import Publication, PublicationState, PublishAttempt
        from publishing.services import publish_request
        from xero_sandbox import faults
        from xero_sandbox.accounting import control
        from xero_sandbox.accounting.models import Attachment
        from xero_sandbox.models import Organisation
        from xero_sandbox.seed import seed_sandbox

        print(f"Preparing {name}: migrate, seed the sandbox…", flush=True)
        call_command("migrate", verbosity=0)
        seed_sandbox()
        org = Organisation.objects.get(name=ORGANISATION)
        server = _start_server(port, env, logs / "publish-server.log")
        worker = _start_worker(env, args.concurrency, logs / "publish-worker.log")

        business = Business.objects.create(name="Bench Bakery Ltd", country="GB", base_currency="GBP")
        user = get_user_model().objects.create_user(username="bench@example.com", email="bench@example.com")
        Membership.objects.create(user=user, business=business, role=Role.ADMINISTRATOR)
        client = Client()
        client.force_login(user)
        response = connect(client, organisation=ORGANISATION)
        if response.status_code != 302:
            raise SystemExit(f"Connecting failed: {response.status_code}")
        refreshes = ListRefresh.objects.filter(business=business)
        _wait(lambda: refreshes.filter(status=ListRefresh.Status.SUCCEEDED).exists(), timeout=120,
              what="the first lists refresh (run by the worker)")

        print(f"Creating {args.items} Ready items with ~{args.kb} KB documents…", flush=True)
        making = time.monotonic()
        items = _make_items(business, user, count=args.items, size_kb=args.kb)
        print(f"  made in {time.monotonic() - making:.0f} s", flush=True)
        # Start publishing with Xero's minute budget unused by the lists refresh.
        time.sleep(60.0 / args.time_scale + 0.5)
        calls_before = set(faults.calls(organisation=org).values_list("pk", flat=True))
        refreshes_before = faults.token_grants(grant_type="refresh_token").count()

        print(f"Publishing {args.items} items…", flush=True)
        started = time.monotonic()
        result = publish_request(business=business, items=items, acting_user=user)
        publications = Publication.objects.filter(business=business)
        done = (PublicationState.PUBLISHED, PublicationState.FAILED)
        try:
            _wait(lambda: publications.exclude(state__in=done).count() == 0, timeout=args.timeout,
                  what="every item to be published")
            timed_out = False
        except SystemExit as stop:
            print(stop, flush=True)
            timed_out = True
        seconds = time.monotonic() - started

        calls = faults.calls(organisation=org).exclude(pk__in=calls_before)
        call_count = calls.count()
        http_429 = calls.filter(status=429).count()
        token_refreshes = faults.token_grants(grant_type="refresh_token").count() - refreshes_before
        first_call, last_call = calls.order_by("created").values_list("created", flat=True)[:1], calls.aggregate(
            last=Max("created"))["last"]
        calling_seconds = (last_call - first_call[0]).total_seconds() if call_count > 1 else seconds
        published = publications.filter(state=PublicationState.PUBLISHED).exclude(xero_id="").count()
        lost = args.items - published
        duplicates = control.count_duplicates(org)
        attachments = Attachment.objects.filter(document__organisation=org).count()
        kinds = _call_kinds(calls)
        steps = Counter(PublishAttempt.objects.filter(business=business).values_list("step", flat=True))
        allowed_per_minute = 60 * args.time_scale
        achieved_per_minute = call_count / seconds * 60 if seconds else 0.0
    finally:
        _stop(worker)
        _stop(server)
        from django.db import connections

        connections.close_all()
        if not args.keep:
            harness.drop_database(database_url)
        shutil.rmtree(media, ignore_errors=True)
        _forget_redis(redis_url, env)

    calls_per_item = call_count / args.items
    rate_fraction = achieved_per_minute / allowed_per_minute
    print()
    print(f"Bulk publish of {args.items} bills with ~{args.kb} KB documents to one organisation "
          f"(PostgreSQL, Redis, prefork worker x{args.concurrency}; Xero's limits {args.time_scale:g}x faster)")
    rows = [
        ("items queued / published", f"{len(result.queued)} / {published}", ""),
        ("Xero calls (sandbox count)", f"{call_count}", ", ".join(f"{k}: {v}" for k, v in sorted(kinds.items()))),
        ("calls per item", f"{calls_per_item:.3f}", "target <= 1.05"),
        ("achieved calls/min", f"{achieved_per_minute:.0f}",
         f"allowed {allowed_per_minute:.0f} (60 per {60 / args.time_scale:g} s); first to last call "
         f"{call_count / calling_seconds * 60 if calling_seconds else 0:.0f}/min"),
        ("rate fraction", f"{rate_fraction:.2f}", "target >= 0.90"),
        ("429s received", f"{http_429}", ""),
        ("token refreshes", f"{token_refreshes}", ""),
        ("duplicates in the sandbox", f"{duplicates}", f"attachments stored: {attachments}"),
        ("items not published", f"{lost}", "timed out" if timed_out else ""),
        ("seconds", f"{seconds:.1f}", "publish request to the last item published"),
        ("attempt log by step", ", ".join(f"{k}: {v}" for k, v in sorted(steps.items())), ""),
    ]
    for label, value, note in rows:
        print(f"  {label:<28}{value:>10}  {note}")
    print(json.dumps({
        "items": args.items,
        "calls_per_item": round(calls_per_item, 3),
        "rate_fraction": round(rate_fraction, 3),
        "http_429": http_429,
        "duplicates": duplicates,
        "lost": lost,
        "seconds": round(seconds, 1),
    }))


def _forget_redis(redis_url: str, env: dict) -> None:
    """Drop the benchmark's queue and limiter keys (its own namespace) from Redis."""
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = [env["CELERY_TASK_DEFAULT_QUEUE"]]
    keys += list(client.scan_iter(f"{env['XERO_RATE_LIMIT_NAMESPACE']}:*"))
    keys += list(client.scan_iter(f"*{env['CELERY_TASK_DEFAULT_QUEUE']}*"))
    client.delete(*keys)


if __name__ == "__main__":
    main()
