"""Tenant-owned objects behind tenancy's URLs (see dext/testing/tenant_urls.py)."""

from dext.tenancy.tests.factories import MembershipFactory


def membership(business):
    return {"pk": MembershipFactory(business=business).pk}


TENANT_OBJECT_URLS = {
    "team:member": membership,
    "team:member_remove": membership,
}
