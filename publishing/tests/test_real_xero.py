"""What real Xero does that a product tested only against a tidy sandbox would get wrong
(issue 14), each against the sandbox over HTTP, which now does it too."""

import io
import os
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from items.models import Item, ItemStatus
from publishing.models import Publication, PublicationState
from publishing.services import publication_run, publish_request

pytestmark = pytest.mark.django_db(transaction=True)
INVOICES = "/xero-sandbox/api/api.xro/2.0/Invoices"


def publish(client, item):
    client.post(reverse("publishing:publish", args=[item.pk]))
    item.refresh_from_db()
    return item


def page_of(client, path):
    import html

    return html.unescape(client.get(path).content.decode())


def sandbox_org(connection):
    from xero_sandbox.models import Organisation

    return Organisation.objects.get(pk=connection.tenant_id)


def documents(number):
    from xero_sandbox.accounting.models import Document

    return Document.objects.filter(number=number).exclude(status="VOIDED")


def lost_create(connection, item, *, key):
    """The state a worker killed mid-create leaves: the document reached Xero, its answer
    never did, and Xero has since forgotten the key."""
    from connections.xero.api import XeroApi
    from publishing import mapping
    from publishing.inputs import item_input

    document = mapping.build_document(item_input(item))
    created = XeroApi.for_connection(connection).create_documents(document.endpoint, [document.payload],
                                                                   idempotency_key=key)[0]
    publication = Publication.objects.create(
        business=item.business, item=item, item_version=item.version, state=PublicationState.QUEUED,
        create_key=key, create_sent_at=timezone.now() - timedelta(hours=1),
    )
    Item.objects.filter(pk=item.pk).update(status=ItemStatus.QUEUED)
    return document, created, publication


# --- 1. A 400 on a batch does not prove nothing was created -----------------------------------
def test_batch_answered_400_records_what_xero_created_and_sends_the_others_alone(make_item, connected, admin_user):
    from xero_sandbox import faults
    from xero_sandbox.accounting import control

    business, connection = connected
    kept = [make_item(reference="KEPT-1"), make_item(reference="KEPT-2")]
    refused = make_item(reference="GONE-1", category="400")
    # Archived in Xero after the last lists refresh: only Xero knows.
    control.account_archive(organisation=sandbox_org(connection), code="400")
    faults.answer_batch_400(1)

    result = publish_request(business=business, items=[*kept, refused], acting_user=admin_user)
    assert len(result.queued) == 3

    for item in kept:
        item.refresh_from_db()
        assert item.status == ItemStatus.PUBLISHED
        publication = Publication.objects.get(item=item)
        assert [str(d.pk) for d in documents(item.reference)] == [publication.xero_id]
    refused.refresh_from_db()
    assert refused.status == ItemStatus.FAILED
    assert "The category 400 · Advertising & Marketing has been archived or deleted in Xero" in Publication.objects.get(item=refused).error_message
    assert not documents("GONE-1").exists()
    assert control.count_duplicates(sandbox_org(connection)) == 0
    # After the check for a copy already in Xero, the 400 was followed by a look-up, then by
    # one create of its own for the item Xero didn't have, which Xero answered with that item's error.
    steps = list(Publication.objects.get(item=refused).attempts_log.order_by("pk").values_list("step", "outcome"))
    assert steps == [("lookup", "ok"), ("create", "unknown"), ("lookup", "ok"), ("create", "ok")]


# --- 2. The look-up pages, newest first, with a where on what identifies the document ---------
@pytest.mark.parametrize("kind", ["bill", "spend_money"])
def test_look_up_pages_past_documents_that_only_look_like_ours(make_item, connected, kind):
    from connections.xero.api import XeroApi
    from xero_sandbox import clock
    from xero_sandbox.accounting.models import Document

    business, connection = connected
    values = {"reference": "LOOK-1"}
    if kind == "spend_money":
        values.update(document_type="receipt", destination="spend_money", payment_method="090")
    item = make_item(**values)
    api = XeroApi.for_connection(connection)
    from publishing import mapping
    from publishing.inputs import item_input

    payload = mapping.build_document(item_input(item)).payload
    endpoint = mapping.build_document(item_input(item)).endpoint
    for batch in range(3):  # 150 look-alikes, older than ours
        api.create_documents(endpoint, [payload] * 50, idempotency_key=f"look-alike-{batch}")
    look_alikes = list(Document.objects.filter(reference="LOOK-1") if kind == "spend_money"
                       else Document.objects.filter(number="LOOK-1"))
    _, created, publication = lost_create(connection, item, key="ours")
    # …then voided after ours was made: newest first, they fill the first page and a half.
    clock.advance(5)
    Document.objects.filter(pk__in=[d.pk for d in look_alikes]).update(status="VOIDED", updated_at=clock.now())

    assert publication_run(publication_id=publication.pk) == PublicationState.PUBLISHED
    publication.refresh_from_db()
    id_field = "InvoiceID" if kind == "bill" else "BankTransactionID"
    assert publication.xero_id == created[id_field]
    live = Document.objects.filter(organisation_id=connection.tenant_id).exclude(status="VOIDED")
    assert live.count() == 1
    lookup = publication.attempts_log.get(step="lookup")
    assert lookup.response_body == {"found": 1, "pages": 2}
    assert not publication.attempts_log.filter(step="create").exists()


# --- 3. A retried payment reads the bill first -------------------------------------------------
def test_retried_payment_finds_the_payment_that_landed(make_item, connected):
    from connections.xero.api import XeroApi
    from publishing import mapping
    from publishing.inputs import item_input
    from xero_sandbox.accounting.models import Payment

    business, connection = connected
    item = make_item(reference="PAID-1", destination="purchases_paid", payment_method="090")
    api = XeroApi.for_connection(connection)
    document = mapping.build_document(item_input(item))
    bill = api.create_documents("Invoices", [document.payload], idempotency_key="paid-bill")[0]
    landed = api.create_payments([{**document.payment, "Invoice": {"InvoiceID": bill["InvoiceID"]}}],
                                 idempotency_key="lost-payment")[0]
    publication = Publication.objects.create(
        business=business, item=item, item_version=item.version, state=PublicationState.QUEUED,
        endpoint="Invoices", xero_type="ACCPAY", xero_id=bill["InvoiceID"], payment_needed=True,
        payment_sent_at=timezone.now() - timedelta(hours=1),
    )
    Item.objects.filter(pk=item.pk).update(status=ItemStatus.QUEUED)

    assert publication_run(publication_id=publication.pk) == PublicationState.PUBLISHED
    publication.refresh_from_db()
    assert (publication.payment_xero_id, publication.xero_status) == (landed["PaymentID"], "PAID")
    assert Payment.objects.filter(document_id=bill["InvoiceID"]).count() == 1
    assert not publication.attempts_log.filter(step="payment").exists()


# --- 4. A key still in flight means "ask again soon" --------------------------------------------
def test_an_answer_that_the_key_is_still_in_flight_is_retried_soon(client, make_item, connected):
    from xero_sandbox import faults

    item = make_item(reference="FLIGHT-1")
    faults.answer_key_conflict(1, path_prefix=INVOICES, method="PUT")
    started = time.monotonic()
    item = publish(client, item)
    assert item.status == ItemStatus.PUBLISHED
    assert documents("FLIGHT-1").count() == 1
    creates = Publication.objects.get(item=item).attempts_log.filter(step="create").order_by("pk")
    assert [(a.outcome, a.http_status) for a in creates] == [("retry", 409), ("ok", 200)]
    assert creates[0].idempotency_key == creates[1].idempotency_key
    assert time.monotonic() - started < 30


# --- 5. A missing scope is not an expired token -----------------------------------------------
def test_a_refused_scope_names_the_permission_and_spends_no_refresh(client, make_item, connected):
    from connections.models import ConnectionStatus
    from connections.tests.sandbox_flow import connect
    from xero_sandbox import faults
    from xero_sandbox.models import AccessToken, Connection

    business, connection = connected
    item = make_item(reference="SCOPE-1", destination="purchases_paid", payment_method="090")
    # In Xero, the organisation's consent no longer includes payments.
    for row in (*AccessToken.objects.all(), *Connection.objects.all()):
        row.scopes = row.scopes.replace("accounting.payments", "").strip()
        row.save(update_fields=["scopes"])
    faults.clear_log()

    item = publish(client, item)
    assert item.status == ItemStatus.FAILED
    message = Publication.objects.get(item=item).error_message
    assert "Xero hasn't given dext the “Payments” permission" in message
    assert faults.token_grants(grant_type="refresh_token").count() == 0
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.CONNECTED
    assert [p.key for p in connection.permissions_missing] == ["payments"]
    page = page_of(client, reverse("connections:index"))
    assert "Xero hasn't given dext this permission" in page and "Payments" in page and "Reconnect" in page

    # Reconnecting asks for every scope again; the paused item goes on.
    assert connect(client, organisation="Demo Company (UK)", purpose="reconnect").status_code == 302
    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED
    connection.refresh_from_db()
    assert connection.permissions_missing == []


def test_connect_checks_the_token_grants_every_permission_dext_needs(client, xero_sandbox, business, admin_user,
                                                                     settings):
    from connections.models import XeroConnection
    from connections.tests.sandbox_flow import connect

    settings.XERO_SCOPES = settings.XERO_SCOPES.replace("accounting.payments", "").replace("  ", " ")
    client.force_login(admin_user)
    assert connect(client, organisation="Demo Company (UK)").status_code == 302
    connection = XeroConnection.objects.get(business=business)
    assert [p.label for p in connection.permissions_missing] == ["Payments"]
    page = page_of(client, reverse("connections:index"))
    assert "record payments against bills you publish as paid" in page
    assert "Xero didn't grant: Payments." in page


# --- 6. Rate limits: the concurrent limit may come without Retry-After ------------------------
def test_a_concurrent_limit_without_retry_after_is_a_brief_pause(client, make_item, connected):
    from xero_sandbox import faults

    business, connection = connected
    item = make_item(reference="BUSY-1")
    faults.force_rate_limit(1, retry_after=None, problem="concurrent", organisation=sandbox_org(connection))
    started = time.monotonic()
    item = publish(client, item)
    assert item.status == ItemStatus.PUBLISHED
    assert faults.calls(status=429).count() == 1
    assert time.monotonic() - started < 10  # not the 60 s a missing Retry-After used to mean


def test_retry_after_is_honoured_and_the_problem_read(connected):
    from connections.xero.api import XeroApi
    from connections.xero.errors import XeroRateLimited
    from xero_sandbox import faults

    business, connection = connected
    faults.force_rate_limit(1, retry_after=3, problem="minute", organisation=sandbox_org(connection))
    api = XeroApi.for_connection(connection)
    with pytest.raises(XeroRateLimited) as caught:
        api.create_payments([{}], idempotency_key="never-sent")  # writes are not retried in place
    assert (caught.value.problem, caught.value.retry_after) == ("minute", 3.0)
    started = time.monotonic()
    api.get_organisation()  # blocked until Retry-After has passed
    assert time.monotonic() - started >= 2.5


def test_a_day_limit_without_retry_after_waits_for_the_next_utc_day():
    from connections.xero.api import _retry_after

    assert _retry_after({}, problem="minute", window_seconds=60.0) == 60.0
    assert 0 < _retry_after({}, problem="day", window_seconds=60.0) <= 86400
    assert 1.0 <= _retry_after({}, problem="concurrent", window_seconds=60.0) <= 2.0
    assert _retry_after({"retry-after": "7"}, problem="concurrent", window_seconds=60.0) == 7.0


# --- 7. Attachments over the strictest documented limit ---------------------------------------
def _noisy_pdf(side: int) -> bytes:
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(50, 800, "Invoice BIG-1 from Bakery Supplies Co")
    page.drawImage(ImageReader(image), 50, 50, 400, 400)
    page.showPage()
    page.save()
    return out.getvalue()


def test_a_pdf_over_the_limit_is_compressed_and_attached(client, make_item, settings):
    from pypdf import PdfReader

    assert settings.XERO_ATTACHMENT_MAX_BYTES == 3 * 1024 * 1024
    content = _noisy_pdf(1400)
    assert len(content) > 5 * 1024 * 1024
    item = publish(client, make_item(reference="BIG-1", content=content))
    assert item.status == ItemStatus.PUBLISHED
    attachment = documents("BIG-1").get().attachments.get()
    assert attachment.content_length <= 3 * 1024 * 1024
    assert attachment.file_name.endswith(".pdf")
    text = PdfReader(io.BytesIO(bytes(attachment.content))).pages[0].extract_text()
    assert "Invoice BIG-1" in text
    assert Publication.objects.get(item=item).error_code == ""


def test_a_photo_over_the_limit_is_resized_and_sent_as_jpeg(client, make_item):
    from PIL import Image

    png = io.BytesIO()
    Image.frombytes("RGB", (2000, 1500), os.urandom(2000 * 1500 * 3)).save(png, "PNG")
    item = make_item(reference="PHOTO-1", content=png.getvalue(), name="till receipt.png")
    item = publish(client, item)
    attachment = documents("PHOTO-1").get().attachments.get()
    assert (attachment.file_name, attachment.mime_type) == ("till receipt.jpg", "image/jpeg")
    assert attachment.content_length <= 3 * 1024 * 1024
    assert Image.open(io.BytesIO(bytes(attachment.content))).format == "JPEG"


def test_a_document_that_still_does_not_fit_is_published_without_it_and_says_why(client, make_item, settings):
    settings.XERO_ATTACHMENT_MAX_BYTES = 20 * 1024  # (the sandbox enforces the same setting)
    content = _noisy_pdf(300)  # its image alone stays over 20 KB at any quality we try
    item = publish(client, make_item(reference="HUGE-1", content=content))
    assert item.status == ItemStatus.PUBLISHED
    assert not documents("HUGE-1").get().attachments.exists()
    publication = Publication.objects.get(item=item)
    assert publication.error_code == "attachment_too_large"
    page = page_of(client, reverse("items:detail", args=[item.pk])).replace("\xa0", " ")
    assert "its document could not be attached: it is" in page
    assert "even after compressing, and Xero accepts attachments up to 20.0 KB" in page


# --- 10. A foreign-currency document without a rate -------------------------------------------
def test_foreign_currency_bill_without_a_rate_gets_xeros_day_rate(client, make_item):
    from xero_sandbox.accounting import rates

    item = publish(client, make_item(reference="USD-1", currency="USD", when=date(2026, 5, 4)))
    assert item.status == ItemStatus.PUBLISHED
    document = documents("USD-1").get()
    assert document.currency_code == "USD"
    assert document.currency_rate == rates.day_rate(base="GBP", currency="USD", on=date(2026, 5, 4)) != Decimal(1)


def test_a_scope_setting_without_a_needed_permission_is_a_system_check_warning(settings):
    from django.core.checks import run_checks

    assert not [m for m in run_checks() if m.id == "connections.W001"]
    settings.XERO_SCOPES = settings.XERO_SCOPES.replace("accounting.payments", "")
    warnings = [m for m in run_checks() if m.id == "connections.W001"]
    assert len(warnings) == 1 and "Payments (accounting.payments or accounting.transactions)" in warnings[0].msg
