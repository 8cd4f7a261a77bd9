"""No webhook event lost while the worker is down (CI: PostgreSQL, Redis and a real
``celery -A dext worker``): the endpoint stores what Xero delivers and answers; the worker,
started again, processes it."""

import time

import pytest

from connections.models import WebhookEventOutcome, XeroWebhookEvent

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.integration]


def _wait_for(condition, *, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return False


def test_events_received_while_the_worker_is_stopped_are_processed_when_it_starts(
    xero_webhooks, xero_connected_business, celery_worker
):
    from lists.models import Contact
    from xero_sandbox import webhooks as sandbox_webhooks
    from xero_sandbox.accounting import control
    from xero_sandbox.models import Organisation

    business, connection = xero_connected_business
    organisation = Organisation.objects.get(pk=connection.tenant_id)
    celery_worker.stop()

    control.contact_rename(organisation=organisation, name="Corner Cafe", new_name="Corner Cafe & Bakery")
    # Xero delivers (the sandbox's deliverer, run here: the worker that would run it is down).
    assert sandbox_webhooks.deliver_pending() == 1

    event = XeroWebhookEvent.objects.get()
    assert event.outcome == WebhookEventOutcome.PENDING
    assert Contact.objects.filter(business=business, name="Corner Cafe").exists()

    celery_worker.start()

    assert _wait_for(lambda: XeroWebhookEvent.objects.get().outcome == WebhookEventOutcome.PROCESSED), (
        celery_worker.log_text()[-3000:])
    assert Contact.objects.filter(business=business, name="Corner Cafe & Bakery").exists()
