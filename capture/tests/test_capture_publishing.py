"""Capture all the way to Xero (the sandbox over HTTP): a document read into an item that
its supplier's rule makes Ready is published by the rule — with the permission of whoever
saved the rule, and never for anyone else — and an e-invoice reaches Xero with its
readable PDF attached."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from capture import samples
from dext.tenancy.models import Membership
from items.models import ContactRule, Item, ItemHistory, ItemStatus
from items.services import contact_rule_save
from lists.models import Category, Contact, TaxRate
from publishing.models import Publication

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def connected(xero_connected_business):
    business, connection = xero_connected_business
    assert Contact.objects.for_business(business).filter(name="Bakery Supplies Co").exists()
    return business, connection


def bakery_invoice(seed: int, **answer):
    supplier = samples.Party(name="Bakery Supplies Co Ltd", address=("2 Bread Street", "London EC4M 9AB"))
    return samples.invoice_pdf(answer=samples.invoice_answer(seed, country="GB", supplier=supplier, **answer))


def auto_publish_rule(business, *, author):
    contact = Contact.objects.for_business(business).get(name="Bakery Supplies Co")
    data = {
        "category": Category.objects.for_business(business).get(code="429"),
        "tax_rate": TaxRate.objects.for_business(business).get(xero_id="INPUT2"),
        "publish_destination": "purchases_awaiting_payment",
        "auto_publish": "always",
    }
    return contact_rule_save(business=business, contact=contact, data=data, acting_user=author)


def upload(client, name, content, content_type="application/pdf"):
    response = client.post(reverse("items:upload"), {"files": [SimpleUploadedFile(name, content, content_type)]})
    assert response.status_code == 302


def sandbox_document(reference):
    from xero_sandbox.accounting.models import Document

    return Document.objects.filter(number=reference)


def test_captured_invoice_is_published_by_its_rule_as_the_rules_author(client, connected, admin_user):
    business, _ = connected
    auto_publish_rule(business, author=admin_user)
    content, answer = bakery_invoice(40)
    upload(client, "bakery.pdf", content)

    item = Item.objects.get(business=business)
    assert item.status == ItemStatus.PUBLISHED, item.review_issues
    publication = Publication.objects.get(item=item)
    assert publication.auto is True and publication.requested_by == admin_user
    bill = sandbox_document(answer.reference).get()
    assert bill.total == answer.total and bill.contact.name == "Bakery Supplies Co"
    assert bill.attachments.count() == 1


def test_capture_never_publishes_for_a_rule_author_who_lost_the_permission(
    client, connected, admin_user, standard_user
):
    business, _ = connected
    Membership.objects.filter(user=standard_user).update(can_publish=True)
    auto_publish_rule(business, author=standard_user)
    Membership.objects.filter(user=standard_user).update(can_publish=False)
    content, answer = bakery_invoice(41)
    client.force_login(standard_user)
    upload(client, "bakery.pdf", content)

    item = Item.objects.get(business=business)
    assert item.status == ItemStatus.READY
    assert not Publication.objects.filter(item=item).exists()
    assert not sandbox_document(answer.reference).exists()
    assert ItemHistory.objects.filter(item=item, message__startswith="Not published automatically").exists()


def test_ubl_einvoice_is_published_with_its_readable_pdf_attached(client, connected, admin_user):
    from xero_sandbox.accounting.models import Attachment

    business, _ = connected
    supplier = samples.Party(name="Bakery Supplies Co Ltd", tax_number="GB123456789")
    content, answer = samples.ubl_xml(answer=samples.invoice_answer(42, country="GB", supplier=supplier))
    contact = Contact.objects.for_business(business).get(name="Bakery Supplies Co")
    ContactRule.objects.create(business=business, contact=contact,
                               category=Category.objects.for_business(business).get(code="429"),
                               publish_destination="purchases_awaiting_payment")
    upload(client, "bakery.xml", content, "application/xml")
    item = Item.objects.get(business=business)
    assert item.status == ItemStatus.READY, item.review_issues
    client.post(reverse("publishing:publish", args=[item.pk]))
    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED
    bill = sandbox_document(answer.reference).get()
    attachment = Attachment.objects.get(document=bill)
    assert attachment.file_name.endswith(".pdf") and attachment.mime_type == "application/pdf"
    assert bytes(attachment.content).startswith(b"%PDF-")


# --- Someone new: "Create supplier in Xero" -------------------------------------------------------
def kestrel_invoice(seed: int):
    supplier = samples.Party(name="Kestrel Print Works Ltd", tax_number="GB555123987",
                             address=("9 Quay Street", "Bristol BS1 4DB"), email="accounts@kestrelprint.co.uk")
    return samples.invoice_pdf(answer=samples.invoice_answer(seed, country="GB", supplier=supplier))


def test_new_supplier_is_offered_created_in_xero_chosen_and_learned(client, connected, admin_user):
    import html

    from capture.models import SupplierAlias
    from xero_sandbox.accounting.models import Contact as XeroContact

    business, _ = connected
    content, answer = kestrel_invoice(50)
    upload(client, "kestrel.pdf", content)
    item = Item.objects.get(business=business)
    assert item.contact is None
    page = html.unescape(client.get(reverse("items:detail", args=[item.pk])).content.decode())
    assert "“Kestrel Print Works Ltd”, read from the document, is not one of your suppliers in Xero." in page
    assert 'value="GB555123987"' in page and 'value="accounts@kestrelprint.co.uk"' in page

    response = client.post(reverse("capture:create_contact", args=[item.pk]), {
        "name": "Kestrel Print Works Ltd", "tax_number": "GB555123987", "email": "accounts@kestrelprint.co.uk"})
    assert response.status_code == 302
    in_xero = XeroContact.objects.get(name="Kestrel Print Works Ltd")
    assert (in_xero.tax_number, in_xero.email_address) == ("GB555123987", "accounts@kestrelprint.co.uk")
    contact = Contact.objects.for_business(business).get(xero_id=str(in_xero.pk))
    assert contact.is_supplier is True  # in Lists at once, before any refresh
    item.refresh_from_db()
    assert item.contact == contact and "contact" in item.manual_fields
    assert SupplierAlias.objects.filter(business=business, contact=contact).exists()

    # Pressing the button again (a double click) makes no second contact.
    client.post(reverse("capture:create_contact", args=[item.pk]), {"name": "Kestrel Print Works Ltd"})
    assert XeroContact.objects.filter(name="Kestrel Print Works Ltd").count() == 1

    # The next document from them goes straight to the new supplier.
    later, _ = kestrel_invoice(51)
    upload(client, "kestrel-2.pdf", later)
    assert Item.objects.filter(business=business).order_by("-id").first().contact == contact


def test_a_contact_xero_already_has_is_linked_not_duplicated(client, connected):
    from xero_sandbox.accounting import control
    from xero_sandbox.accounting.models import Contact as XeroContact
    from xero_sandbox.models import Organisation

    business, connection = connected
    organisation = Organisation.objects.get(pk=connection.tenant_id)
    control.contact_upsert(organisation=organisation, data={"Name": "Kestrel Print Works Ltd"})  # not refreshed yet
    content, _ = kestrel_invoice(52)
    upload(client, "kestrel.pdf", content)
    item = Item.objects.get(business=business)
    client.post(reverse("capture:create_contact", args=[item.pk]), {"name": "Kestrel Print Works Ltd"})
    assert XeroContact.objects.filter(name="Kestrel Print Works Ltd").count() == 1
    item.refresh_from_db()
    assert item.contact.xero_id == str(XeroContact.objects.get(name="Kestrel Print Works Ltd").pk)


def test_creating_a_contact_in_xero_needs_the_publish_permission(client, connected, standard_user):
    from xero_sandbox.accounting.models import Contact as XeroContact

    business, _ = connected
    content, _ = kestrel_invoice(53)
    client.force_login(standard_user)
    upload(client, "kestrel.pdf", content)
    item = Item.objects.get(business=business)
    page = client.get(reverse("items:detail", args=[item.pk])).content.decode()
    assert "can create it in Xero" in page and "capture:create_contact" not in page
    response = client.post(reverse("capture:create_contact", args=[item.pk]), {"name": "Kestrel Print Works Ltd"})
    assert response.status_code == 403
    assert not XeroContact.objects.filter(name="Kestrel Print Works Ltd").exists()
