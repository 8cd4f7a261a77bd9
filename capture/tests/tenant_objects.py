"""How the tenant-isolation test makes capture objects (see dext/testing/tenant_urls.py)."""

from items.tests.tenant_objects import make_item


def _item(business):
    return {"pk": make_item(business).pk}


TENANT_OBJECT_URLS = {
    "capture:read_again": _item,
    "capture:create_contact": _item,
}
