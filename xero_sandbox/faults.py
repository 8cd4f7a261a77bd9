"""Switches that make the sandbox misbehave, and the request log to count calls.

Tests call these functions directly; the control API (``control/``) and the control
page call the same functions over HTTP. Each switch is a :class:`FaultRule` row, so
it holds across the threads of a live server and across processes.
"""

import datetime as dt
import uuid

from django.db import transaction
from django.db.models import F, Q, QuerySet

from xero_sandbox import clock
from xero_sandbox.models import (
    AccessToken,
    Connection,
    FaultRule,
    Organisation,
    RefreshToken,
    RequestLog,
    SandboxUser,
)

WRITE_METHODS = ("POST", "PUT", "DELETE")


def _rule(*, kind: str, count: int | None, organisation: Organisation | None = None, **fields) -> FaultRule:
    return FaultRule.objects.create(
        kind=kind, remaining=count, organisation=organisation, created=clock.now(), **fields
    )


def fail_next(
    count: int = 1,
    *,
    status: int = 500,
    path_prefix: str = "",
    method: str = "",
    organisation: Organisation | None = None,
) -> FaultRule:
    """The next ``count`` matching API calls answer 500 or 503 without running."""
    if status not in (500, 503):
        raise ValueError("status must be 500 or 503")
    kind = FaultRule.Kind.ERROR_500 if status == 500 else FaultRule.Kind.ERROR_503
    return _rule(
        kind=kind, count=count, path_prefix=path_prefix, method=method.upper(), organisation=organisation
    )


def drop_after_commit(
    count: int = 1, *, path_prefix: str = "", method: str = "", organisation: Organisation | None = None
) -> FaultRule:
    """The next ``count`` writes run and commit, then the client's connection breaks mid-response."""
    return _rule(
        kind=FaultRule.Kind.DROP_AFTER_COMMIT,
        count=count,
        path_prefix=path_prefix,
        method=method.upper(),
        organisation=organisation,
    )


def add_latency(
    milliseconds: int, *, count: int | None = None, path_prefix: str = "", method: str = ""
) -> FaultRule:
    """Delay API calls by ``milliseconds`` (every call until cleared, or the next ``count``)."""
    return _rule(
        kind=FaultRule.Kind.LATENCY,
        count=count,
        latency_ms=milliseconds,
        path_prefix=path_prefix,
        method=method.upper(),
    )


def force_rate_limit(
    count: int = 1,
    *,
    retry_after: int | None = 60,
    problem: str = "minute",
    organisation: Organisation | None = None,
) -> FaultRule:
    """The next ``count`` API calls answer 429 with ``X-Rate-Limit-Problem: problem`` and
    ``Retry-After`` (none when ``retry_after`` is None, as a concurrent-limit 429 may come)."""
    return _rule(
        kind=FaultRule.Kind.RATE_LIMIT,
        count=count,
        retry_after=retry_after or 0,
        organisation=organisation,
        problem=problem,
    )


def answer_key_conflict(
    count: int = 1, *, path_prefix: str = "", method: str = "", organisation: Organisation | None = None
) -> FaultRule:
    """The next ``count`` matching calls answer 409, as APIs other than Xero do for an
    Idempotency-Key whose first request is still in flight (Xero waits instead)."""
    return _rule(
        kind=FaultRule.Kind.KEY_CONFLICT, count=count, path_prefix=path_prefix, method=method.upper(),
        organisation=organisation,
    )


def answer_batch_400(
    count: int = 1, *, path_prefix: str = "", organisation: Organisation | None = None
) -> FaultRule:
    """The next ``count`` document batches (PUT/POST of Invoices, CreditNotes,
    BankTransactions) save their valid elements and still answer 400 with only the failed
    ones, whatever ``summarizeErrors`` says: Xero has been reported to do this
    (xero-ruby #247 https://github.com/XeroAPI/xero-ruby/issues/247, Xero-Net #354
    https://github.com/XeroAPI/Xero-Net/issues/354), so nothing in a 400 proves that
    nothing was created."""
    return _rule(kind=FaultRule.Kind.BATCH_400, count=count, path_prefix=path_prefix, organisation=organisation)


def clear() -> None:
    """Remove every fault switch."""
    FaultRule.objects.all().delete()


def active_rules() -> QuerySet[FaultRule]:
    return FaultRule.objects.filter(Q(remaining__isnull=True) | Q(remaining__gt=0))


def armed_kinds(*, organisation: Organisation | None) -> frozenset[str]:
    """The kinds of switch set for this organisation (or for all), in one query: a call
    with none armed (nearly every call) skips :func:`take` altogether."""
    return frozenset(
        active_rules().filter(Q(organisation__isnull=True) | Q(organisation=organisation)).values_list("kind", flat=True)
    )


def take(*, kinds: tuple[str, ...], method: str, path: str, organisation: Organisation | None) -> FaultRule | None:
    """Consume one use of the oldest rule of ``kinds`` matching this call, if any."""
    candidates = active_rules().filter(kind__in=kinds).filter(
        Q(organisation__isnull=True) | Q(organisation=organisation)
    )
    for rule in candidates:
        if rule.method and rule.method != method.upper():
            continue
        if rule.path_prefix and not path.lower().startswith(rule.path_prefix.lower()):
            continue
        if rule.kind == FaultRule.Kind.DROP_AFTER_COMMIT and not rule.method and method.upper() not in WRITE_METHODS:
            continue
        if rule.kind == FaultRule.Kind.BATCH_400 and not _is_document_batch(method, path):
            continue
        if rule.remaining is None:
            return rule
        with transaction.atomic():
            # A conditional decrement, so two threads never both take the last use.
            taken = FaultRule.objects.filter(pk=rule.pk, remaining__gt=0).update(remaining=F("remaining") - 1)
        if taken:
            return rule
    return None


def _is_document_batch(method: str, path: str) -> bool:
    lowered = path.lower().rstrip("/")
    return method.upper() in ("PUT", "POST") and lowered.endswith(("/invoices", "/creditnotes", "/banktransactions"))


# --- Changes a user would make in Xero ---------------------------------------------------


def revoke_connection(connection: Connection | uuid.UUID | str) -> None:
    """As if the user disconnected the app from the organisation in Xero."""
    pk = connection.pk if isinstance(connection, Connection) else connection
    Connection.objects.filter(pk=pk).delete()


def expire_tokens(*, organisation: Organisation | None = None, user: SandboxUser | None = None) -> int:
    """Expire the access tokens of an organisation's users (or one user); the next call gets 401 TokenExpired."""
    tokens = AccessToken.objects.filter(expires_at__gt=clock.now())
    if user is not None:
        tokens = tokens.filter(user=user)
    if organisation is not None:
        connected = Connection.objects.filter(organisation=organisation).values("user_id", "app_id")
        tokens = tokens.filter(
            Q(*[Q(user_id=row["user_id"], app_id=row["app_id"]) for row in connected], _connector=Q.OR)
            if connected
            else Q(pk__in=[])
        )
    return tokens.update(expires_at=clock.now() - dt.timedelta(seconds=1))


def revoke_refresh_tokens(*, user: SandboxUser | None = None) -> int:
    """Make every refresh token (of ``user``) unusable, as after a password reset in Xero."""
    tokens = RefreshToken.objects.filter(revoked_at__isnull=True)
    if user is not None:
        tokens = tokens.filter(user=user)
    return tokens.update(revoked_at=clock.now())


def set_lock_dates(
    organisation: Organisation,
    *,
    period_lock_date: dt.date | None = None,
    end_of_year_lock_date: dt.date | None = None,
) -> Organisation:
    """Set (or clear, with None) the organisation's lock dates."""
    organisation.period_lock_date = period_lock_date
    organisation.end_of_year_lock_date = end_of_year_lock_date
    organisation.save(update_fields=["period_lock_date", "end_of_year_lock_date"])
    return organisation


# --- The request log -----------------------------------------------------------------------


def log_request(
    *,
    method: str,
    path: str,
    status: int,
    organisation_id: uuid.UUID | None = None,
    client_id: str = "",
    grant_type: str = "",
    kind: str = RequestLog.Kind.API,
) -> None:
    RequestLog.objects.create(
        created=clock.now(),
        kind=kind,
        method=method,
        path=path,
        status=status,
        organisation_id=organisation_id,
        client_id=client_id,
        grant_type=grant_type,
    )


def calls(
    *,
    method: str | None = None,
    path_contains: str | None = None,
    status: int | None = None,
    organisation: Organisation | uuid.UUID | None = None,
) -> QuerySet[RequestLog]:
    """Logged API calls (token calls excluded), filtered; ``.count()`` to count them."""
    log = RequestLog.objects.filter(kind=RequestLog.Kind.API)
    if method:
        log = log.filter(method=method.upper())
    if path_contains:
        log = log.filter(path__icontains=path_contains)
    if status is not None:
        log = log.filter(status=status)
    if organisation is not None:
        log = log.filter(organisation_id=getattr(organisation, "pk", organisation))
    return log


def token_grants(*, grant_type: str | None = None, status: int | None = None) -> QuerySet[RequestLog]:
    """Logged calls to the token endpoint (authorization_code or refresh_token)."""
    log = RequestLog.objects.filter(kind=RequestLog.Kind.TOKEN)
    if grant_type:
        log = log.filter(grant_type=grant_type)
    if status is not None:
        log = log.filter(status=status)
    return log


def clear_log() -> None:
    RequestLog.objects.all().delete()
