"""Manage → Refresh integration data runs in a real Celery worker (CI: Redis + PostgreSQL)."""

import time

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.integration]


def test_refresh_runs_in_a_real_worker_and_the_banner_reports_it(xero_connected_business, client, celery_worker):
    from lists.models import Contact, ListRefresh
    from xero_sandbox.accounting import control
    from xero_sandbox.models import Organisation

    business, connection = xero_connected_business
    organisation = Organisation.objects.get(pk=connection.tenant_id)
    control.contact_add(organisation=organisation, name="Fresh Flour Traders", is_supplier=True)

    response = client.post(reverse("connections:refresh"))
    assert response.status_code == 302
    page = client.get(reverse("connections:index")).content.decode()
    assert "Refresh in progress" in page

    refresh = ListRefresh.objects.filter(business=business).latest("pk")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        refresh.refresh_from_db()
        if refresh.status in ("succeeded", "failed"):
            break
        time.sleep(0.3)
    assert refresh.status == "succeeded", celery_worker.log_text()[-3000:]
    assert Contact.objects.for_business(business).filter(name="Fresh Flour Traders").exists()
