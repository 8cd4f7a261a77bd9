import json

from django.core.management import call_command

from xero_sandbox import clock, faults
from xero_sandbox.checks import sandbox_not_in_production
from xero_sandbox.models import Connection, FaultRule, Organisation, SandboxApp, SandboxUser
from xero_sandbox.tests.conftest import authorize_query, consent, pkce_pair


def post(client, action, data):
    return client.post(f"/xero-sandbox/control/api/{action}", json.dumps(data), content_type="application/json")


def test_control_api_sets_fault_switches(client, sandbox):
    assert post(client, "fail", {"count": 2, "status": 503}).status_code == 200
    assert post(client, "drop", {"count": 1}).status_code == 200
    assert post(client, "latency", {"latency_ms": 50}).status_code == 200
    assert post(client, "rate-limit", {"count": 3, "retry_after": 5}).status_code == 200
    assert post(client, "key-conflict", {"count": 1, "method": "PUT"}).status_code == 200
    assert post(client, "batch-400", {"count": 1}).status_code == 200

    kinds = sorted(faults.active_rules().values_list("kind", flat=True))
    assert kinds == sorted(["error_503", "drop_after_commit", "latency", "rate_limit", "key_conflict", "batch_400"])
    assert post(client, "clear-faults", {}).status_code == 200
    assert not FaultRule.objects.exists()


def test_control_api_refuses_bad_input_with_a_message(client, sandbox):
    response = post(client, "fail", {"status": 418})

    assert response.status_code == 400
    assert response.json()["error"] == "status must be 500 or 503"


def test_control_api_sets_lock_dates(client, sandbox):
    uk = sandbox[0]

    response = post(client, "lock-dates", {"tenant_id": str(uk.pk), "period_lock_date": "2026-03-31"})

    assert response.status_code == 200
    uk.refresh_from_db()
    assert str(uk.period_lock_date) == "2026-03-31"
    assert uk.end_of_year_lock_date is None


def test_control_api_revokes_a_connection_and_expires_tokens(client, tokens, sandbox):
    target = Connection.objects.get(organisation=sandbox[0])

    assert post(client, "revoke-connection", {"connection_id": str(target.pk)}).status_code == 200
    response = post(client, "expire-tokens", {"email": "xero.user@example.com"})

    assert not Connection.objects.filter(pk=target.pk).exists()
    assert response.json() == {"expired": 1}


def test_control_api_moves_the_clock(client, sandbox):
    before = clock.now()

    post(client, "clock", {"advance_seconds": 3600})

    assert (clock.now() - before).total_seconds() >= 3600


def test_control_log_counts_calls_and_grants(client, tokens):
    client.get("/xero-sandbox/api/connections", headers={"Authorization": f"Bearer {tokens['access_token']}"})

    body = client.get("/xero-sandbox/control/api/log").json()

    assert body["calls"] == 1
    assert body["token_grants"] == 1
    assert body["recent"][0]["path"] == "/xero-sandbox/api/connections"


def test_control_page_buttons_set_faults(client, sandbox):
    page = client.get("/xero-sandbox/control/")
    assert page.status_code == 200
    assert b"Drop the connection after commit" in page.content

    response = client.post("/xero-sandbox/control/", {"action": "fail", "count": "1", "status": "500"})

    assert response.status_code == 302
    assert faults.active_rules().get().kind == "error_500"


def test_index_lists_organisations_with_links(client, sandbox):
    page = client.get("/xero-sandbox/").content.decode()

    assert "Demo Company (UK)" in page
    assert f'href="orgs/{sandbox[0].pk}/"' in page


def test_seed_command_is_idempotent(db, capsys):
    call_command("seed_sandbox")
    call_command("seed_sandbox")

    assert sorted(Organisation.objects.values_list("country_code", flat=True)) == ["AU", "GB", "NZ"]
    assert SandboxUser.objects.count() == 1
    assert SandboxApp.objects.filter(client_id="dext-sandbox-app").count() == 1
    assert "Sandbox ready" in capsys.readouterr().out


def test_system_check_errors_when_sandbox_runs_without_debug(settings):
    settings.XERO_SANDBOX = True
    settings.DEBUG = False
    settings.XERO_SANDBOX_ALLOW_PRODUCTION = False

    assert [error.id for error in sandbox_not_in_production(None)] == ["xero_sandbox.E001"]
    settings.XERO_SANDBOX_ALLOW_PRODUCTION = True
    assert sandbox_not_in_production(None) == []


def test_pkce_app_needs_a_challenge_and_no_secret(client, sandbox):
    from django.utils import timezone

    SandboxApp.objects.create(
        client_id="desktop-app", app_type="pkce", name="Desktop", created=timezone.now(),
        redirect_uris=["http://localhost:5000/cb"],
    )
    without = client.get(authorize_query(client_id="desktop-app", redirect_uri="http://localhost:5000/cb"))
    assert "error=invalid_request" in without["Location"]

    verifier, challenge = pkce_pair()
    params = consent(
        client,
        authorize_query(client_id="desktop-app", redirect_uri="http://localhost:5000/cb",
                        code_challenge=challenge, code_challenge_method="S256"),
        sandbox,
    )
    response = client.post(
        "/xero-sandbox/identity/connect/token",
        {"grant_type": "authorization_code", "code": params["code"], "redirect_uri": "http://localhost:5000/cb",
         "client_id": "desktop-app", "code_verifier": verifier},
    )

    assert response.status_code == 200
