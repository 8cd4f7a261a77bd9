"""Publishing tests run against the sandbox over real HTTP with a connected business."""

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


@pytest.fixture
def connected(xero_connected_business):
    """The business connected to "Demo Company (UK)", with its lists refreshed."""
    business, connection = xero_connected_business
    assert Category.objects.for_business(business).filter(code="429").exists(), "lists were not refreshed"
    return business, connection


def pdf(reference: str) -> bytes:
    return document_pdf(
        title="Invoice", contact="Supplier", reference=reference, when=date(2026, 5, 4),
        lines=[("Goods", Decimal("100.00"))], tax=Decimal("20.00"),
    )


class ItemMaker:
    def __init__(self, business, user):
        self.business = business
        self.user = user
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

    def __call__(self, *, contact="Bakery Supplies Co", category="429", tax_rate="INPUT2", net="100.00",
                 tax="20.00", total="120.00", destination="purchases_awaiting_payment", item_type="cost",
                 document_type="invoice", reference=None, when=date(2026, 5, 4), payment_method=None,
                 lines=None, tracking=None, currency="GBP", content: bytes | None = None, name=None):
        self.count += 1
        reference = f"INV-{self.count:04d}" if reference is None else reference
        uploaded = SimpleUploadedFile(name or f"bill {self.count}.pdf", content or pdf(reference), "application/pdf")
        item = documents_upload(business=self.business, files=[uploaded], acting_user=self.user).items[0]
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
def make_item(connected, admin_user):
    business, _ = connected
    return ItemMaker(business, admin_user)


@pytest.fixture
def xero_calculates(connected):
    business, _ = connected
    ItemSettings.objects.update_or_create(business=business, defaults={"tax_calculation": "xero"})
