"""Locks on connection rows.

On PostgreSQL the token refresh holds ``SELECT … FOR UPDATE`` on the connection row
across the call to Xero, so any number of workers spend a refresh token once. SQLite
(the first-run default) has no row locks, and an open write transaction there locks
the whole database — including for the sandbox, which answers the refresh from the
same database in `make run` — so there a per-connection file lock serialises the
refresh instead, and the row is written in a short transaction afterwards.
"""

import fcntl
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection as db
from django.db import transaction

from connections.models import XeroConnection


@contextmanager
def connection_refresh_lock(connection_id: int):
    """Yield the connection row, re-read under a lock only one process can hold."""
    if db.features.has_select_for_update:
        with transaction.atomic():
            yield XeroConnection.objects.select_for_update().get(pk=connection_id)
        return
    lock_dir = Path(settings.VAR_DIR) / "locks"
    lock_dir.mkdir(parents=True, exist_ok=True)
    with open(lock_dir / f"xero-connection-{connection_id}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield XeroConnection.objects.get(pk=connection_id)
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
