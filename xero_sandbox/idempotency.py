"""Xero's Idempotency-Key: the first response to a POST/PUT is replayed for 6 minutes.

https://developer.xero.com/documentation/guides/idempotent-requests/idempotency/
Errors are replayed too. The same key with a different request answers 400. A key
is at most 128 characters (the ``Idempotency-Key`` parameter of Xero's OpenAPI spec).
A request whose key is still being served waits for the first request and gets its
answer, as Xero's does, instead of running twice.
"""

import datetime as dt
import hashlib
import time
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse

from xero_sandbox import clock
from xero_sandbox.models import IdempotencyRecord, SandboxApp

REPLAY_SECONDS = 6 * 60
MAX_KEY_LENGTH = 128
# SANDBOX wording: Xero documents the limit, not its error text.
KEY_TOO_LONG = "The Idempotency-Key must be 128 characters or fewer (sandbox wording)."
# How long a request waits for the first one with its key (real seconds), and how often it looks.
WAIT_FOR_FIRST_SECONDS = 60.0
WAIT_POLL_SECONDS = 0.05
IDEMPOTENT_METHODS = ("POST", "PUT")
# A reservation whose status is 0 means "the first request is still being served".
PENDING = 0
# Recomputed for every response, never replayed.
_NOT_REPLAYED = {"x-daylimit-remaining", "x-minlimit-remaining", "x-appminlimit-remaining", "content-length"}


def request_fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    for part in (request.method or "", request.path.lower(), request.META.get("QUERY_STRING", "")):
        digest.update(part.encode())
        digest.update(b"\0")
    digest.update(request.body)
    return digest.hexdigest()


@dataclass
class IdempotencyOutcome:
    replay: HttpResponse | None = None
    conflict: str = ""  # "different" or "in_progress"
    record: IdempotencyRecord | None = None


def idempotency_begin(*, request: HttpRequest, app: SandboxApp, key: str) -> IdempotencyOutcome:
    """Replay, refuse, or reserve ``key`` for this request; wait while the first request
    with the key is still being served."""
    fingerprint = request_fingerprint(request)
    deadline = time.monotonic() + WAIT_FOR_FIRST_SECONDS
    while True:
        now = clock.now()
        IdempotencyRecord.objects.filter(
            app=app, key=key, created__lt=now - dt.timedelta(seconds=REPLAY_SECONDS)
        ).delete()
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    app=app,
                    key=key,
                    request_hash=fingerprint,
                    method=request.method,
                    path=request.path,
                    status=PENDING,
                    body=b"",
                    headers={},
                    created=now,
                )
            return IdempotencyOutcome(record=record)
        except IntegrityError:
            existing = IdempotencyRecord.objects.filter(app=app, key=key).first()
        if existing is None:  # expired, or the first request crashed: serve this one
            continue
        if existing.request_hash != fingerprint:
            return IdempotencyOutcome(conflict="different")
        if existing.status != PENDING:
            response = HttpResponse(bytes(existing.body), status=existing.status)
            for name, value in existing.headers.items():
                response[name] = value
            return IdempotencyOutcome(replay=response)
        if time.monotonic() >= deadline:
            return IdempotencyOutcome(conflict="in_progress")
        time.sleep(WAIT_POLL_SECONDS)


def idempotency_finish(*, record: IdempotencyRecord, response: HttpResponse) -> None:
    """Store the response the reservation will replay."""
    record.status = response.status_code
    record.body = response.content
    record.headers = {name: value for name, value in response.items() if name.lower() not in _NOT_REPLAYED}
    record.save(update_fields=["status", "body", "headers"])


def idempotency_abandon(*, record: IdempotencyRecord) -> None:
    """The view crashed: forget the reservation so a retry runs again."""
    record.delete()
