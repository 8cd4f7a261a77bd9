"""The Accounting API and ``/connections``, through xero-python, for one connection.

xero-python is the transport: it builds URLs, headers and the bearer token. We ask it
for the raw response (``_preload_content=False``) and read Xero's JSON ourselves, which
is several times faster than its model deserialisation for large lists and lets us read
rate-limit headers; writes are sent as plain dicts in Xero's JSON shape.

SDK pitfalls handled here (see shared/research/xero-api.md §6):
- ``Configuration()`` after the first returns a shared copy: we set ``oauth2_token`` on
  each instance, and build one ``ApiClient`` per ``XeroApi``.
- The token getter hands out a fresh token (see ``tokens.py``) without a refresh token,
  so the SDK never refreshes by itself.
- urllib3 silently re-sends a PUT after a dropped connection: we turn its retries off,
  and every urllib3 error becomes :class:`XeroUnavailable` with ``outcome_unknown`` set
  for writes.
"""

import contextlib
import json
import logging
import random
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation

import certifi
import urllib3
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from xero_python.accounting import AccountingApi
from xero_python.api_client import ApiClient
from xero_python.api_client.configuration import Configuration
from xero_python.api_client.oauth2 import OAuth2Token
from xero_python.exceptions import ApiException
from xero_python.identity import IdentityApi

from connections.models import EventKind, XeroConnection
from connections.xero import permissions, tokens
from connections.xero.dates import parse_xero_date, parse_xero_datetime
from connections.xero.errors import (
    XeroAuthError,
    XeroError,
    XeroNotFound,
    XeroPermissionMissing,
    XeroRateLimited,
    XeroRequestInFlight,
    XeroUnavailable,
    XeroValidationError,
)
from connections.xero.ratelimit import OrganisationRateLimiter

logger = logging.getLogger(__name__)

# Reads wait out a 429 themselves when Xero asks for no more than this.
READ_RETRY_AFTER_MAX = 65.0
READ_RETRIES = 3


@dataclass(frozen=True)
class Tenant:
    """One organisation an authorisation gave us access to (an entry of GET /connections)."""

    connection_id: str
    tenant_id: str
    tenant_name: str
    tenant_type: str
    auth_event_id: str
    created: datetime | None
    updated: datetime | None

    def as_dict(self) -> dict:
        return {
            "connection_id": self.connection_id,
            "tenant_id": self.tenant_id,
            "tenant_name": self.tenant_name,
            "tenant_type": self.tenant_type,
            "auth_event_id": self.auth_event_id,
        }


@dataclass(frozen=True)
class DocumentStatus:
    """Where one invoice, bill, credit note or bank transaction stands in Xero now."""

    endpoint: str  # Invoices, CreditNotes or BankTransactions
    xero_id: str
    type: str
    status: str  # DRAFT, SUBMITTED, AUTHORISED, PAID, VOIDED, DELETED
    updated: datetime | None
    amount_due: Decimal | None = None
    fully_paid_on: date | None = None
    is_reconciled: bool | None = None


STATUS_ID_FIELD = {"Invoices": "InvoiceID", "CreditNotes": "CreditNoteID", "BankTransactions": "BankTransactionID"}
# Documents asked for by id in one call: 50 GUIDs keep the URL near 2,000 characters.
STATUS_IDS_PER_CALL = 50
STATUS_PAGE_SIZE = 100


def _money(value) -> Decimal | None:
    try:
        return Decimal(str(value)) if value is not None else None
    except (InvalidOperation, ValueError):
        return None


def document_status_from(endpoint: str, element: dict) -> DocumentStatus:
    due = element.get("RemainingCredit") if endpoint == "CreditNotes" else element.get("AmountDue")
    reconciled = element.get("IsReconciled")
    return DocumentStatus(
        endpoint=endpoint,
        xero_id=str(element.get(STATUS_ID_FIELD[endpoint]) or "").lower(),
        type=str(element.get("Type") or ""),
        status=str(element.get("Status") or "").upper(),
        updated=parse_xero_datetime(element.get("UpdatedDateUTC")),
        amount_due=_money(due),
        fully_paid_on=parse_xero_date(element.get("FullyPaidOnDate")),
        is_reconciled=bool(reconciled) if reconciled is not None else None,
    )


@dataclass
class XeroResponse:
    status: int
    data: dict | list
    headers: dict


def _build_api_client(token_getter) -> ApiClient:
    configuration = Configuration()
    configuration.oauth2_token = OAuth2Token(
        client_id=settings.XERO_CLIENT_ID, client_secret=settings.XERO_CLIENT_SECRET
    )
    api_client = ApiClient(
        configuration,
        oauth2_token_getter=token_getter,
        oauth2_token_saver=_refuse_sdk_token_save,
        pool_threads=1,
    )
    api_client.user_agent = "dext (+https://dext.example/xero)"
    # No silent re-sends: a retry is our decision, made with an Idempotency-Key.
    api_client.rest_client.pool_manager = urllib3.PoolManager(
        num_pools=4, maxsize=4, retries=False, cert_reqs="CERT_REQUIRED", ca_certs=certifi.where()
    )
    return api_client


def _refuse_sdk_token_save(token) -> None:
    # We never give the SDK a refresh token, so it can never refresh; if it ever tried,
    # storing its token outside our lock would fork the token chain.
    logger.error("xero-python attempted to save a token; ignored")


def _token_dict(access_token: str, expires_at: datetime, scope: str) -> dict:
    return {
        "access_token": access_token,
        "token_type": "Bearer",
        "scope": scope.split() if scope else [],
        "expires_in": max(0, int((expires_at - timezone.now()).total_seconds())),
        "expires_at": expires_at.timestamp(),
    }


def _header_dict(headers) -> dict:
    try:
        return {str(k).lower(): v for k, v in dict(headers or {}).items()}
    except (TypeError, ValueError):
        return {}


# A 429 for the concurrent limit may come without Retry-After: a short, jittered pause is
# enough for one of the five calls in flight to finish.
CONCURRENT_BACKOFF = (1.0, 2.0)


def _retry_after(headers: dict, *, problem: str, window_seconds: float) -> float:
    """How long to wait after a 429: ``Retry-After`` when Xero sends one; otherwise by
    ``X-Rate-Limit-Problem``: the minute (or app minute) window, the rest of the UTC day,
    or a brief jittered pause for the concurrent limit (or when Xero doesn't say which)
    (https://developer.xero.com/documentation/guides/oauth2/limits/)."""
    try:
        if headers.get("retry-after") not in (None, ""):
            return max(0.0, float(headers["retry-after"]))
    except (TypeError, ValueError):
        pass
    if problem in ("minute", "appminute"):
        return window_seconds
    if problem == "day":
        now = datetime.now(UTC)
        midnight = datetime(now.year, now.month, now.day, tzinfo=UTC) + timedelta(days=1)
        return (midnight - now).total_seconds()
    return random.uniform(*CONCURRENT_BACKOFF)  # noqa: S311 - jitter, not security


def _parse_json(raw: bytes | str) -> dict | list:
    try:
        data = json.loads(raw or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise XeroUnavailable("Xero sent a response that is not valid JSON.") from exc
    if not isinstance(data, dict | list):
        raise XeroUnavailable("Xero sent an unexpected response.")
    return data


def validation_messages(body) -> list[str]:
    """Every ``ValidationErrors[].Message`` of a Xero 400 body, in order, without repeats."""
    messages: list[str] = []
    if not isinstance(body, dict):
        return messages
    for element in body.get("Elements") or []:
        if not isinstance(element, dict):
            continue
        for error in element.get("ValidationErrors") or []:
            message = (error or {}).get("Message")
            if message and message not in messages:
                messages.append(str(message))
    if not messages:
        for key in ("Message", "Detail", "Title", "error"):
            if body.get(key):
                messages.append(str(body[key]))
                break
    return messages


class XeroApi:
    """Calls for one connection. Build one per task or request (not thread-safe)."""

    def __init__(self, connection: XeroConnection):
        self.connection_id = connection.pk
        self.business_id = connection.business_id
        self.tenant_id = connection.tenant_id
        self.calls = 0
        self.last_response: XeroResponse | None = None
        self.limiter = OrganisationRateLimiter(self.tenant_id)
        self._token: tokens.AccessToken | None = None
        self._api_client = _build_api_client(self._sdk_token)
        self.accounting = AccountingApi(self._api_client, base_url=f"{settings.XERO_API_URL}/api.xro/2.0")
        self.identity = IdentityApi(self._api_client, base_url=settings.XERO_API_URL)

    @classmethod
    def for_connection(cls, connection: XeroConnection) -> "XeroApi":
        return cls(connection)

    # --- tokens ---------------------------------------------------------------
    def _sdk_token(self) -> dict:
        if self._token is None or self._token.expires_at - timezone.now() <= tokens.REFRESH_MARGIN:
            self._token = tokens.access_token_for(connection_id=self.connection_id)
        return _token_dict(self._token.value, self._token.expires_at, self._token.scope)

    # --- the one call path ------------------------------------------------------
    def call(self, api, method: str, *args, write: bool = False, max_wait: float = 90.0, **kwargs) -> XeroResponse:
        """Call ``api.method`` for this tenant and return the parsed response.

        Reads wait out short 429s; a 401 refreshes the token once and retries.
        """
        attempts = 0
        refreshed = False
        while True:
            attempts += 1
            try:
                return self._call_once(api, method, *args, write=write, max_wait=max_wait, **kwargs)
            except XeroRateLimited as exc:
                if write or attempts > READ_RETRIES or exc.retry_after > READ_RETRY_AFTER_MAX:
                    raise
                time.sleep(exc.retry_after)
            except _TokenRejected as exc:
                if refreshed:
                    self._mark_disconnected(exc.detail, kind=EventKind.TOKEN_REFRESH_FAILED)
                    raise XeroAuthError(exc.detail, status=401) from exc
                refreshed = True
                self._token = tokens.refresh_access_token(connection_id=self.connection_id, force=True)

    def _call_once(self, api, method, *args, write, max_wait, **kwargs) -> XeroResponse:
        with self.limiter.slot(max_wait=max_wait):
            self.calls += 1
            try:
                raw = getattr(api, method)(
                    *args, _preload_content=False, _request_timeout=settings.XERO_HTTP_TIMEOUT, **kwargs
                )
                # The body is read here, inside the try: a connection dropped mid-answer
                # surfaces now, as a urllib3 error.
                body = raw.data
            except ApiException as exc:
                self._raise_for(exc, method=method)
            except urllib3.exceptions.HTTPError as exc:
                error = XeroUnavailable(f"Connection to Xero failed: {type(exc).__name__}")
                error.outcome_unknown = write
                raise error from exc
        headers = _header_dict(getattr(raw, "headers", {}))
        self.limiter.observe(headers)
        content_type = headers.get("content-type", "")
        data = _parse_json(body) if "json" in content_type or body[:1] in (b"{", b"[") else {"_raw": body}
        response = XeroResponse(status=raw.status, data=data, headers=headers)
        self.last_response = response
        XeroConnection.objects.filter(pk=self.connection_id).update(last_used_at=timezone.now())
        return response

    def _raise_for(self, exc: ApiException, *, method: str = ""):
        status = getattr(exc, "status", 0) or 0
        headers = _header_dict(getattr(exc, "headers", None))
        raw_body = getattr(exc, "body", b"") or b""
        try:
            body = json.loads(raw_body) if raw_body else {}
        except (ValueError, UnicodeDecodeError):
            body = {"_raw": raw_body[:2000].decode("utf-8", "replace") if isinstance(raw_body, bytes) else str(raw_body)}
        self.last_response = XeroResponse(status=status, data=body, headers=headers)
        self.limiter.observe(headers)
        if status == 0:
            raise XeroUnavailable(f"Could not reach Xero: {getattr(exc, 'reason', '')}") from exc
        if status == 429:
            problem = str(headers.get("x-rate-limit-problem", "")).lower()
            retry_after = _retry_after(headers, problem=problem, window_seconds=self.limiter.limits.window_seconds)
            self.limiter.block(retry_after)
            raise XeroRateLimited(
                f"Xero answered 429 Too Many Requests ({problem or 'no X-Rate-Limit-Problem'}).",
                retry_after=retry_after,
                problem=problem,
                status=status,
                body=body,
            ) from exc
        if status == 401:
            detail = str(body.get("Detail") or "Unauthorized") if isinstance(body, dict) else "Unauthorized"
            if "AuthorizationUnsuccessful" in detail:
                # A scope the call needs was not granted: no refresh (it would not add the
                # scope and spends a rotation), the administrator is told what to allow.
                permission = permissions.permission_for_call(method)
                self._note_permission_refused(permission)
                raise XeroPermissionMissing(detail, permission=permission, status=status, body=body) from exc
            raise _TokenRejected(detail)
        if status == 409:
            raise XeroRequestInFlight(
                "Xero is still processing an earlier request with this Idempotency-Key.", status=status, body=body
            ) from exc
        if status == 403:
            detail = str(body.get("Detail") or "Forbidden") if isinstance(body, dict) else "Forbidden"
            self._mark_disconnected(
                "Xero refused access to the organisation (it may have been disconnected in Xero).",
                kind=EventKind.DISCONNECTED_AT_XERO,
            )
            raise XeroAuthError(detail, status=status, body=body) from exc
        if status == 400 and isinstance(body, dict) and body.get("error") == "invalid_grant":
            self._mark_disconnected("Xero refused the connection's refresh token.", kind=EventKind.TOKEN_REFRESH_FAILED)
            raise XeroAuthError("invalid_grant", status=status, body=body) from exc
        if status == 404:
            raise XeroNotFound(str(body.get("Detail", "")) if isinstance(body, dict) else "", status=status, body=body) from exc
        if status in (400, 413):
            messages = validation_messages(body)
            if status == 413 and not messages:
                messages = ["The file is too large for Xero."]
            raise XeroValidationError("; ".join(messages), messages=messages, status=status, body=body) from exc
        if status >= 500:
            raise XeroUnavailable(f"Xero answered {status}.", status=status, body=body) from exc
        raise XeroError(f"Xero answered {status}.", status=status, body=body) from exc

    def _note_permission_refused(self, permission) -> None:
        """Xero says the token lacks ``permission``: our record of the granted scopes follows,
        so the Connections page names it."""
        if permission is None:
            return
        with transaction.atomic():
            connection = XeroConnection.objects.select_for_update().filter(pk=self.connection_id).first()
            if connection is not None:
                connection.scopes = permissions.scopes_without(connection.scopes, permission)
                connection.save(update_fields=["scopes", "updated"])

    def _mark_disconnected(self, reason: str, *, kind: str) -> None:
        from connections import services

        connection = XeroConnection.objects.get(pk=self.connection_id)
        services.connection_mark_needs_reconnect(connection=connection, kind=kind, reason=reason)

    # --- reads (raw Xero JSON) ------------------------------------------------------
    def _list(self, method: str, key: str, *args, **kwargs) -> list[dict]:
        data = self.call(self.accounting, method, self.tenant_id, *args, **kwargs).data
        if not isinstance(data, dict) or not isinstance(data.get(key, []), list):
            raise XeroUnavailable(f"Xero's {key} response had an unexpected shape.")
        return data.get(key) or []

    def get_organisation(self) -> dict:
        organisations = self._list("get_organisations", "Organisations")
        if not organisations:
            raise XeroUnavailable("Xero returned no organisation.")
        return organisations[0]

    def get_accounts(self, *, if_modified_since: datetime | None = None) -> list[dict]:
        kwargs = {"if_modified_since": if_modified_since} if if_modified_since else {}
        return self._list("get_accounts", "Accounts", **kwargs)

    def get_contacts(
        self,
        *,
        if_modified_since: datetime | None = None,
        page: int = 1,
        page_size: int = 1000,
        summary_only: bool = True,
        include_archived: bool = True,
        where: str | None = None,
    ) -> list[dict]:
        kwargs = {
            "page": page,
            "page_size": page_size,
            "summary_only": summary_only,
            "include_archived": include_archived,
        }
        if if_modified_since:
            kwargs["if_modified_since"] = if_modified_since
        if where:
            kwargs["where"] = where
        return self._list("get_contacts", "Contacts", **kwargs)

    # Ids per GET Contacts?IDs=…, so the query string stays well under URL limits.
    CONTACT_IDS_PER_CALL = 50

    def get_contacts_by_ids(self, contact_ids) -> list[dict]:
        """The contacts with these ContactIDs, archived ones included, in as few calls as the
        URL allows (``IDs`` of https://developer.xero.com/documentation/api/accounting/contacts).
        Ids Xero doesn't know are simply absent."""
        ids = sorted({str(contact_id) for contact_id in contact_ids if contact_id})
        found: list[dict] = []
        for start in range(0, len(ids), self.CONTACT_IDS_PER_CALL):
            chunk = ids[start : start + self.CONTACT_IDS_PER_CALL]
            found.extend(
                self._list("get_contacts", "Contacts", i_ds=chunk, include_archived=True, summary_only=True)
            )
        return found

    def get_tracking_categories(self, *, include_archived: bool = True) -> list[dict]:
        return self._list("get_tracking_categories", "TrackingCategories", include_archived=include_archived)

    def get_tax_rates(self) -> list[dict]:
        return self._list("get_tax_rates", "TaxRates")

    def get_currencies(self) -> list[dict]:
        return self._list("get_currencies", "Currencies")

    # --- writes (Xero JSON in, Xero JSON out) -------------------------------------------------
    _CREATE = {
        "Invoices": "create_invoices",
        "CreditNotes": "create_credit_notes",
        "BankTransactions": "create_bank_transactions",
    }
    _ATTACH = {
        "Invoices": "create_invoice_attachment_by_file_name",
        "CreditNotes": "create_credit_note_attachment_by_file_name",
        "BankTransactions": "create_bank_transaction_attachment_by_file_name",
    }

    def create_documents(self, endpoint: str, payloads: list[dict], *, idempotency_key: str) -> list[dict]:
        """PUT a batch of documents with ``summarizeErrors=false``: Xero answers 200 with each
        element's ``StatusAttributeString`` and ``ValidationErrors``, in the order sent."""
        data = self.call(
            self.accounting, self._CREATE[endpoint], self.tenant_id, {endpoint: payloads},
            summarize_errors=False, idempotency_key=idempotency_key, write=True,
        ).data
        elements = data.get(endpoint) if isinstance(data, dict) else None
        if not isinstance(elements, list) or len(elements) != len(payloads):
            raise XeroUnavailable(f"Xero's answer to creating {endpoint} did not list every document.")
        return elements

    def create_contact(self, payload: dict, *, idempotency_key: str) -> dict:
        """PUT one new contact (https://developer.xero.com/documentation/api/accounting/contacts).
        A name another active contact has raises :class:`XeroValidationError`."""
        data = self.call(
            self.accounting, "create_contacts", self.tenant_id, {"Contacts": [payload]},
            idempotency_key=idempotency_key, write=True,
        ).data
        contacts = data.get("Contacts") if isinstance(data, dict) else None
        if not isinstance(contacts, list) or not contacts or not contacts[0].get("ContactID"):
            raise XeroUnavailable("Xero's answer to creating a contact had no contact.")
        return contacts[0]

    def create_payments(self, payments: list[dict], *, idempotency_key: str) -> list[dict]:
        data = self.call(
            self.accounting, "create_payments", self.tenant_id, {"Payments": payments},
            summarize_errors=False, idempotency_key=idempotency_key, write=True,
        ).data
        elements = data.get("Payments") if isinstance(data, dict) else None
        if not isinstance(elements, list) or len(elements) != len(payments):
            raise XeroUnavailable("Xero's answer to creating payments did not list every payment.")
        return elements

    def attach_file(
        self, endpoint: str, document_id: str, file_name: str, content: bytes, *, idempotency_key: str,
        include_online: bool = False,
    ) -> dict:
        kwargs = {"idempotency_key": idempotency_key}
        if endpoint != "BankTransactions":
            kwargs["include_online"] = include_online
        data = self.call(
            self.accounting, self._ATTACH[endpoint], self.tenant_id, document_id, file_name, content,
            write=True, **kwargs,
        ).data
        attachments = data.get("Attachments") if isinstance(data, dict) else None
        if not isinstance(attachments, list) or not attachments:
            raise XeroUnavailable("Xero's answer to the attachment upload had no attachment.")
        return attachments[0]

    # The xero-python method that lists each kind of document.
    _LIST = {"Invoices": "get_invoices", "CreditNotes": "get_credit_notes", "BankTransactions": "get_bank_transactions"}

    def find_documents(
        self, endpoint: str, *, where: str, page: int = 1, page_size: int = 100, order: str = "UpdatedDateUTC DESC"
    ) -> list[dict]:
        """One page of documents matching ``where``, newest change first, for checking
        before creating again (https://developer.xero.com/documentation/api/accounting/invoices:
        ``where``, ``order``, ``page``, ``pageSize``)."""
        return self._list(self._LIST[endpoint], endpoint, where=where, order=order, page=page, page_size=page_size)

    def document_statuses(self, endpoint: str, ids: list[str]) -> list[DocumentStatus]:
        """The status of each of these documents, in one call per 50 ids: ``IDs`` for
        invoices (https://developer.xero.com/documentation/api/accounting/invoices, "IDs");
        credit notes and bank transactions have no ``IDs`` parameter, so a ``where`` of
        their ids joined with OR."""
        found: list[DocumentStatus] = []
        unique = list(dict.fromkeys(str(i).lower() for i in ids if i))
        for start in range(0, len(unique), STATUS_IDS_PER_CALL):
            chunk = unique[start:start + STATUS_IDS_PER_CALL]
            if endpoint == "Invoices":
                elements = self._list(self._LIST[endpoint], endpoint, i_ds=chunk)
            else:
                field = STATUS_ID_FIELD[endpoint]
                where = " OR ".join(f'{field}==Guid("{xero_id}")' for xero_id in chunk)
                elements = self._list(self._LIST[endpoint], endpoint, where=where)
            found += [document_status_from(endpoint, element) for element in elements if isinstance(element, dict)]
        return found

    def documents_modified_since(self, endpoint: str, since: datetime, *, page: int = 1,
                                 page_size: int = STATUS_PAGE_SIZE) -> list[DocumentStatus]:
        """One page of the documents of ``endpoint`` created or changed after ``since``
        (the ``If-Modified-Since`` header: "only records created or modified since this
        timestamp will be returned", https://developer.xero.com/documentation/api/accounting/requests-and-responses),
        oldest change first so the pages don't shift while they are read. ``since`` is
        sent to the millisecond, as Xero writes UpdatedDateUTC; should Xero compare only
        to the second, a document changed in that second comes again, which is harmless
        (the caller records only what changed)."""
        since = since.astimezone(UTC)
        elements = self._list(
            self._LIST[endpoint], endpoint, if_modified_since=since, page=page, page_size=page_size,
            order="UpdatedDateUTC ASC",
        )
        return [document_status_from(endpoint, element) for element in elements if isinstance(element, dict)]

    def get_invoice(self, invoice_id: str) -> dict:
        """One invoice or bill with its payments and AmountDue."""
        invoices = self._list("get_invoice", "Invoices", invoice_id)
        if not invoices:
            raise XeroNotFound(f"Xero returned no invoice {invoice_id}.")
        return invoices[0]

    # --- /connections -----------------------------------------------------------------
    def get_tenants(self) -> list["Tenant"]:
        data = self.call(self.identity, "get_connections").data
        return _tenants_from(data)

    def delete_tenant_connection(self, xero_connection_id: str) -> None:
        with contextlib.suppress(XeroNotFound):  # already gone at Xero
            self.call(self.identity, "delete_connection", xero_connection_id, write=True)


class _TokenRejected(Exception):
    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


def _tenants_from(data) -> list[Tenant]:
    if not isinstance(data, list):
        raise XeroUnavailable("Xero's /connections response was not a list.")
    tenants = []
    for entry in data:
        if not isinstance(entry, dict) or not entry.get("tenantId"):
            raise XeroUnavailable("Xero's /connections response had an entry without a tenantId.")
        tenants.append(
            Tenant(
                connection_id=str(entry.get("id", "")),
                tenant_id=str(entry["tenantId"]),
                tenant_name=str(entry.get("tenantName") or "Unnamed organisation"),
                tenant_type=str(entry.get("tenantType") or "ORGANISATION"),
                auth_event_id=str(entry.get("authEventId") or ""),
                created=parse_xero_datetime(entry.get("createdDateUtc")),
                updated=parse_xero_datetime(entry.get("updatedDateUtc")),
            )
        )
    return tenants


def tenants_for_token(*, access_token: str, expires_at: datetime, scope: str, auth_event_id: str = "") -> list[Tenant]:
    """GET /connections with a token that is not stored on a connection yet (connect flow)."""

    def getter():
        return _token_dict(access_token, expires_at, scope)

    identity = IdentityApi(_build_api_client(getter), base_url=settings.XERO_API_URL)
    kwargs = {"auth_event_id": auth_event_id} if auth_event_id else {}
    try:
        raw = identity.get_connections(_preload_content=False, _request_timeout=settings.XERO_HTTP_TIMEOUT, **kwargs)
    except ApiException as exc:
        status = getattr(exc, "status", 0)
        if status in (401, 403):
            raise XeroAuthError(f"Xero refused the new token ({status}).", status=status) from exc
        raise XeroUnavailable(f"Xero's /connections answered {status}.", status=status) from exc
    except urllib3.exceptions.HTTPError as exc:
        raise XeroUnavailable(f"Could not reach Xero: {type(exc).__name__}") from exc
    return _tenants_from(_parse_json(raw.data))
