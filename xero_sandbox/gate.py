"""The door every Accounting API view goes through, in Xero's order.

1. the bearer token (401, ``TokenExpired`` when expired),
2. the ``Xero-tenant-id`` of an organisation connected for the token's user and app (403),
3. the token's scopes for the method (401 ``AuthorizationUnsuccessful``),
4. rate limits (429, ``X-Rate-Limit-Problem``; ``Retry-After`` for the minute and day limits),
5. fault switches (500/503, 409 for a key in flight, a batch answered 400),
6. ``Idempotency-Key`` on POST/PUT: at most 128 characters, the first answer replayed,
   a request whose key is still being served waits for that answer,
7. fault switches (latency, dropped connection after commit),

then the view, called as ``view(request, org, **kwargs)``. Every response after step 4
carries Xero's ``X-*Limit-Remaining`` headers.
"""

import contextlib
import functools
import json
import socket
import time
import uuid
from collections.abc import Callable, Iterator

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.views.decorators.csrf import csrf_exempt

from xero_sandbox import clock, faults
from xero_sandbox.idempotency import (
    IDEMPOTENT_METHODS,
    KEY_TOO_LONG,
    MAX_KEY_LENGTH,
    idempotency_abandon,
    idempotency_begin,
    idempotency_finish,
)
from xero_sandbox.limits import rate_limit_enter, rate_limit_exit
from xero_sandbox.models import AccessToken, FaultRule
from xero_sandbox.selectors import access_token_find, connection_for_tenant

READ_METHODS = ("GET", "HEAD", "OPTIONS")

# Xero's 500 body (seen in xero-node #510).
XERO_500_DETAIL = (
    "An error occurred in Xero. Check the API Status page http://status.developer.xero.com for "
    "current service status. Contact the API support team at api@xero.com for more assistance."
)
# Xero's 503 during an outage is plain text; this wording is the sandbox's own.
XERO_503_TEXT = "The Xero API is temporarily unavailable. Please try again later. (sandbox wording)"


def bad_request(message: str) -> HttpResponse:
    """A 400 in the shape of the spec's ``Error`` (``ErrorNumber``, ``Type``, ``Message``)."""
    return json_response({"ErrorNumber": 400, "Type": "BadRequestException", "Message": message}, status=400)


def key_in_flight_conflict() -> HttpResponse:
    """409 for a key whose first request is still being served. Xero waits for the first
    request instead; the fault switch ``faults.answer_key_conflict`` makes the sandbox answer
    this way, as other APIs do (the IETF Idempotency-Key draft), so clients can be tested
    against it. The wording is the sandbox's own."""
    return xero_problem(409, "Conflict", "A request with this Idempotency-Key is still being processed (sandbox wording).")


def json_response(data, status: int = 200) -> HttpResponse:
    """JSON as Xero writes it (no ASCII escaping, UTF-8)."""
    return HttpResponse(
        json.dumps(data, ensure_ascii=False, default=str),
        status=status,
        content_type="application/json; charset=utf-8",
    )


def xero_problem(status: int, title: str, detail: str) -> HttpResponse:
    """Xero's problem body for 401/403/429/500 (``Type``, ``Title``, ``Status``, ``Detail``, ``Instance``)."""
    return json_response(
        {
            "Type": None,
            "Title": title,
            "Status": status,
            "Detail": detail,
            "Instance": str(uuid.uuid4()),
            "Extensions": {},
        },
        status=status,
    )


def missing_scope() -> HttpResponse:
    """A token without the scope a call needs: 401 ``AuthorizationUnsuccessful``, not 403
    (Xero-NetStandard #178 https://github.com/XeroAPI/Xero-NetStandard/issues/178, #298
    https://github.com/XeroAPI/Xero-NetStandard/issues/298, xero-node #320
    https://github.com/XeroAPI/xero-node/issues/320). 403 is for a tenant that is not
    connected (xero-node #472)."""
    return xero_problem(401, "Unauthorized", "AuthorizationUnsuccessful")


def _bearer(request: HttpRequest) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _allowed(method: str, granted: set[str], scopes: dict[str, tuple[str, ...]]) -> bool:
    write = set(scopes.get("write", ()))
    if method.upper() in READ_METHODS:
        return bool(granted & (set(scopes.get("read", ())) | write))
    return bool(granted & write)


def _client_socket(request: HttpRequest) -> socket.socket | None:
    """The client's socket under gunicorn or Django's own server (runserver, live_server)."""
    environ = request.environ
    if environ.get("gunicorn.socket") is not None:
        return environ["gunicorn.socket"]
    stream = environ.get("wsgi.input")
    # Django's server wraps the socket file in a LimitedStream that keeps its bound read().
    reader = getattr(getattr(stream, "_read", None), "__self__", stream)
    raw = getattr(reader, "raw", None)
    return getattr(raw, "_sock", None)


def _dropped_connection(request: HttpRequest, response: HttpResponse) -> StreamingHttpResponse:
    """Send the headers and half the body, announce more, then cut the connection.

    The client (urllib3) raises ProtocolError/IncompleteRead, exactly as when a
    network drops after Xero has committed the change.
    """
    body = response.content
    client = _client_socket(request)

    def chunks() -> Iterator[bytes]:
        yield body[: len(body) // 2] or b" "
        if client is None:
            raise ConnectionAbortedError("sandbox fault: connection dropped after commit")
        # Already closed by the client is fine: the point is that it is closed.
        with contextlib.suppress(OSError):
            client.shutdown(socket.SHUT_RDWR)

    broken = StreamingHttpResponse(chunks(), status=response.status_code)
    for name, value in response.items():
        broken[name] = value
    broken["Content-Length"] = str(len(body) + 1024)
    return broken


def accounting_endpoint(*, scopes: dict[str, tuple[str, ...]]):
    """scopes maps "read"/"write" to the scopes that allow it, e.g.
    {"read": ("accounting.invoices", "accounting.invoices.read", "accounting.transactions", "accounting.transactions.read"),
     "write": ("accounting.invoices", "accounting.transactions")}.
    GET/HEAD need a read or write scope; PUT/POST/DELETE a write scope.
    Wraps view(request, org: Organisation, **kwargs) -> HttpResponse; csrf_exempt."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            context: dict = {}
            response = _serve(request, view, scopes, context, args, kwargs)
            token = context.get("token")
            faults.log_request(
                method=request.method or "",
                path=request.path,
                status=response.status_code,
                organisation_id=context.get("organisation_id"),
                client_id=token.app.client_id if token else "",
            )
            return response

        return wrapped

    return decorator


def bearer_token(request: HttpRequest) -> tuple[AccessToken | None, HttpResponse | None]:
    """The request's valid access token, or the 401 Xero answers instead."""
    raw = _bearer(request)
    token = access_token_find(token=raw) if raw else None
    if token is None:
        return None, xero_problem(401, "Unauthorized", "AuthenticationUnsuccessful")
    if token.expires_at <= clock.now():
        # Xero's wording and US date format (pyxero PR #337).
        expired_at = token.expires_at.strftime("%m/%d/%Y %H:%M:%S")
        return token, xero_problem(401, "Unauthorized", f"TokenExpired: token expired at {expired_at}")
    return token, None


def _serve(request, view, scopes, context, args, kwargs) -> HttpResponse:
    method = (request.method or "GET").upper()
    token, problem = bearer_token(request)
    context["token"] = token
    if problem is not None:
        return problem

    connection = connection_for_tenant(
        app=token.app, user=token.user, tenant_id=request.headers.get("Xero-Tenant-Id", "")
    )
    if connection is None:
        return xero_problem(403, "Forbidden", "AuthenticationUnsuccessful")
    organisation = connection.organisation
    context["organisation_id"] = organisation.pk
    if not _allowed(method, set(token.scopes.split()), scopes):
        return missing_scope()

    armed = faults.armed_kinds(organisation=organisation)

    def take(*kinds: str) -> FaultRule | None:
        if not armed.intersection(kinds):
            return None
        return faults.take(kinds=kinds, method=method, path=request.path, organisation=organisation)

    forced = take(FaultRule.Kind.RATE_LIMIT)
    if forced is not None:
        return _too_many(forced.problem or "minute", forced.retry_after, {})
    decision = rate_limit_enter(app=token.app, organisation=organisation)
    if not decision.allowed:
        return _too_many(decision.problem, decision.retry_after, decision.headers)
    try:
        response = _serve_counted(request, view, method, organisation, token, args, kwargs, take)
    finally:
        rate_limit_exit(decision)
    for name, value in decision.headers.items():
        response[name] = value
    return response


def _too_many(problem: str, retry_after: int, headers: dict[str, str]) -> HttpResponse:
    """429 with ``X-Rate-Limit-Problem``. ``Retry-After`` only when there is a wait to give
    (``retry_after`` > 0): Xero sends it for the minute and day limits, and a concurrent
    refusal may come without it (https://developer.xero.com/documentation/guides/oauth2/limits/)."""
    response = xero_problem(429, "Too Many Requests", f"Rate limit exceeded: {problem} (sandbox wording)")
    if retry_after:
        response["Retry-After"] = str(retry_after)
    response["X-Rate-Limit-Problem"] = problem
    for name, value in headers.items():
        response[name] = value
    return response


def _serve_counted(request, view, method, organisation, token, args, kwargs, take) -> HttpResponse:
    failure = take(FaultRule.Kind.ERROR_500, FaultRule.Kind.ERROR_503)
    if failure is not None:
        if failure.kind == FaultRule.Kind.ERROR_503:
            return HttpResponse(XERO_503_TEXT, status=503, content_type="text/plain; charset=utf-8")
        return json_response(
            {"Title": "An error occurred", "Detail": XERO_500_DETAIL, "Status": 500, "Instance": str(uuid.uuid4())},
            status=500,
        )

    if take(FaultRule.Kind.KEY_CONFLICT) is not None:
        return key_in_flight_conflict()

    record = None
    key = request.headers.get("Idempotency-Key", "").strip()
    if key and method in IDEMPOTENT_METHODS:
        if len(key) > MAX_KEY_LENGTH:
            return bad_request(KEY_TOO_LONG)
        outcome = idempotency_begin(request=request, app=token.app, key=key)
        if outcome.replay is not None:
            return outcome.replay
        if outcome.conflict == "different":
            return bad_request("The Idempotency-Key has already been used for a different request (sandbox wording).")
        if outcome.conflict == "in_progress":
            # Still being served after the longest wait: the sandbox's own last resort.
            return key_in_flight_conflict()
        record = outcome.record

    latency = take(FaultRule.Kind.LATENCY)
    if latency is not None and latency.latency_ms:
        time.sleep(latency.latency_ms / 1000)
    if take(FaultRule.Kind.BATCH_400) is not None:
        request.sandbox_batch_400 = True
    try:
        response = view(request, organisation, *args, **kwargs)
    except BaseException:
        if record is not None:
            idempotency_abandon(record=record)
        raise
    if record is not None:
        idempotency_finish(record=record, response=response)

    if take(FaultRule.Kind.DROP_AFTER_COMMIT) is not None:
        return _dropped_connection(request, response)
    return response
