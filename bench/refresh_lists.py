"""Benchmark: refreshing a large Xero organisation's lists.

    .venv/bin/python bench/refresh_lists.py            # PostgreSQL at DATABASE_URL
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dext_bench .venv/bin/python bench/refresh_lists.py

What it does, end to end over real HTTP:
1. (Re)creates the PostgreSQL database named in ``DATABASE_URL`` (default
   ``postgres://postgres@127.0.0.1:5432/dext_bench``), migrates it, seeds the sandbox and
   grows "Demo Company (UK)" by 10,000 contacts, 1,000 accounts, 2 tracking categories
   x 100 options and 50 tax rates.
2. Starts the app (with the Xero sandbox mounted) with ``runserver`` in a subprocess.
3. Connects a business to the organisation through the real OAuth walk. Connecting
   queues the first refresh; this process then runs the job as a worker would
   (``refresh_run``) and measures it: the full refresh.
4. Measures an incremental refresh with nothing changed, then one after 100 contacts
   were renamed in "Xero".

For each it reports Xero calls (counted by the sandbox), wall seconds and SQL
statements run by the job; and the process's peak memory. The last line printed is one
JSON object. The database is dropped at the end unless ``--keep`` is given.
"""

import argparse
import json
import os
import resource
import socket
import subprocess
import sys
import time
from pathlib import Path

import harness  # bench/harness.py (this folder is on sys.path when run as a script)

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/dext_bench"


def _configure_environment(database_url: str, port: int) -> dict:
    """The same settings for this process and the server: sandbox on, PostgreSQL, no broker."""
    return harness.sandbox_environment(
        database_url=database_url,
        port=port,
        # Nothing consumes this in-memory queue: this process runs the refresh job itself,
        # so its time and SQL statements are measured on their own.
        CELERY_BROKER_URL="memory://",
        REDIS_URL="",
    )


def _start_server(port: int, env: dict) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", "--skip-checks", f"127.0.0.1:{port}"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("The app server did not start:\n" + server.stderr.read().decode()[-3000:])
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("The app server did not start within 60 seconds.")


class StatementCounter:
    """Counts SQL statements this process sends (connection.execute_wrapper)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _measure(label: str, run, org) -> dict:
    from django.db import connection

    from xero_sandbox import faults

    calls_before = faults.calls(organisation=org).count()
    counter = StatementCounter()
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        refresh = run()
    seconds = time.perf_counter() - started
    refresh.refresh_from_db()
    if refresh.status != refresh.Status.SUCCEEDED:
        raise SystemExit(f"{label}: the refresh {refresh.status}: {refresh.error_code} {refresh.error_message}")
    return {
        "label": label,
        "calls": faults.calls(organisation=org).count() - calls_before,
        "seconds": seconds,
        "statements": counter.count,
        "contacts": (refresh.progress.get("contacts") or {}).get("fetched", 0),
        "incremental": refresh.is_incremental,
    }


def _refresh_again(business):
    """Queue a refresh as a user or the schedule would, then run it as the worker does."""
    from lists import services

    def run():
        refresh = services.refresh_start(business=business, reason="bench")
        return services.refresh_run(refresh_id=refresh.pk)

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contacts", type=int, default=10000)
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--changed", type=int, default=100)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if not database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("The benchmark runs on PostgreSQL: set DATABASE_URL=postgres://…")
    port = harness.free_port()
    env = _configure_environment(database_url, port)
    sys.path.insert(0, str(BASE_DIR))

    name = harness.recreate_database(database_url)
    server = None
    try:
        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from django.core.management import call_command
        from django.test import Client

        from connections.tests.sandbox_flow import connect
        from dext.tenancy.models import Business, Membership, Role
        from lists import services
        from lists.models import ListRefresh
        from xero_sandbox.accounting import control
        from xero_sandbox.models import Organisation
        from xero_sandbox.seed import seed_sandbox

        print(f"Preparing {name}: migrate, seed the sandbox, grow the organisation…", flush=True)
        call_command("migrate", verbosity=0)
        seed_sandbox()
        org = Organisation.objects.get(name="Demo Company (UK)")
        control.generate_large_organisation(
            org, contacts=args.contacts, accounts=args.accounts, tracking_categories=2, options_per_category=100,
            tax_rates=50,
        )
        server = _start_server(port, env)

        business = Business.objects.create(name="Bench Bakery Ltd", country="GB", base_currency="GBP")
        user = get_user_model().objects.create_user(username="bench@example.com", email="bench@example.com")
        Membership.objects.create(user=user, business=business, role=Role.ADMINISTRATOR)
        client = Client()
        client.force_login(user)
        # Let a second pass between the organisation's last change and the first
        # refresh: If-Modified-Since has one-second resolution.
        time.sleep(1.1)
        response = connect(client, organisation="Demo Company (UK)")
        if response.status_code != 302:
            raise SystemExit(f"Connecting failed: {response.status_code}")
        first = ListRefresh.objects.get(business=business)

        results = [_measure("full refresh", lambda: services.refresh_run(refresh_id=first.pk), org)]
        time.sleep(1.1)
        results.append(_measure("incremental, nothing changed", _refresh_again(business), org))
        time.sleep(1.1)
        for contact in org.contacts.order_by("name")[: args.changed]:
            control.contact_rename(organisation=org, contact_id=contact.pk, new_name=f"{contact.name} (renamed)")
        time.sleep(1.1)
        results.append(_measure(f"incremental, {args.changed} contacts changed", _refresh_again(business), org))
        # ru_maxrss is in kilobytes on Linux: the peak of this whole process.
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        from django.db import connections

        connections.close_all()
        if not args.keep:
            harness.drop_database(database_url)

    print()
    print(f"Organisation: {args.contacts:,} contacts, {args.accounts:,} extra accounts, 2 x 100 tracking options, "
          "50 extra tax rates (PostgreSQL, runserver)")
    print(f"{'refresh':<36}{'Xero calls':>11}{'seconds':>10}{'SQL':>7}{'contacts':>10}")
    for row in results:
        print(f"{row['label']:<36}{row['calls']:>11}{row['seconds']:>10.2f}{row['statements']:>7}{row['contacts']:>10}")
    print(f"peak memory of the refreshing process: {peak_mb:.0f} MB")
    full, unchanged, changed = results
    print(
        json.dumps(
            {
                "full_refresh_calls": full["calls"],
                "full_refresh_s": round(full["seconds"], 2),
                "incremental_calls": unchanged["calls"],
                "incremental_s": round(unchanged["seconds"], 2),
                "changed_calls": changed["calls"],
                "changed_s": round(changed["seconds"], 2),
                "sql_statements_full": full["statements"],
                "peak_mb": round(peak_mb, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
