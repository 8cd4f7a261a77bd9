"""The sandbox over real HTTP (pytest-django live_server), as the product and xero-python see it."""

import concurrent.futures
import json
import re
from pathlib import Path

import pytest
import requests
import urllib3
import yaml
from django.db import connection
from openapi_core import Config, OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse
from openapi_schema_validator import validate
from xero_python.api_client import ApiClient, Configuration
from xero_python.api_client.oauth2 import OAuth2Token
from xero_python.identity import IdentityApi

from xero_sandbox import faults
from xero_sandbox.models import Connection, SandboxApp
from xero_sandbox.tests.conftest import CLIENT_ID, CLIENT_SECRET, authorize_query, consent, exchange

IDENTITY_SPEC = Path(__file__).resolve().parents[1] / "openapi" / "xero-identity.yaml"


@pytest.fixture
def live_tokens(transactional_db, live_server, client, sandbox):
    params = consent(client, authorize_query(), sandbox)
    response = exchange(client, params["code"])
    assert response.status_code == 200
    return response.json()


@pytest.fixture(scope="module")
def identity_spec() -> dict:
    with IDENTITY_SPEC.open() as spec_file:
        return yaml.load(spec_file, Loader=yaml.CSafeLoader)


def identity_api(live_server, tokens) -> IdentityApi:
    # Configuration is a singleton factory (xero-python #99): set the token on the instance.
    config = Configuration()
    config.oauth2_token = OAuth2Token(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    token = {key: tokens[key] for key in ("access_token", "refresh_token", "id_token", "expires_in", "token_type")}
    token["scope"] = tokens["scope"].split()
    api_client = ApiClient(config, oauth2_token_getter=lambda: token, oauth2_token_saver=lambda new: None)
    return IdentityApi(api_client, base_url=f"{live_server.url}/xero-sandbox/api")


def test_xero_python_lists_connections(live_server, live_tokens, sandbox):
    connections = identity_api(live_server, live_tokens).get_connections()

    assert sorted(c.tenant_name for c in connections) == ["Demo Company (NZ)", "Demo Company (UK)"]
    uk = next(c for c in connections if c.tenant_name == "Demo Company (UK)")
    assert str(uk.tenant_id) == str(sandbox[0].pk)
    assert uk.tenant_type == "ORGANISATION"
    assert uk.created_date_utc is not None


def test_xero_python_filters_connections_by_auth_event(live_server, live_tokens):
    event = Connection.objects.first().auth_event_id

    connections = identity_api(live_server, live_tokens).get_connections(auth_event_id=str(event))

    assert {str(c.auth_event_id) for c in connections} == {str(event)}


def test_xero_python_deletes_a_connection(live_server, live_tokens, sandbox):
    target = Connection.objects.get(organisation=sandbox[1])

    identity_api(live_server, live_tokens).delete_connection(str(target.pk))

    assert not Connection.objects.filter(pk=target.pk).exists()


def test_deleting_an_unknown_connection_is_404(live_server, live_tokens):
    response = requests.delete(
        f"{live_server.url}/xero-sandbox/api/Connections/00000000-0000-0000-0000-000000000000",
        headers={"Authorization": f"Bearer {live_tokens['access_token']}"},
        timeout=10,
    )

    assert response.status_code == 404


def xero_date_time(value) -> bool:
    """RFC 3339, or the offset-less UTC form Xero sends (and its own spec example shows:
    "2019-12-07T18:46:19.5165400"), which strict RFC 3339 rejects."""
    if not isinstance(value, str):
        return True
    return bool(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,7})?(Z|[+-]\d\d:\d\d)?", value))


def test_connections_response_matches_xero_identity_spec(live_server, live_tokens, identity_spec):
    spec = {**identity_spec, "servers": [{"url": f"{live_server.url}/xero-sandbox/api"}]}
    openapi = OpenAPI.from_dict(spec, config=Config(extra_format_validators={"date-time": xero_date_time}))
    response = requests.get(
        f"{live_server.url}/xero-sandbox/api/Connections",
        headers={"Authorization": f"Bearer {live_tokens['access_token']}"},
        timeout=10,
    )

    openapi.validate_response(RequestsOpenAPIRequest(response.request), RequestsOpenAPIResponse(response))
    assert response.json()[0]["createdDateUtc"].count(".") == 1
    assert len(response.json()[0]["createdDateUtc"].split(".")[1]) == 7


def test_token_response_matches_xero_identity_spec(live_tokens, identity_spec):
    validate(live_tokens, identity_spec["components"]["schemas"]["AccessToken"])
    assert isinstance(live_tokens["expires_in"], int)


@pytest.mark.urls("xero_sandbox.tests.gate_urls")
def test_drop_after_commit_breaks_the_connection_after_the_write_lands(live_server, live_tokens, sandbox):
    faults.drop_after_commit(1)
    http = urllib3.PoolManager(retries=False)

    with pytest.raises(urllib3.exceptions.ProtocolError):
        http.request(
            "PUT",
            f"{live_server.url}/xero-sandbox/api/api.xro/2.0/Things",
            body=json.dumps({"name": "dropped"}),
            headers={
                "Authorization": f"Bearer {live_tokens['access_token']}",
                "Xero-Tenant-Id": str(sandbox[0].pk),
                "Content-Type": "application/json",
            },
            timeout=10,
        )

    assert SandboxApp.objects.filter(client_id="dropped").exists()


@pytest.mark.urls("xero_sandbox.tests.gate_urls")
def test_retry_after_a_drop_replays_the_committed_response(live_server, live_tokens, sandbox):
    faults.drop_after_commit(1)
    http = urllib3.PoolManager(retries=False)
    headers = {
        "Authorization": f"Bearer {live_tokens['access_token']}",
        "Xero-Tenant-Id": str(sandbox[0].pk),
        "Content-Type": "application/json",
        "Idempotency-Key": "drop-1",
    }
    url = f"{live_server.url}/xero-sandbox/api/api.xro/2.0/Things"
    with pytest.raises(urllib3.exceptions.ProtocolError):
        http.request("PUT", url, body=json.dumps({"name": "once"}), headers=headers, timeout=10)

    retry = http.request("PUT", url, body=json.dumps({"name": "once"}), headers=headers, timeout=10)

    assert retry.status == 200
    assert json.loads(retry.data)["Name"] == "once"
    assert SandboxApp.objects.filter(client_id="once").count() == 1


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="live_server shares one SQLite connection across threads; run on PostgreSQL",
)
@pytest.mark.urls("xero_sandbox.tests.gate_urls")
def test_concurrent_limit_holds_across_server_threads(live_server, live_tokens, sandbox, settings):
    settings.XERO_SANDBOX_LIMITS = {"concurrent": 5, "minute": 1000}
    faults.add_latency(1500)

    def one_call(_):
        return requests.get(
            f"{live_server.url}/xero-sandbox/api/api.xro/2.0/Things",
            headers={"Authorization": f"Bearer {live_tokens['access_token']}", "Xero-Tenant-Id": str(sandbox[0].pk)},
            timeout=20,
        )

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(one_call, range(8)))

    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(200) == 5
    assert statuses.count(429) == 3
    assert {r.headers["X-Rate-Limit-Problem"] for r in responses if r.status_code == 429} == {"concurrent"}
