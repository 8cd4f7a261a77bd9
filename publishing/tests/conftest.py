"""Publishing tests run against the sandbox over real HTTP with a connected business.

The business is connected to the sandbox's "Demo Company (UK)" unless a test module asks
for another organisation by overriding ``org_profile`` (``test_publish_to_sandbox``
runs every document type against the UK and the Australian organisation).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from items.demo import document_pdf
from items.models import ItemSettings
from items.services import documents_upload, item_update
from lists.models import Category, Contact, PaymentMethod, TaxRate, TrackingOption


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@dataclass(frozen=True)
class OrgProfile:
    """A sandbox organisation and the values of its country a test item needs."""

    key: str
    organisation: str
    country: str
    currency: str
    purchase_tax: str  # the standard rate on costs
    sales_tax: str  # the standard rate on sales
    zero_tax: str  # a zero-rated (GST-free) rate on costs
    rate: Decimal  # the standard rate

    def tax_on(self, net: str) -> str:
        return str((Decimal(net) * self.rate).quantize(Decimal("0.01")))

    def gross(self, net: str) -> str:
        return str(Decimal(net) + Decimal(self.tax_on(net)))


ORGS = {
    "uk": OrgProfile("uk", "Demo Company (UK)", "GB", "GBP", "INPUT2", "OUTPUT2", "ZERORATEDINPUT", Decimal("0.20")),
    "au": OrgProfile("au", "Demo Company (AU)", "AU", "AUD", "INPUT", "OUTPUT", "EXEMPTEXPENSES", Decimal("0.10")),
}


@pytest.fixture
def org_profile():
    return ORGS["uk"]


@pytest.fixture
def connected(xero_sandbox, client, business, admin_user, org_profile):
    """The business connected to the profile's organisation, with its lists refreshed."""
    from connections.models import XeroConnection
    from connections.tests.sandbox_flow import connect

    business.country, business.base_currency = org_profile.country, org_profile.currency
    business.save(update_fields=["country", "base_currency"])
    client.force_login(admin_user)
    response = connect(client, organisation=org_profile.organisation)
    assert response.status_code == 302, response.content.decode()[:2000]
    connection = XeroConnection.objects.get(business=business)
    assert Category.objects.for_business(business).filter(code="429").exists(), "lists were not refreshed"
    return business, connection


def pdf(reference: str) -> bytes:
    return document_pdf(
        title="Invoice", contact="Supplier", reference=reference, when=date(2026, 5, 4),
        lines=[("Goods", Decimal("100.00"))], tax=Decimal("20.00"),
    )


def read(item, timeout: float = 60.0):
    """The item once capture has read its document: at once when tasks run inline, after
    the capture worker's turn when a real worker runs them (as a person waits for it)."""
    import time

    from items.models import Item, ItemStatus

    deadline = time.monotonic() + timeout
    while True:
        item = Item.objects.get(pk=item.pk)
        if item.status != ItemStatus.PROCESSING or time.monotonic() > deadline:
            return item
        time.sleep(0.2)


class ItemMaker:
    def __init__(self, business, user, profile: OrgProfile = ORGS["uk"]):
        self.business = business
        self.user = user
        self.profile = profile
        self.count = 0

    def contact(self, name):
        return Contact.objects.for_business(self.business).get(name=name)

    def category(self, code):
        return Category.objects.for_business(self.business).get(code=code)

    def tax(self, tax_type):
        return TaxRate.objects.for_business(self.business).get(xero_id=tax_type)

    def payment_method(self, code):
        return PaymentMethod.objects.for_business(self.business).get(code=code)

    def option(self, category, name):
        return TrackingOption.objects.for_business(self.business).get(category__name=category, name=name)

    def __call__(self, *, contact="Bakery Supplies Co", category="429", tax_rate=None, net="100.00",
                 tax=None, total=None, destination="purchases_awaiting_payment", item_type="cost",
                 document_type="invoice", reference=None, when=date(2026, 5, 4), payment_method=None,
                 lines=None, tracking=None, currency=None, content: bytes | None = None, name=None):
        """A Ready item; tax rate, tax, total and currency default to the organisation's
        country (a sale's default tax rate is the sales one)."""
        profile = self.profile
        if tax_rate is None:
            tax_rate = profile.sales_tax if item_type == "sale" else profile.purchase_tax
        tax = profile.tax_on(net) if tax is None else tax
        total = str(Decimal(net) + Decimal(tax)) if total is None else total
        currency = currency or profile.currency
        self.count += 1
        reference = f"INV-{self.count:04d}" if reference is None else reference
        uploaded = SimpleUploadedFile(name or f"bill {self.count}.pdf", content or pdf(reference), "application/pdf")
        item = read(documents_upload(business=self.business, files=[uploaded], acting_user=self.user).items[0])
        data = {
            "item_type": item_type, "document_type": document_type, "contact": self.contact(contact),
            "date": when, "due_date": when, "reference": reference, "currency_code": currency,
            "total": Decimal(total), "tax_amount": Decimal(tax), "net": Decimal(net),
            "category": self.category(category) if category else None,
            "tax_rate": self.tax(tax_rate) if tax_rate else None,
            "publish_destination": destination,
            "payment_method": self.payment_method(payment_method) if payment_method else None,
            "paid": destination == "purchases_paid",
        }
        if tracking:
            data["tracking_option_1"] = self.option(*tracking)
        item = item_update(item=item, data=data, lines=lines, changed_fields=list(data), acting_user=self.user)
        assert item.status == "ready", item.review_issues
        return item


@pytest.fixture
def make_item(connected, admin_user, org_profile):
    business, _ = connected
    return ItemMaker(business, admin_user, org_profile)


@pytest.fixture
def xero_calculates(connected):
    business, _ = connected
    ItemSettings.objects.update_or_create(business=business, defaults={"tax_calculation": "xero"})
