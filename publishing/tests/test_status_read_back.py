"""What happens in Xero to a published document comes back to dext: a bill paid, voided or
deleted in Xero (the sandbox, changed over its HTTP API as someone working in Xero would)
shows on the item after a webhook batch names it (``hooks.XERO_CHANGED``, the entry point
the webhook processing calls) or after the periodic poll; and an item whose document was
voided or deleted can be published again."""

import re
from datetime import date, timedelta

import pytest
import requests
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from connections.models import XeroWebhookEvent
from connections.xero.tokens import access_token_for
from dext import hooks
from items.models import ItemHistory, ItemStatus
from publishing import tasks
from publishing.models import Publication, PublicationState
from xero_sandbox import clock, faults
from xero_sandbox.accounting.models import Document

pytestmark = pytest.mark.django_db(transaction=True)


def in_xero(connection, method: str, path: str, body: dict | None = None) -> dict:
    """A change made in Xero itself, through the sandbox's Accounting API."""
    token = access_token_for(connection_id=connection.pk)
    response = requests.request(
        method, f"{settings.XERO_API_URL}/api.xro/2.0/{path}", json=body, timeout=30,
        headers={"Authorization": f"Bearer {token.value}", "Xero-tenant-id": connection.tenant_id,
                 "Accept": "application/json"},
    )
    assert response.status_code == 200, response.text[:2000]
    return response.json()


def publish(client, item):
    response = client.post(reverse("publishing:publish", args=[item.pk]))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED
    return Publication.objects.get(item=item)


def pay(connection, publication, *, amount, on="2026-05-10"):
    in_xero(connection, "PUT", "Payments", {"Payments": [{
        "Invoice": {"InvoiceID": publication.xero_id}, "Account": {"Code": "090"}, "Date": on, "Amount": str(amount),
    }]})


def webhook_batch(connection, **changes):
    """What the webhook processing announces once it has stored a batch of events."""
    hooks.announce(hooks.XERO_CHANGED, connection=connection, changes={k: set(v) for k, v in changes.items()})


def page_of(client, item) -> str:
    return client.get(reverse("items:detail", args=[item.pk])).content.decode()


def history(item) -> list[str]:
    return list(ItemHistory.objects.filter(item=item).order_by("pk").values_list("message", flat=True))


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_bill_paid_in_xero_shows_paid_with_its_date(client, connected, make_item):
    _, connection = connected
    item = make_item(reference="BAKE-2001")
    publication = publish(client, item)
    assert "In Xero: Awaiting payment" in text(page_of(client, item))

    pay(connection, publication, amount=publication.xero_total, on="2026-05-10")
    webhook_batch(connection, INVOICE=[publication.xero_id])

    publication.refresh_from_db()
    assert (publication.xero_status, publication.xero_paid_on) == ("PAID", date(2026, 5, 10))
    assert publication.xero_amount_due == 0
    page = text(page_of(client, item))
    assert "In Xero: Paid" in page
    assert "In Xero: Paid on 10 May 2026" in page
    assert "Paid in Xero on 10 May 2026" in history(item)
    assert "Publish again" not in page


def test_bill_published_as_paid_shows_paid_on_its_payment_date(client, connected, make_item):
    item = make_item(reference="BAKE-2010", destination="purchases_paid", payment_method="090")
    publication = publish(client, item)
    assert (publication.xero_status, publication.xero_paid_on) == ("PAID", date(2026, 5, 4))
    assert "In Xero: Paid on 4 May 2026" in text(page_of(client, item))


def test_bill_voided_in_xero_offers_publish_again(client, connected, make_item):
    _, connection = connected
    item = make_item(reference="BAKE-2002")
    publication = publish(client, item)

    in_xero(connection, "POST", f"Invoices/{publication.xero_id}", {"Invoices": [{"Status": "VOIDED"}]})
    webhook_batch(connection, INVOICE=[publication.xero_id], CONTACT=[])

    page = text(page_of(client, item))
    assert "In Xero: Voided" in page
    assert "was voided in Xero" in page
    assert reverse("publishing:publish_again", args=[item.pk]) in page_of(client, item)
    assert history(item)[-1] == "Voided in Xero"


def test_draft_bill_deleted_in_xero_shows_deleted(client, connected, make_item):
    _, connection = connected
    item = make_item(reference="BAKE-2003", destination="purchases_draft")
    publication = publish(client, item)
    assert "In Xero: Draft" in text(page_of(client, item))

    in_xero(connection, "POST", f"Invoices/{publication.xero_id}", {"Invoices": [{"Status": "DELETED"}]})
    webhook_batch(connection, INVOICE=[publication.xero_id])

    assert "In Xero: Deleted" in text(page_of(client, item))
    assert history(item)[-1] == "Deleted in Xero"


def test_credit_note_voided_in_xero_shows_voided(client, connected, make_item):
    _, connection = connected
    item = make_item(document_type="credit_note", reference="CN-2004")
    publication = publish(client, item)
    assert publication.endpoint == "CreditNotes"
    assert "In Xero: Approved" in text(page_of(client, item))

    in_xero(connection, "POST", f"CreditNotes/{publication.xero_id}", {"CreditNotes": [{"Status": "VOIDED"}]})
    webhook_batch(connection, CREDITNOTE=[publication.xero_id])

    assert "In Xero: Voided" in text(page_of(client, item))
    assert history(item)[-1] == "Voided in Xero"


def test_sales_invoice_paid_in_xero_shows_paid(client, connected, make_item):
    _, connection = connected
    item = make_item(item_type="sale", contact="Corner Cafe", category="200", destination="sales_invoice",
                     reference="S-2005")
    publication = publish(client, item)

    pay(connection, publication, amount=publication.xero_total, on="2026-05-12")
    webhook_batch(connection, INVOICE=[publication.xero_id])

    assert "In Xero: Paid on 12 May 2026" in text(page_of(client, item))
    assert history(item)[-1] == "Paid in Xero on 12 May 2026"


def test_webhook_for_documents_we_did_not_publish_reads_nothing(client, connected, make_item):
    _, connection = connected
    publish(client, make_item(reference="BAKE-2006"))
    faults.clear_log()
    webhook_batch(connection, INVOICE=["0f4b8f7e-0000-4000-8000-000000000001"])
    assert faults.calls(method="GET", path_contains="/Invoices").count() == 0


def test_ten_changed_bills_are_read_back_in_one_call(client, connected, make_item):
    _, connection = connected
    publications = [publish(client, make_item(reference=f"BAKE-30{n:02d}")) for n in range(10)]
    for publication in publications[:4]:
        in_xero(connection, "POST", f"Invoices/{publication.xero_id}", {"Invoices": [{"Status": "VOIDED"}]})
    faults.clear_log()

    webhook_batch(connection, INVOICE=[p.xero_id for p in publications])

    assert faults.calls(method="GET", path_contains="/Invoices").count() == 1
    statuses = [Publication.objects.get(pk=p.pk).xero_status for p in publications]
    assert statuses == ["VOIDED"] * 4 + ["AUTHORISED"] * 6


def test_spend_money_deleted_in_xero_shows_deleted_after_the_poll(client, connected, make_item):
    _, connection = connected
    item = make_item(document_type="receipt", destination="spend_money", payment_method="092", reference="R-4001")
    publication = publish(client, item)
    assert publication.endpoint == "BankTransactions"
    tasks.poll_statuses.delay()  # the first poll: our documents by id, then the high-water mark
    assert "In Xero: Recorded" in text(page_of(client, item))

    in_xero(connection, "POST", f"BankTransactions/{publication.xero_id}",
            {"BankTransactions": [{"Status": "DELETED"}]})
    assert "In Xero: Recorded" in text(page_of(client, item))  # no webhook for bank transactions
    tasks.poll_statuses.delay()

    assert "In Xero: Deleted" in text(page_of(client, item))
    assert history(item)[-1] == "Deleted in Xero"
    assert "Publish again" in page_of(client, item)


def test_poll_reads_only_what_changed_since_the_last_poll(client, connected, make_item):
    from publishing.services import statuses_poll

    _, connection = connected
    first = publish(client, make_item(reference="BAKE-5001"))
    second = publish(client, make_item(reference="BAKE-5002"))
    spend = publish(client, make_item(document_type="receipt", destination="spend_money", payment_method="092",
                                      reference="R-5003"))
    assert set(statuses_poll(connection_id=connection.pk).values()) == {1, 2}  # by id: 2 bills, 1 spend
    checked = Publication.objects.get(pk=first.pk).xero_status_checked_at

    clock.advance(5)
    in_xero(connection, "POST", f"Invoices/{second.xero_id}", {"Invoices": [{"Status": "VOIDED"}]})
    faults.clear_log()
    read = statuses_poll(connection_id=connection.pk)

    # Xero sent only the voided bill; nothing changed among the bank transactions.
    assert read == {"Invoices": 1, "BankTransactions": 0}
    assert faults.calls(method="GET", path_contains="/Invoices").count() == 1
    assert faults.calls(method="GET", path_contains="/BankTransactions").count() == 1
    assert Publication.objects.get(pk=second.pk).xero_status == "VOIDED"
    assert Publication.objects.get(pk=first.pk).xero_status_checked_at == checked
    assert Publication.objects.get(pk=spend.pk).xero_status == "AUTHORISED"


def test_poll_stops_at_xeros_rate_limit_and_keeps_its_place(client, connected, make_item):
    from publishing.models import StatusPoll
    from publishing.services import statuses_poll

    _, connection = connected
    bill = publish(client, make_item(reference="BAKE-5101"))
    publish(client, make_item(document_type="receipt", destination="spend_money", payment_method="092",
                              reference="R-5102"))
    statuses_poll(connection_id=connection.pk)
    marks = StatusPoll.objects.get(connection=connection).marks
    in_xero(connection, "POST", f"Invoices/{bill.xero_id}", {"Invoices": [{"Status": "VOIDED"}]})
    faults.clear_log()
    faults.force_rate_limit(1, retry_after=600, problem="minute")

    assert statuses_poll(connection_id=connection.pk) == {}

    # One call, answered 429; nothing more until Xero's wait is over.
    assert [(call.method, call.status) for call in faults.calls()] == [("GET", 429)]
    assert StatusPoll.objects.get(connection=connection).marks == marks
    assert Publication.objects.get(pk=bill.pk).xero_status == "AUTHORISED"


def test_once_webhooks_arrive_the_poll_reads_only_bank_transactions(client, connected, make_item, settings):
    from publishing.services import statuses_poll

    _, connection = connected
    settings.XERO_WEBHOOK_KEY = "a-webhook-key"
    publish(client, make_item(reference="BAKE-5201"))
    publish(client, make_item(document_type="receipt", destination="spend_money", payment_method="092",
                              reference="R-5202"))
    # The sandbox delivered the bill's events to dext: webhooks cover invoices.
    assert XeroWebhookEvent.objects.filter(tenant_id=connection.tenant_id, category="INVOICE").exists()
    faults.clear_log()
    assert list(statuses_poll(connection_id=connection.pk)) == ["BankTransactions"]
    assert faults.calls(path_contains="/Invoices").count() == 0
    # Silent for more than a week (Xero disabled the webhook?): poll everything again.
    XeroWebhookEvent.objects.update(received_at=timezone.now() - timedelta(days=8))
    assert list(statuses_poll(connection_id=connection.pk)) == ["Invoices", "BankTransactions"]
    XeroWebhookEvent.objects.update(received_at=timezone.now())
    assert list(statuses_poll(connection_id=connection.pk)) == ["BankTransactions"]
    settings.XERO_STATUS_POLL_ALL = True
    assert list(statuses_poll(connection_id=connection.pk)) == ["Invoices", "BankTransactions"]


def test_item_page_polls_its_status_and_updates_when_it_changes(client, connected, make_item):
    _, connection = connected
    item = make_item(reference="BAKE-6001")
    publication = publish(client, item)
    page = page_of(client, item)
    poll_url = reverse("publishing:panel", args=[item.pk]) + "?watch=AUTHORISED"
    assert f'hx-get="{poll_url}"' in page

    unchanged = client.get(poll_url, HTTP_HX_REQUEST="true")
    assert unchanged.status_code == 204

    in_xero(connection, "POST", f"Invoices/{publication.xero_id}", {"Invoices": [{"Status": "VOIDED"}]})
    webhook_batch(connection, INVOICE=[publication.xero_id])
    changed = client.get(poll_url, HTTP_HX_REQUEST="true")
    assert changed.status_code == 200 and "HX-Refresh" not in changed
    html = changed.content.decode()
    assert 'id="item-status" hx-swap-oob="true"' in html and "In Xero: Voided" in text(html)
    assert 'id="history"' in html and "Voided in Xero" in html
    assert "Publish again" in html and "every 10s" not in html  # nothing more to wait for


# --- Publish again --------------------------------------------------------------------------------


def voided(client, connection, item):
    publication = publish(client, item)
    in_xero(connection, "POST", f"Invoices/{publication.xero_id}", {"Invoices": [{"Status": "VOIDED"}]})
    webhook_batch(connection, INVOICE=[publication.xero_id])
    return Publication.objects.get(pk=publication.pk)


def test_publish_again_creates_a_new_document_and_forgets_the_old_one(client, connected, make_item):
    business, connection = connected
    item = make_item(reference="BAKE-7001")
    old = voided(client, connection, item)
    url = reverse("publishing:publish_again", args=[item.pk])

    confirm = text(client.get(url).content.decode())
    assert "stays in Xero as it is" in confirm and "creates a new document in Xero" in confirm

    response = client.post(url, {"then": "publish"})
    assert response.status_code == 302
    item.refresh_from_db()
    publication = Publication.objects.get(item=item)
    assert item.status == ItemStatus.PUBLISHED
    assert publication.xero_id and publication.xero_id != old.xero_id
    assert publication.replaced_xero_ids == [old.xero_id]
    assert publication.create_key != old.create_key
    assert publication.xero_status == "AUTHORISED"
    documents = Document.objects.filter(type="ACCPAY", number="BAKE-7001").order_by("created_at")
    assert [(str(d.pk), d.status) for d in documents] == [(old.xero_id, "VOIDED"), (publication.xero_id, "AUTHORISED")]
    assert documents[1].attachments.count() == 1
    lines = history(item)
    assert "Voided in Xero" in lines
    assert "Publish again by admin@example.com: a bill BAKE-7001 stays voided in Xero; publishing creates a new " \
           "document." in lines
    entry = ItemHistory.objects.filter(item=item, message__startswith="Publish again").get()
    assert entry.user.email == "admin@example.com" and entry.created
    assert "In Xero: Awaiting payment" in text(page_of(client, item))


def test_publish_again_back_to_ready_lets_the_item_be_corrected_first(client, connected, make_item):
    _, connection = connected
    item = make_item(reference="BAKE-7002")
    old = voided(client, connection, item)

    client.post(reverse("publishing:publish_again", args=[item.pk]), {"then": "edit"})

    item.refresh_from_db()
    publication = Publication.objects.get(item=item)
    assert item.status == ItemStatus.READY and item.is_editable
    assert publication.state == PublicationState.CLEARED
    assert (publication.xero_id, publication.create_key, publication.xero_status) == ("", "", "")
    assert publication.create_sent_at is None and publication.attachment_xero_id == ""
    new = publish(client, item)
    assert new.xero_id != old.xero_id
    assert Document.objects.filter(number="BAKE-7002").exclude(status="VOIDED").count() == 1


def test_publish_again_after_an_unanswered_create_never_takes_the_old_document(client, connected, make_item):
    """The new create's answer is lost: the retry gets the new document, never the voided bill."""
    _, connection = connected
    item = make_item(reference="BAKE-7003")
    old = voided(client, connection, item)
    faults.drop_after_commit(path_prefix="/xero-sandbox/api/api.xro/2.0/Invoices", method="PUT")

    client.post(reverse("publishing:publish_again", args=[item.pk]), {"then": "publish"})

    assert not faults.active_rules().exists()  # the create's answer was lost once
    publication = Publication.objects.get(item=item)
    assert publication.xero_id and publication.xero_id != old.xero_id
    assert Document.objects.filter(number="BAKE-7003").exclude(status="VOIDED").count() == 1


def test_standard_user_without_publish_permission_cannot_publish_again(client, connected, make_item, standard_user):
    _, connection = connected
    item = make_item(reference="BAKE-7004")
    old = voided(client, connection, item)
    page = page_of(client, item)
    client.force_login(standard_user)

    staff_page = page_of(client, item)
    assert "Someone who may publish to Xero can publish it again." in text(staff_page)
    assert reverse("publishing:publish_again", args=[item.pk]) not in staff_page
    assert reverse("publishing:publish_again", args=[item.pk]) in page
    url = reverse("publishing:publish_again", args=[item.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"then": "publish"}).status_code == 403
    assert Publication.objects.get(item=item).xero_id == old.xero_id
    assert not any(line.startswith("Publish again") for line in history(item))


def test_publish_again_is_refused_while_the_document_stands_in_xero(client, connected, make_item):
    item = make_item(reference="BAKE-7005")
    publication = publish(client, item)
    response = client.post(reverse("publishing:publish_again", args=[item.pk]), {"then": "publish"}, follow=True)
    assert "Only an item whose document was voided or deleted in Xero can be published again." in text(
        response.content.decode()
    )
    assert Publication.objects.get(item=item).xero_id == publication.xero_id
    assert Document.objects.filter(number="BAKE-7005").count() == 1


# --- The Archive ----------------------------------------------------------------------------------


def test_archive_filters_by_status_in_xero_and_rows_show_it(client, connected, make_item):
    _, connection = connected
    paid = make_item(reference="BAKE-8001")
    paid_publication = publish(client, paid)
    pay(connection, paid_publication, amount=paid_publication.xero_total)
    voided_item = make_item(reference="BAKE-8002")
    voided(client, connection, voided_item)
    open_item = make_item(reference="BAKE-8003")
    publish(client, open_item)
    webhook_batch(connection, INVOICE=[paid_publication.xero_id])

    archive = reverse("items:archive")
    everything = text(client.get(archive).content.decode())
    assert "In Xero: Paid" in everything and "In Xero: Voided" in everything
    assert "In Xero: Awaiting payment" in everything
    assert 'name="xero_status"' in client.get(archive).content.decode()
    assert 'name="xero_status"' not in client.get(reverse("items:inbox")).content.decode()

    def shown(status):
        html = client.get(archive, {"xero_status": status}).content.decode()
        return {ref for ref in ("BAKE-8001", "BAKE-8002", "BAKE-8003") if ref in html}

    assert shown("paid") == {"BAKE-8001"}
    assert shown("voided") == {"BAKE-8002"}
    assert shown("awaiting_payment") == {"BAKE-8003"}
    assert shown("deleted") == set()
    assert shown("") == {"BAKE-8001", "BAKE-8002", "BAKE-8003"}


def test_paid_voided_and_deleted_in_xero_arrive_by_xeros_webhooks(xero_webhooks, client, connected, make_item):
    """End to end, nothing announced by hand: the sandbox signs and delivers its INVOICE
    events to dext's /webhooks/xero/, dext stores and processes them, and reads back."""
    from xero_sandbox.webhooks import deliver_pending

    _, connection = connected
    paid = publish(client, make_item(reference="WH-3001"))
    voided = publish(client, make_item(reference="WH-3002"))
    deleted = publish(client, make_item(reference="WH-3003", destination="purchases_draft"))

    pay(connection, paid, amount=paid.xero_total, on="2026-05-10")
    in_xero(connection, "POST", f"Invoices/{voided.xero_id}", {"Invoices": [{"Status": "VOIDED"}]})
    in_xero(connection, "POST", f"Invoices/{deleted.xero_id}", {"Invoices": [{"Status": "DELETED"}]})
    deliver_pending(force=True)  # what the sandbox's beat would do; eager tasks already have

    for publication, status in ((paid, "PAID"), (voided, "VOIDED"), (deleted, "DELETED")):
        publication.refresh_from_db()
        assert publication.xero_status == status, publication.item.reference
    assert paid.xero_paid_on == date(2026, 5, 10)
    assert "Paid in Xero on 10 May 2026" in history(paid.item)
    assert "Voided in Xero" in text(page_of(client, voided.item))
    assert XeroWebhookEvent.objects.filter(tenant_id=connection.tenant_id, category="INVOICE").count() >= 6
