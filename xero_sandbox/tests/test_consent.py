from xero_sandbox.models import Connection
from xero_sandbox.tests.conftest import REDIRECT_URI, authorize_query, consent, log_in, redirect_params


def test_authorize_shows_login_with_demo_credentials(client, sandbox):
    response = client.get(authorize_query())

    assert response.status_code == 200
    assert b"Log in to Xero" in response.content
    assert b"xero.user@example.com" in response.content
    assert b"sandbox-password" in response.content


def test_wrong_password_stays_on_login(client, sandbox):
    response = client.post(authorize_query(), {"action": "login", "email": "xero.user@example.com", "password": "nope"})

    assert response.status_code == 400
    assert b"Your email or password is incorrect." in response.content


def test_login_uses_its_own_cookie_not_the_product_session(client, sandbox):
    response = log_in(client, authorize_query())

    assert response.status_code == 302
    assert "xero_sandbox_login" in response.cookies
    assert "sessionid" not in response.cookies


def test_consent_lists_app_scopes_and_both_organisations(client, sandbox):
    log_in(client, authorize_query())

    page = client.get(authorize_query()).content.decode()

    assert "dext (sandbox) wants access" in page
    assert "Demo Company (UK)" in page and "GBP" in page
    assert "Demo Company (NZ)" in page and "NZD" in page
    assert "View and manage invoices" in page
    assert "Allow access" in page
    assert "Cancel" in page


def test_allow_redirects_with_code_and_state_and_connects_ticked_organisations(client, sandbox):
    uk, nz = sandbox

    params = consent(client, authorize_query(), [uk])

    assert params["state"] == "state-123"
    assert params["code"]
    assert list(Connection.objects.values_list("organisation__name", flat=True)) == ["Demo Company (UK)"]


def test_cancel_redirects_with_access_denied_and_state(client, sandbox):
    log_in(client, authorize_query())

    response = client.post(authorize_query(), {"action": "cancel"})

    assert response["Location"].startswith(REDIRECT_URI)
    assert redirect_params(response) == {"error": "access_denied", "state": "state-123"}
    assert not Connection.objects.exists()


def test_reconsent_says_continue_with_n_organisations_and_issues_new_auth_event(client, sandbox):
    uk, nz = sandbox
    consent(client, authorize_query(), [uk, nz])
    first = Connection.objects.get(organisation=uk)

    page = client.get(authorize_query()).content.decode()
    assert "Continue with 2 organisations" in page
    assert "Allow access" not in page

    client.post(authorize_query(), {"action": "allow", "organisations": [str(uk.pk)]})
    again = Connection.objects.get(organisation=uk)
    assert again.pk == first.pk
    assert again.auth_event_id != first.auth_event_id
    assert again.updated > first.updated


def test_allow_with_no_organisation_ticked_asks_for_one(client, sandbox):
    log_in(client, authorize_query())

    response = client.post(authorize_query(), {"action": "allow"})

    assert response.status_code == 400
    assert b"Choose at least one organisation to connect." in response.content


def test_unknown_client_id_shows_an_error_page_and_never_redirects(client, sandbox):
    response = client.get(authorize_query(client_id="someone-else"))

    assert response.status_code == 400
    assert b"unauthorized_client" in response.content


def test_wrong_redirect_uri_shows_an_error_page_and_never_redirects(client, sandbox):
    response = client.get(authorize_query(redirect_uri="https://evil.example/callback"))

    assert response.status_code == 400
    assert b"Invalid redirect_uri" in response.content


def test_redirect_uris_are_read_from_settings_at_request_time(client, sandbox, settings):
    settings.XERO_SANDBOX_REDIRECT_URIS = ["http://elsewhere.test/cb"]

    assert client.get(authorize_query()).status_code == 400
    assert client.get(authorize_query(redirect_uri="http://elsewhere.test/cb")).status_code == 200


def test_unknown_scope_redirects_with_invalid_scope(client, sandbox):
    response = client.get(authorize_query(scope="openid accounting.everything"))

    assert redirect_params(response) == {"error": "invalid_scope", "state": "state-123"}


def test_response_type_other_than_code_is_refused(client, sandbox):
    response = client.get(authorize_query(response_type="token"))

    assert redirect_params(response)["error"] == "unsupported_response_type"
