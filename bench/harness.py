"""What every benchmark here needs: a free port, a throw-away PostgreSQL database, and
the settings it shares with the app server (and worker) it starts."""

import os
import socket
import uuid
from urllib.parse import urlparse


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sandbox_environment(*, database_url: str, port: int, **extra: str) -> dict:
    """Set, in this process and for its children, the settings of an app with the
    sandbox on at ``port`` and a database of its own. ``extra`` adds or overrides."""
    site = f"http://127.0.0.1:{port}"
    values = {
        "DATABASE_URL": database_url,
        "DEBUG": "true",
        "XERO_SANDBOX": "true",
        "XERO_CLIENT_ID": "",
        "SITE_URL": site,
        "XERO_REDIRECT_URI": f"{site}/settings/connections/xero/callback/",
        "XERO_SANDBOX_REDIRECT_URIS": f"{site}/settings/connections/xero/callback/",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "XERO_RATE_LIMIT_NAMESPACE": f"bench-{uuid.uuid4().hex[:8]}",
        "DJANGO_SETTINGS_MODULE": "dext.settings",
        "LOG_LEVEL": "WARNING",
        **extra,
    }
    os.environ.update(values)
    return {**os.environ}


def database_name(database_url: str) -> str:
    name = urlparse(database_url).path.lstrip("/")
    if not name or not name.replace("_", "").isalnum():
        raise SystemExit(f"Refusing to (re)create database {name!r}: use a plain name such as dext_bench.")
    return name


def database_admin(database_url: str, sql: str) -> None:
    """Run ``sql`` on the server's maintenance database (to create or drop ours)."""
    import psycopg2

    parts = urlparse(database_url)
    admin = psycopg2.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(sql)
    admin.close()


def recreate_database(database_url: str) -> str:
    name = database_name(database_url)
    database_admin(database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    database_admin(database_url, f'CREATE DATABASE "{name}"')
    return name


def drop_database(database_url: str) -> None:
    database_admin(database_url, f'DROP DATABASE IF EXISTS "{database_name(database_url)}" WITH (FORCE)')
