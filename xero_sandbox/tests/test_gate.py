import json
import time

import pytest

from xero_sandbox import clock, faults
from xero_sandbox.limits import DEFAULT_LIMITS
from xero_sandbox.models import InFlightCall, SandboxApp
from xero_sandbox.tests.conftest import CLIENT_ID, authorize_query, consent, exchange

pytestmark = pytest.mark.urls("xero_sandbox.tests.gate_urls")

URL = "/xero-sandbox/api/api.xro/2.0/Things"


@pytest.fixture
def call(client, tokens, sandbox):
    uk = sandbox[0]

    def _call(method="get", *, tenant=uk.pk, token=None, body=None, key=None, url=URL):
        headers = {"Authorization": f"Bearer {token or tokens['access_token']}", "xero-tenant-id": str(tenant)}
        if key:
            headers["Idempotency-Key"] = key
        kwargs = {"headers": headers}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        return getattr(client, method)(url, **kwargs)

    return _call


def test_valid_token_and_tenant_reach_the_view_with_limit_headers(call):
    response = call()

    assert response.status_code == 200
    assert response.json() == {"Tenant": "Demo Company (UK)"}
    assert response["X-MinLimit-Remaining"] == "59"
    assert response["X-DayLimit-Remaining"] == "4999"
    assert response["X-AppMinLimit-Remaining"] == "9999"


def test_tenant_header_name_is_case_insensitive(client, tokens, sandbox):
    response = client.get(
        URL, headers={"Authorization": f"Bearer {tokens['access_token']}", "XERO-TENANT-ID": str(sandbox[1].pk)}
    )

    assert response.json() == {"Tenant": "Demo Company (NZ)"}


def test_garbage_token_is_401(call):
    response = call(token="garbage")

    assert response.status_code == 401
    assert response.json()["Title"] == "Unauthorized"
    assert response.json()["Status"] == 401


def test_expired_token_is_401_token_expired(call):
    clock.advance(30 * 60 + 1)

    response = call()

    assert response.status_code == 401
    assert response.json()["Detail"].startswith("TokenExpired: token expired at ")


def test_tenant_not_connected_is_403_authentication_unsuccessful(call):
    response = call(tenant="00000000-0000-0000-0000-000000000000")

    assert response.status_code == 403
    body = response.json()
    assert (body["Title"], body["Status"], body["Detail"]) == ("Forbidden", 403, "AuthenticationUnsuccessful")


def test_missing_scope_is_401_authorization_unsuccessful(call):
    # Xero-NetStandard #178/#298, xero-node #320: a missing scope is a 401, not a 403.
    response = call(url="/xero-sandbox/api/api.xro/2.0/Payroll")

    assert response.status_code == 401
    body = response.json()
    assert (body["Title"], body["Status"], body["Detail"]) == ("Unauthorized", 401, "AuthorizationUnsuccessful")


def test_read_scope_cannot_write(client, sandbox):
    params = consent(client, authorize_query(scope="offline_access accounting.invoices.read"), sandbox)
    token = exchange(client, params["code"]).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}", "xero-tenant-id": str(sandbox[0].pk)}

    assert client.get(URL, headers=headers).status_code == 200
    assert client.put(URL, data="{}", content_type="application/json", headers=headers).status_code == 401


def test_minute_limit_answers_429_with_retry_after(call, settings):
    settings.XERO_SANDBOX_LIMITS = {"minute": 2}
    clock.freeze()
    call()
    call()

    response = call()

    assert response.status_code == 429
    assert response["X-Rate-Limit-Problem"] == "minute"
    assert 1 <= int(response["Retry-After"]) <= 60
    clock.advance(61)
    assert call().status_code == 200


def test_day_limit_answers_429_day(call, settings):
    settings.XERO_SANDBOX_LIMITS = {"day": 1}
    call()

    response = call()

    assert response.status_code == 429
    assert response["X-Rate-Limit-Problem"] == "day"


def test_app_minute_limit_counts_across_tenants(call, settings, sandbox):
    settings.XERO_SANDBOX_LIMITS = {"app_minute": 1}
    clock.freeze()
    call(tenant=sandbox[0].pk)

    response = call(tenant=sandbox[1].pk)

    assert response["X-Rate-Limit-Problem"] == "appminute"


def test_time_scale_shortens_the_windows(call, settings):
    settings.XERO_SANDBOX_LIMITS = {"minute": 1, "time_scale": 10}
    clock.freeze()
    call()

    response = call()

    assert response.status_code == 429
    assert int(response["Retry-After"]) <= 6
    clock.advance(6)
    assert call().status_code == 200


def test_concurrent_limit_counts_calls_in_flight(call, sandbox, tokens):
    app = SandboxApp.objects.get(client_id=CLIENT_ID)
    for _ in range(DEFAULT_LIMITS["concurrent"]):
        InFlightCall.objects.create(app=app, organisation=sandbox[0], started=clock.now())

    response = call()

    assert response.status_code == 429
    assert response["X-Rate-Limit-Problem"] == "concurrent"
    # Xero gives Retry-After for the minute and day limits only.
    assert "Retry-After" not in response


def test_finished_calls_leave_no_call_in_flight(call):
    call()
    call("put", body={"name": "a"})

    assert InFlightCall.objects.count() == 0


def test_idempotency_key_replays_the_first_response(call):
    first = call("put", body={"name": "once"}, key="k-1")
    second = call("put", body={"name": "once"}, key="k-1")

    assert second.status_code == first.status_code == 200
    assert second.content == first.content
    assert SandboxApp.objects.filter(client_id="once").count() == 1


def test_idempotency_key_replays_errors_too(call):
    first = call("post", body={"fail": True}, key="k-err")
    second = call("post", body={"fail": True}, key="k-err")

    assert second.status_code == first.status_code == 400
    assert second.content == first.content


def test_idempotency_key_with_a_different_request_is_400(call):
    call("put", body={"name": "one"}, key="k-2")

    response = call("put", body={"name": "two"}, key="k-2")

    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["Message"]
    assert not SandboxApp.objects.filter(client_id="two").exists()


def test_idempotency_key_is_forgotten_after_six_minutes(call):
    call("put", body={"name": "again"}, key="k-3")
    clock.advance(6 * 60 + 1)

    response = call("put", body={"name": "again2"}, key="k-3")

    assert response.status_code == 200
    assert SandboxApp.objects.filter(client_id="again2").exists()


def test_rate_limit_is_checked_before_idempotency(call, settings):
    settings.XERO_SANDBOX_LIMITS = {"minute": 1}
    clock.freeze()
    call("put", body={"name": "x1"}, key="k-4")

    response = call("put", body={"name": "x1"}, key="k-4")

    assert response.status_code == 429


def test_crashed_view_frees_its_idempotency_key_so_a_retry_runs(call):
    body = {"crash_once": True, "name": "after-crash"}
    with pytest.raises(Exception):  # noqa: B017  (the test client re-raises the view's error)
        call("put", body=body, key="k-5")

    response = call("put", body=body, key="k-5")

    assert response.status_code == 200
    assert SandboxApp.objects.filter(client_id="after-crash").exists()


def test_fail_next_answers_500_then_recovers(call):
    faults.fail_next(2, status=500)

    first, second, third = call(), call(), call()

    assert (first.status_code, second.status_code, third.status_code) == (500, 500, 200)
    assert first.json()["Title"] == "An error occurred"


def test_fail_next_503_only_for_a_method(call):
    faults.fail_next(1, status=503, method="PUT")

    assert call().status_code == 200
    response = call("put", body={"name": "p"})
    assert response.status_code == 503
    assert not SandboxApp.objects.filter(client_id="p").exists()


def test_forced_rate_limit_answers_429_with_retry_after(call):
    faults.force_rate_limit(1, retry_after=17, problem="day")

    response = call()

    assert response.status_code == 429
    assert response["Retry-After"] == "17"
    assert response["X-Rate-Limit-Problem"] == "day"
    assert call().status_code == 200


def test_latency_delays_calls(call):
    faults.add_latency(200, count=1)
    started = time.monotonic()
    call()
    assert time.monotonic() - started >= 0.2


def test_expire_tokens_gives_token_expired(call, sandbox):
    faults.expire_tokens(organisation=sandbox[0])

    response = call()

    assert response.status_code == 401
    assert "TokenExpired" in response.json()["Detail"]


def test_revoked_connection_is_403(call, sandbox):
    from xero_sandbox.models import Connection

    faults.revoke_connection(Connection.objects.get(organisation=sandbox[0]))

    assert call().status_code == 403
    assert call(tenant=sandbox[1].pk).status_code == 200


def test_calls_are_logged_for_counting(call, sandbox):
    call()
    call(token="garbage")

    assert faults.calls(path_contains="/Things").count() == 2
    assert faults.calls(status=401).count() == 1
    assert faults.calls(organisation=sandbox[0]).count() == 1


def test_calls_over_the_limit_are_not_counted(call, settings):
    settings.XERO_SANDBOX_LIMITS = {"minute": 3}
    clock.freeze()

    results = [call().status_code for _ in range(5)]

    assert results == [200, 200, 200, 429, 429]
