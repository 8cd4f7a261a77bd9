"""How the tenant-isolation test makes items objects (see dext/testing/tenant_urls.py)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from items.services import documents_upload
from lists.models import Contact

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj " \
      b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def make_item(business):
    upload = SimpleUploadedFile("theirs.pdf", PDF, content_type="application/pdf")
    result = documents_upload(business=business, files=[upload], acting_user=None)
    assert result.items, result.rejected
    return result.items[0]


def _item(business):
    return {"pk": make_item(business).pk}


def _document(business):
    return {"pk": make_item(business).document_id}


def _document_page(business):
    return {"pk": make_item(business).document_id, "number": 1}


def _contact(business):
    contact = Contact.objects.create(business=business, xero_id="their-contact", name="Their Supplier", is_supplier=True)
    return {"contact_id": contact.pk}


TENANT_OBJECT_URLS = {
    "items:detail": _item,
    "items:row": _item,
    "items:item_archive": _item,
    "items:item_unarchive": _item,
    "items:item_keep_both": _item,
    "items:item_create_rule": _item,
    "items:document": _document,
    "items:document_thumbnail": _document,
    "items:document_page": _document_page,
    "items:contact_rule": _contact,
    "items:contact_rule_apply": _contact,
}
