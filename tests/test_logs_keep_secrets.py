"""No token, password, secret or document text ever reaches a log line.

A realistic walk with every logger at DEBUG, rendered as production writes it (JSON):
a wrong password then the right one, Connect to Xero over OAuth (the sandbox over real
HTTP), refresh the lists, upload a document, publish it. Then the logs are searched for
every secret that passed through."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from connections.models import XeroConnection
from connections.tests.sandbox_flow import connect
from dext.observability.testing import CapturedLogs
from items.demo import document_pdf
from items.models import Item
from items.services import item_update
from lists.models import Category, Contact, TaxRate
from publishing.models import Publication

pytestmark = pytest.mark.django_db(transaction=True)

DOCUMENT_TEXT = "Quince preserves, twelve jars"


def _fill_in(item, business, user):
    """What a person types on the item page: supplier, category, tax, amounts."""
    by_business = {"business": business}
    data = {
        "item_type": "cost", "document_type": "invoice",
        "contact": Contact.objects.get(name="Bakery Supplies Co", **by_business),
        "date": date(2026, 5, 4), "due_date": date(2026, 5, 4), "reference": "INV-7731", "currency_code": "GBP",
        "total": Decimal("120.00"), "tax_amount": Decimal("20.00"), "net": Decimal("100.00"),
        "category": Category.objects.get(code="429", **by_business),
        "tax_rate": TaxRate.objects.get(xero_id="INPUT2", **by_business),
        "publish_destination": "purchases_awaiting_payment", "payment_method": None, "paid": False,
    }
    return item_update(item=item, data=data, lines=None, changed_fields=list(data), acting_user=user)


def test_a_full_walk_writes_no_secret_to_the_logs(xero_sandbox, business, admin_user, password, settings, tmp_path):
    from xero_sandbox.models import AuthorisationCode, RefreshToken, SandboxApp

    settings.MEDIA_ROOT = str(tmp_path / "media")
    client = Client()
    with CapturedLogs() as logs:
        client.post(reverse("login"), {"username": admin_user.email, "password": "Wrong-guess-8812"})
        assert client.post(reverse("login"), {"username": admin_user.email, "password": password}).status_code == 302
        assert connect(client, organisation="Demo Company (UK)").status_code == 302
        client.post(reverse("connections:refresh"))
        pdf = document_pdf(title="Invoice", contact="Bakery Supplies Co", reference="INV-7731", when=date(2026, 5, 4),
                           lines=[(DOCUMENT_TEXT, Decimal("100.00"))], tax=Decimal("20.00"))
        client.post(reverse("items:upload"), {"files": SimpleUploadedFile("quince.pdf", pdf, "application/pdf")})
        item = _fill_in(Item.objects.get(business=business), business, admin_user)
        client.post(reverse("publishing:publish", args=[item.pk]))

    assert Publication.objects.get(item=item).xero_id, "the walk did not publish"
    connection = XeroConnection.objects.get(business=business)
    secrets = {
        "the password": password,
        "the wrong password": "Wrong-guess-8812",
        "the access token": connection.access_token,
        "the refresh token": connection.refresh_token,
        "the client secret": SandboxApp.objects.get(client_id=settings.XERO_CLIENT_ID).client_secret,
        "the document's text": DOCUMENT_TEXT,
    }
    secrets.update({f"refresh token {n}": token for n, token in enumerate(RefreshToken.objects.values_list("token", flat=True))})
    secrets.update({f"OAuth code {n}": code for n, code in enumerate(AuthorisationCode.objects.values_list("code", flat=True))})
    text = logs.text
    assert len(text) > 10_000, "the walk logged suspiciously little"
    leaked = [name for name, secret in secrets.items() if secret and secret in text]
    assert not leaked, leaked
    lines = logs.lines()  # every line is one JSON object
    assert any(line.get("event") == "request_finished" and line.get("business_id") == business.pk for line in lines)
