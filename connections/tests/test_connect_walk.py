"""Connect, reconnect and disconnect against the sandbox over real HTTP."""

import pytest
from django.urls import reverse

from connections.models import ConnectionEvent, ConnectionStatus, EventKind, OAuthAttempt, XeroConnection
from connections.tests.sandbox_flow import SandboxBrowser, connect, product_callback

pytestmark = pytest.mark.django_db(transaction=True)


def test_connect_walk_choose_one_of_two_organisations(xero_sandbox, admin_client, business, admin_user):
    browser = SandboxBrowser()
    start = admin_client.post(reverse("connections:xero_start"), {"purpose": "connect"})
    back = browser.consent(start["Location"], organisations=["Demo Company (UK)", "Demo Company (NZ)"])
    assert "Allow access" in browser.last_page
    choose = admin_client.get(product_callback(admin_client, back)["Location"])
    page = choose.content.decode()
    assert "Demo Company (UK)" in page and "Demo Company (NZ)" in page

    finished = connect(admin_client, organisation="Demo Company (NZ)", grant=["Demo Company (UK)", "Demo Company (NZ)"],
                       browser=browser, purpose="connect")
    assert finished["Location"] == reverse("connections:connected")
    confirmation = admin_client.get(finished["Location"]).content.decode()
    assert "Your organisation is connected" in confirmation and "Finish" in confirmation

    connection = XeroConnection.objects.get(business=business)
    assert connection.status == ConnectionStatus.CONNECTED
    assert connection.tenant_name == "Demo Company (NZ)"
    assert connection.connected_by == admin_user
    assert connection.access_token and connection.refresh_token
    index = admin_client.get(reverse("connections:index")).content.decode()
    assert "Demo Company (NZ)" in index and "Connected" in index and "Manage" in index
    assert ConnectionEvent.objects.filter(business=business, kind=EventKind.CONNECTED).exists()


def test_tokens_are_encrypted_at_rest(xero_connected_business):
    from django.db import connection as db

    business, connection = xero_connected_business
    with db.cursor() as cursor:
        cursor.execute("SELECT * FROM connections_xeroconnection")
        dump = repr(cursor.fetchall())
    assert connection.access_token not in dump
    assert connection.refresh_token not in dump
    assert connection.access_token_encrypted in dump


def test_reconnect_same_organisation_keeps_everything(xero_connected_business, client):
    business, connection = xero_connected_business
    from lists.models import Contact

    contacts_before = Contact.objects.for_business(business).count()
    response = connect(client, organisation="Demo Company (UK)", purpose="reconnect")
    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.CONNECTED
    assert XeroConnection.objects.filter(business=business).count() == 1
    assert Contact.objects.for_business(business).count() == contacts_before
    assert ConnectionEvent.objects.filter(business=business, kind=EventKind.RECONNECTED).exists()


def test_reconnect_shows_continue_with_n_organisations(xero_connected_business, client):
    browser = SandboxBrowser()
    start = client.post(reverse("connections:xero_start"), {"purpose": "reconnect"})
    browser.consent(start["Location"], organisations=None)
    assert "Continue with 1 organisation" in browser.last_page


def test_reconnect_to_another_organisation_needs_confirmation(xero_connected_business, client):
    business, connection = xero_connected_business
    both = ["Demo Company (UK)", "Demo Company (NZ)"]
    browser = SandboxBrowser()
    unconfirmed = connect(client, organisation="Demo Company (NZ)", purpose="reconnect", grant=both, browser=browser)
    assert unconfirmed.status_code == 200
    assert "Yes, switch this business to Demo Company (NZ)" in unconfirmed.content.decode()
    connection.refresh_from_db()
    assert connection.tenant_name == "Demo Company (UK)"

    confirmed = client.post(unconfirmed.wsgi_request.path, {"tenant_id": _tenant_id(unconfirmed, "Demo Company (NZ)"),
                                                           "confirm_change": "yes"})
    assert confirmed.status_code == 302
    connection.refresh_from_db()
    assert connection.tenant_name == "Demo Company (NZ)"
    event = ConnectionEvent.objects.get(business=business, kind=EventKind.ORGANISATION_CHANGED)
    assert "Demo Company (UK)" in event.message and "Demo Company (NZ)" in event.message


def _tenant_id(response, name):
    import re

    return re.search(rf'value="([^"]+)"[^>]*>\s*<label for="tenant-\d+">{re.escape(name)}</label>',
                     response.content.decode()).group(1)


def test_replayed_callback_is_refused_and_changes_nothing(xero_sandbox, admin_client, business):
    browser = SandboxBrowser()
    start = admin_client.post(reverse("connections:xero_start"), {"purpose": "connect"})
    back = browser.consent(start["Location"], organisations=["Demo Company (UK)"])
    assert product_callback(admin_client, back).status_code == 302
    replay = product_callback(admin_client, back)
    assert replay.status_code == 400
    assert "already used" in replay.content.decode()


def test_expired_code_gets_clear_message(xero_sandbox, admin_client, business):
    from xero_sandbox import clock

    browser = SandboxBrowser()
    start = admin_client.post(reverse("connections:xero_start"), {"purpose": "connect"})
    back = browser.consent(start["Location"], organisations=["Demo Company (UK)"])
    clock.advance(6 * 60)
    response = product_callback(admin_client, back)
    assert response.status_code == 400
    assert "code had expired or was already used" in response.content.decode()
    assert not XeroConnection.objects.exists()
    assert OAuthAttempt.objects.get().stage == OAuthAttempt.Stage.FAILED


def test_disconnect_revokes_at_xero_and_keeps_lists(xero_connected_business, client):
    from xero_sandbox.models import Connection as SandboxConnection

    business, connection = xero_connected_business
    assert SandboxConnection.objects.filter(organisation_id=connection.tenant_id).exists()
    page = client.get(reverse("connections:disconnect"))
    assert "Disconnect Xero?" in page.content.decode()
    response = client.post(reverse("connections:disconnect"))
    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.DISCONNECTED
    assert connection.access_token_encrypted == "" and connection.refresh_token_encrypted == ""
    assert not SandboxConnection.objects.filter(organisation_id=connection.tenant_id).exists()
    assert ConnectionEvent.objects.filter(business=business, kind=EventKind.DISCONNECTED).exists()


def test_refresh_starts_one_lists_job(xero_connected_business, client):
    business, _ = xero_connected_business
    from lists.models import ListRefresh

    before = ListRefresh.objects.filter(business=business).count()
    response = client.post(reverse("connections:refresh"))
    assert response.status_code == 302
    assert ListRefresh.objects.filter(business=business).count() == before + 1
    page = client.get(reverse("connections:index")).content.decode()
    assert "Lists refreshed" in page or "Refresh in progress" in page


def test_connecting_again_after_a_disconnect_is_recorded_as_connected(xero_connected_business, client):
    business, connection = xero_connected_business
    client.post(reverse("connections:disconnect"))
    page = client.get(reverse("connections:index")).content.decode()
    # The disconnected organisation's row has its own Connect button, not only under Manage.
    row = page[page.index("<td>Xero</td>"):page.index("</tr>", page.index("<td>Xero</td>"))]
    assert '<input type="hidden" name="purpose" value="connect">' in row
    assert '<button type="submit" class="button button--primary">Connect</button>' in row

    assert connect(client, organisation="Demo Company (UK)", purpose="connect").status_code == 302
    kinds = list(ConnectionEvent.objects.filter(business=business).order_by("created", "pk").values_list("kind", flat=True))
    assert kinds.count(EventKind.CONNECTED) == 2 and EventKind.RECONNECTED not in kinds


def test_list_refreshes_are_in_the_connection_history(xero_connected_business, client, admin_user):
    business, _ = xero_connected_business
    # Connecting refreshed the lists; Manage → Refresh integration data does it again.
    client.post(reverse("connections:refresh"))
    events = ConnectionEvent.objects.filter(business=business, kind=EventKind.REFRESHED).order_by("created", "pk")
    assert events.count() == 2
    first, second = events
    assert first.actor == admin_user
    assert first.message.startswith("Categories and payment methods, suppliers and customers")
    assert "new or changed" in first.message
    assert second.message.endswith(": nothing changed.")
    page = client.get(reverse("connections:index")).content.decode()
    history = page[page.index('id="connection-history"'):]
    assert "<td>Lists refreshed</td>" in history and "nothing changed." in history
