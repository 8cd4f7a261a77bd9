"""A user of business A gets 404 for every object URL of business B.

Object URLs are found by walking the URL configuration, so a new app's URLs are
checked as soon as it registers how to create its objects (see
dext/testing/tenant_urls.py); a URL with no registration fails the test, so none escapes the check.
"""

import pytest
from django.urls import reverse

from dext.testing.tenant_urls import object_urls, registered_factories

OBJECT_URLS = object_urls()


def test_the_url_walk_finds_object_urls():
    names = {url.name for url in OBJECT_URLS}
    assert {"team:member", "team:member_remove"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize("object_url", OBJECT_URLS, ids=lambda url: url.name)
def test_another_business_object_answers_404(object_url, admin_client, other_business):
    factory = registered_factories().get(object_url.name)
    if factory is None:
        pytest.fail(
            f"{object_url.name} ({object_url.route}) has no tenant object factory yet: "
            "add it to TENANT_OBJECT_URLS in <app>/tests/tenant_objects.py"
        )
    url = reverse(object_url.name, kwargs=factory(other_business))

    get_status = admin_client.get(url).status_code
    post_status = admin_client.post(url, {}).status_code

    # A POST-only view may refuse GET with 405 before looking anything up; what it
    # must never do is show or change another business's object.
    assert {get_status, post_status} <= {404, 405}, (get_status, post_status)
    assert 404 in {get_status, post_status}
