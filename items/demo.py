"""Demo items with documents drawn by code (reportlab PDFs, Pillow images); no downloads.

``seed_demo_items(business=...)`` is called by the ``seed_demo`` command. It uses the
business's lists when they exist and creates none: without lists the items simply stay
To review without a contact. Running it again does nothing.
"""

import io
import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from items import documents
from items.models import Document, DocumentType, Item, ItemHistory, ItemStatus, ItemType
from items.services.history import history_record
from items.services.items import apply_automatic_values, evaluate, item_settings_for
from lists.models import Category, Contact, ListStatus, PaymentMethod, TaxRate

DEMO_MARKER = "demo-"
DEMO_COUNT = 30
SUPPLIER_NAMES = ["Northern Flour Mills", "City Power & Light", "Fresh Dairy Co", "Packaging Direct", "Office Supplies Ltd"]
CUSTOMER_NAMES = ["The Corner Café", "Riverside Hotel", "Green Grocers"]


def document_pdf(*, title: str, contact: str, reference: str, when: date, lines: list[tuple[str, Decimal]], tax: Decimal) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    width, height = A4
    pdf.setFont("Helvetica-Bold", 20)
    pdf.drawString(50, height - 70, title)
    pdf.setFont("Helvetica", 11)
    pdf.drawString(50, height - 100, contact)
    pdf.drawString(350, height - 100, f"Number: {reference}")
    pdf.drawString(350, height - 116, f"Date: {when:%d %b %Y}")
    y = height - 170
    for description, amount in lines:
        pdf.drawString(50, y, description)
        pdf.drawRightString(width - 50, y, f"{amount:.2f}")
        y -= 18
    net = sum((amount for _, amount in lines), Decimal(0))
    for label, amount in (("Net", net), ("Tax", tax), ("Total", net + tax)):
        y -= 18
        pdf.drawString(350, y, label)
        pdf.drawRightString(width - 50, y, f"{amount:.2f}")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def document_image(*, contact: str, when: date, total: Decimal, fmt: str = "PNG") -> bytes:
    """A till receipt: a narrow white slip with a few lines of text."""
    image = Image.new("RGB", (360, 560), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((4, 4, 355, 555), outline="#999999")
    rows = [contact.upper(), "", f"{when:%d/%m/%Y}", "", "Items", "", f"TOTAL  {total:.2f}", "", "Thank you"]
    for number, row in enumerate(rows):
        draw.text((30, 40 + number * 28), row, fill="black")
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


def _active(model, business):
    return list(model.objects.filter(business=business, status=ListStatus.ACTIVE))


def seed_demo_items(*, business, count: int = DEMO_COUNT) -> int:
    """Create ``count`` demo items for ``business``; return how many were created."""
    if Item.objects.filter(business=business, document__original_name__startswith=DEMO_MARKER).exists():
        return 0
    rng = random.Random(business.pk)
    suppliers = [c for c in _active(Contact, business) if c.is_supplier]
    customers = [c for c in _active(Contact, business) if c.is_customer]
    expense_categories = [c for c in _active(Category, business) if c.account_class == "EXPENSE"]
    revenue_categories = [c for c in _active(Category, business) if c.account_class == "REVENUE"]
    tax_rates = _active(TaxRate, business)
    payment_methods = _active(PaymentMethod, business)
    today = date.today()
    created = 0
    for number in range(count):
        sale = number % 6 == 5
        receipt = not sale and number % 3 == 1
        contacts = customers if sale else suppliers
        contact = contacts[number % len(contacts)] if contacts and number % 7 != 3 else None
        names = CUSTOMER_NAMES if sale else SUPPLIER_NAMES
        contact_name = contact.name if contact else names[number % len(names)]
        when = today - timedelta(days=rng.randint(0, 60))
        reference = f"{'INV' if not receipt else 'R'}-{1000 + number}"
        lines = [(f"Goods and services {n + 1}", Decimal(rng.randint(500, 40000)) / 100) for n in range(rng.randint(1, 3))]
        net = sum((amount for _, amount in lines), Decimal(0))
        tax = (net * Decimal("0.20")).quantize(Decimal("0.01"))
        if receipt:
            fmt = "JPEG" if number % 2 else "PNG"
            content = document_image(contact=contact_name, when=when, total=net + tax, fmt=fmt)
            name = f"{DEMO_MARKER}receipt-{number + 1}.{'jpg' if fmt == 'JPEG' else 'png'}"
        else:
            title = "Sales invoice" if sale else "Invoice"
            content = document_pdf(title=title, contact=contact_name, reference=reference, when=when, lines=lines, tax=tax)
            name = f"{DEMO_MARKER}{'sale' if sale else 'bill'}-{number + 1}.pdf"
        categories = revenue_categories if sale else expense_categories
        fitting_rates = [
            rate for rate in tax_rates if (rate.can_apply_to_revenue if sale else rate.can_apply_to_expenses)
        ]
        _create(
            business=business,
            content=content,
            name=name,
            values={
                "item_type": ItemType.SALE if sale else ItemType.COST,
                "document_type": DocumentType.RECEIPT if receipt else DocumentType.INVOICE,
                "contact": contact,
                "date": when,
                "due_date": when + timedelta(days=30) if not receipt else None,
                "reference": reference,
                "net": net,
                "tax_amount": tax,
                "total": net + tax,
                "category": categories[number % len(categories)] if categories else None,
                "tax_rate": fitting_rates[number % len(fitting_rates)] if fitting_rates else None,
                "payment_method": payment_methods[0] if payment_methods and receipt else None,
                "paid": receipt,
            },
            archived=number % 10 == 9,
        )
        created += 1
    return created


@transaction.atomic
def _create(*, business, content: bytes, name: str, values: dict, archived: bool) -> Item:
    content_type = documents.sniff_content_type(content[:16])
    stored = documents.store(business_id=business.id, content=content, content_type=content_type)
    document = documents_model_create(business=business, stored=stored, name=name, content=content)
    item = Item(business=business, document=document, status=ItemStatus.TO_REVIEW)
    item.contact = values.pop("contact")
    apply_automatic_values(item=item, rule=None, item_settings=item_settings_for(business.id))
    for field, value in values.items():
        if value is not None:
            setattr(item, field, value)
    item.save()
    evaluate(item=item, lines=[])
    if archived:
        item.status = ItemStatus.ARCHIVED
    item.save()
    history_record(item=item, user=None, action=ItemHistory.Action.UPLOADED, message=f"Demo data: {name}")
    return item


def documents_model_create(*, business, stored: documents.StoredFile, name: str, content: bytes):
    thumbnail = documents.thumbnail(content, stored.content_type)
    return Document.objects.create(
        business=business,
        storage_name=stored.storage_name,
        thumbnail_name=documents.store_derived(storage_name=stored.storage_name, suffix="thumb.png", content=thumbnail)
        if thumbnail
        else "",
        original_name=name,
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
    )
