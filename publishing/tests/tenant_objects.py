"""How the tenant-isolation test makes publishing objects (see dext/testing/tenant_urls.py)."""

from items.tests.tenant_objects import make_item


def _item(business):
    return {"pk": make_item(business).pk}


TENANT_OBJECT_URLS = {
    "publishing:publish": _item,
    "publishing:retry_attachment": _item,
    "publishing:panel": _item,
    "publishing:publish_again": _item,
    "publishing:xero_match": _item,
    "publishing:xero_match_attach": _item,
    "publishing:xero_match_publish_anyway": _item,
    "publishing:xero_match_skip": _item,
}
