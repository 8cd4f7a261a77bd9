"""Fixtures for items tests: an isolated media folder, list rows, real documents."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from items.demo import document_pdf
from items.services import documents_upload
from lists.models import Category, Contact, PaymentMethod, TaxRate, TrackingCategory, TrackingOption


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def stored_files(media_root) -> list:
    return [path for path in media_root.rglob("*") if path.is_file()] if media_root.exists() else []


def pdf_bytes(reference: str = "INV-1") -> bytes:
    from datetime import date

    return document_pdf(
        title="Invoice", contact="Acme", reference=reference, when=date(2025, 1, 2), lines=[("Flour", Decimal("10.00"))], tax=Decimal("2.00")
    )


def note_pdf(tag: str = "") -> bytes:
    """A PDF page from which capture reads nothing it can use (no date, number or amount),
    as for a document nobody could read: the tests of editing start from blank fields.
    ``tag`` (in the metadata only) makes each file's bytes different."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.setTitle(f"note {tag}")
    for n, line in enumerate(("Delivery note", "Goods delivered in good order and condition.",
                              "Please keep this note with your records.")):
        pdf.drawString(72, 720 - 18 * n, line)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def image_bytes(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 400), "white").save(out, format=fmt)
    return out.getvalue()


def upload_file(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def lists(business):
    """A small chart of accounts, contacts, tax rates, payment method and tracking."""
    make = {"business": business}
    tracking = TrackingCategory.objects.create(xero_id="tc-1", name="Region", **make)
    tracking_other = TrackingCategory.objects.create(xero_id="tc-2", name="Project", **make)
    return {
        "supplier": Contact.objects.create(xero_id="c-1", name="Northern Flour Mills", is_supplier=True, **make),
        "supplier2": Contact.objects.create(xero_id="c-2", name="City Power", is_supplier=True, **make),
        "customer": Contact.objects.create(xero_id="c-3", name="Corner Café", is_customer=True, **make),
        "expense": Category.objects.create(xero_id="a-1", code="400", name="Purchases", type="EXPENSE", account_class="EXPENSE", **make),
        "expense2": Category.objects.create(xero_id="a-2", code="445", name="Light, Power", type="OVERHEADS", account_class="EXPENSE", **make),
        "revenue": Category.objects.create(xero_id="a-3", code="200", name="Sales", type="REVENUE", account_class="REVENUE", **make),
        "input": TaxRate.objects.create(xero_id="INPUT2", name="20% (VAT on Expenses)", effective_rate=Decimal("20"), can_apply_to_expenses=True, **make),
        "output": TaxRate.objects.create(xero_id="OUTPUT2", name="20% (VAT on Income)", effective_rate=Decimal("20"), can_apply_to_revenue=True, **make),
        "bank": PaymentMethod.objects.create(xero_id="b-1", code="090", name="Business Account", kind=PaymentMethod.Kind.BANK, **make),
        "north": TrackingOption.objects.create(xero_id="to-1", category=tracking, name="North", **make),
        "south": TrackingOption.objects.create(xero_id="to-2", category=tracking, name="South", **make),
        "alpha": TrackingOption.objects.create(xero_id="to-3", category=tracking_other, name="Alpha", **make),
    }


@pytest.fixture
def make_item(business, admin_user, django_capture_on_commit_callbacks):
    """Upload a real PDF through the service and return its item, once capture (run
    inline, as the upload's commit triggers it) has read it."""
    counter = {"n": 0}

    def make(*, target_business=None, user=None, content: bytes | None = None):
        counter["n"] += 1
        with django_capture_on_commit_callbacks(execute=True):
            result = documents_upload(
                business=target_business or business,
                files=[upload_file(f"bill-{counter['n']}.pdf", content or note_pdf(str(counter["n"])))],
                acting_user=user or admin_user,
            )
        assert result.rejected == []
        item = result.items[0]
        item.refresh_from_db()
        return item

    return make


def edit_data(item, **overrides) -> dict:
    """The edit form's POST data for ``item`` as it is now, with ``overrides``."""
    from items.services.items import EDITABLE_FIELDS

    item.refresh_from_db()
    lines = list(item.lines.all())
    data = {
        "lines-TOTAL_FORMS": str(len(lines) + 1),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "100",
    }
    for n, line in enumerate(lines):
        for name in ("description", "net", "tax_amount", "total"):
            data[f"lines-{n}-{name}"] = str(getattr(line, name))
        for name in ("category", "tax_rate", "tracking_option_1", "tracking_option_2"):
            if getattr(line, f"{name}_id"):
                data[f"lines-{n}-{name}"] = str(getattr(line, f"{name}_id"))
    for field in EDITABLE_FIELDS:
        value = getattr(item, f"{field}_id", None) if hasattr(item, f"{field}_id") else getattr(item, field)
        if isinstance(value, bool):
            if value:
                data[field] = "on"
        elif value is not None:
            data[field] = str(value)
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = str(value)
    return data
