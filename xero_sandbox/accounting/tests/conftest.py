"""Fixtures for the Accounting API contract tests: a live sandbox, a token, xero-python pointed at it,
and a check of every response against Xero's OpenAPI spec."""

import contextlib
import datetime as dt
import secrets
import uuid
from pathlib import Path
from urllib.parse import urlencode

import pytest
import requests
import yaml
from openapi_core import Config, OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse
from openapi_core.templating.responses.exceptions import ResponseNotFound
from requests.structures import CaseInsensitiveDict
from xero_python.accounting import AccountingApi
from xero_python.api_client import ApiClient, Configuration
from xero_python.api_client.oauth2 import OAuth2Token
from xero_python.exceptions import ApiException

from xero_sandbox import clock
from xero_sandbox.accounting.seed import seed_books
from xero_sandbox.models import AccessToken, Connection, Organisation, SandboxApp, SandboxUser
from xero_sandbox.selectors import token_digest

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi" / "xero_accounting.yaml"
API_PREFIX = "/xero-sandbox/api/api.xro/2.0"
ALL_SCOPES = (
    "openid profile email offline_access accounting.settings accounting.contacts accounting.invoices "
    "accounting.banktransactions accounting.payments accounting.attachments"
)


@pytest.fixture(scope="session")
def _spec_dict():
    with SPEC_PATH.open("rb") as handle:
        return yaml.load(handle, Loader=yaml.CSafeLoader)


@pytest.fixture(scope="session")
def openapi(_spec_dict, live_server):
    spec = dict(_spec_dict)
    spec["servers"] = [{"url": live_server.url + API_PREFIX}]
    # Xero's own spec does not pass a strict spec check (see research notes §7).
    return OpenAPI.from_dict(spec, config=Config(spec_validator_cls=None))


@pytest.fixture(autouse=True)
def _real_clock():
    clock.reset()
    yield
    clock.reset()


class Sandbox:
    """One connected organisation and a raw HTTP helper that validates every response."""

    def __init__(self, *, base_url: str, organisation, token: str, openapi):
        self.base_url = base_url
        self.organisation = organisation
        self.token = token
        self.openapi = openapi

    def headers(self, **extra) -> dict:
        return {
            "Authorization": f"Bearer {self.token}",
            "Xero-tenant-id": str(self.organisation.pk),
            "Accept": "application/json",
            **extra,
        }

    def call(self, method: str, path: str, *, json=None, data=None, params=None, headers=None, validate=True):
        url = self.base_url + path
        if params:
            url += "?" + urlencode(params)
        response = requests.request(
            method, url, json=json, data=data, headers=self.headers(**(headers or {})), timeout=30
        )
        if validate and response.headers.get("Content-Type", "").startswith("application/json"):
            check_against_spec(self.openapi, response.request, response)
        return response


def check_against_spec(openapi, prepared_request, response) -> None:
    # ResponseNotFound: the spec documents no body for this status (e.g. 404); nothing to check.
    with contextlib.suppress(ResponseNotFound):
        openapi.validate_response(RequestsOpenAPIRequest(prepared_request), RequestsOpenAPIResponse(response))


def connect(*, organisation, scopes: str = ALL_SCOPES, expires_in: int = 1800) -> str:
    """A bearer token of the built-in app for ``organisation`` (the sandbox's own state)."""
    now = clock.now()
    app, _ = SandboxApp.objects.get_or_create(
        client_id="dext-sandbox-app",
        defaults={"client_secret": "dext-sandbox-secret", "name": "dext (sandbox)", "created": now},
    )
    user, _ = SandboxUser.objects.get_or_create(
        email="xero.user@example.com",
        defaults={"password": "!", "first_name": "Demo", "last_name": "User", "created": now},
    )
    organisation.users.add(user)
    event = uuid.uuid4()
    Connection.objects.update_or_create(
        app=app,
        user=user,
        organisation=organisation,
        defaults={"auth_event_id": event, "scopes": scopes, "created": now, "updated": now},
    )
    raw = secrets.token_urlsafe(40)
    AccessToken.objects.create(
        token_hash=token_digest(raw),
        app=app,
        user=user,
        scopes=scopes,
        auth_event_id=event,
        created=now,
        expires_at=now + dt.timedelta(seconds=expires_in),
    )
    return raw


@pytest.fixture
def organisation(transactional_db):
    org = Organisation.objects.create(
        name="Demo Company (UK)",
        short_code="!uk001",
        country_code="GB",
        base_currency="GBP",
        timezone="GMTSTANDARDTIME",
        created=clock.now(),
    )
    seed_books(org)
    return org


@pytest.fixture
def sandbox(live_server, openapi, organisation, settings):
    settings.XERO_SANDBOX_LIMITS = {"minute": 10000, "day": 100000, "concurrent": 50}
    return Sandbox(
        base_url=live_server.url + API_PREFIX,
        organisation=organisation,
        token=connect(organisation=organisation),
        openapi=openapi,
    )


@pytest.fixture
def accounting(sandbox):
    """xero-python's AccountingApi against the sandbox; every response it receives is checked against the spec."""
    config = Configuration()
    config.oauth2_token = OAuth2Token(client_id="dext-sandbox-app", client_secret="dext-sandbox-secret")
    token = {"access_token": sandbox.token, "scope": ALL_SCOPES.split(), "expires_in": 1800, "token_type": "Bearer"}
    client = ApiClient(config, oauth2_token_getter=lambda: token, oauth2_token_saver=lambda new: None)
    original = client.rest_client.request

    def checked_request(method, url, query_params=None, headers=None, body=None, **kwargs):
        failure = None
        try:
            response = original(method, url, query_params=query_params, headers=headers, body=body, **kwargs)
            status, content, response_headers = response.status, response.data, dict(response.getheaders())
        except ApiException as exc:
            status, content, response_headers = exc.status, exc.body, dict(exc.headers or {})
            failure = exc
        full_url = url + ("?" + urlencode(query_params) if query_params else "")
        if "json" in response_headers.get("Content-Type", ""):
            payload = {"data": body} if isinstance(body, bytes | str) else {"json": body}
            prepared = requests.Request(method, full_url, headers=headers or {}, **payload).prepare()
            fake = requests.Response()
            fake.status_code = status
            fake._content = content if isinstance(content, bytes) else (content or "").encode()
            fake.headers = CaseInsensitiveDict(response_headers)
            fake.request = prepared
            check_against_spec(sandbox.openapi, prepared, fake)
        if failure is not None:
            raise failure
        return response

    client.rest_client.request = checked_request
    return AccountingApi(client, base_url=sandbox.base_url)


@pytest.fixture
def tenant(sandbox) -> str:
    return str(sandbox.organisation.pk)
