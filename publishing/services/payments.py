"""Step 2: the payment of a bill published as Paid."""

from django.utils import timezone

from connections.xero.api import XeroApi
from connections.xero.dates import parse_xero_date
from connections.xero.errors import XeroRateLimited, XeroUnavailable, XeroValidationError
from publishing import catalogue, mapping
from publishing.inputs import item_input
from publishing.models import Publication, PublishAttempt
from publishing.services.attempt_log import attempts_end, attempts_start
from publishing.services.creating import IDEMPOTENCY_SAFE_WINDOW
from publishing.services.lookups import payment_look_up
from publishing.services.outcomes import problem_context, publication_fail, retry_for


def payment_record(publication: Publication, *, api: XeroApi, task_id: str) -> bool:
    """Record the bill's payment in Xero; False (and the publication Failed) if Xero refuses."""
    document = mapping.build_document(item_input(publication.item))
    if document.payment is None:
        publication.payment_needed = False
        publication.save(update_fields=["payment_needed", "updated"])
        return True
    payment = {**document.payment, "Invoice": {"InvoiceID": publication.xero_id}}
    key = f"{publication.key_base}-payment"
    now = timezone.now()
    if publication.payment_sent_at and now - publication.payment_sent_at >= IDEMPOTENCY_SAFE_WINDOW:
        # An earlier attempt's answer was never seen and Xero has forgotten its key: if that
        # payment landed, paying again would be refused ("Payment amount exceeds the amount
        # outstanding") although the bill is paid. Read the bill first.
        existing = payment_look_up(publication, payment, api=api, task_id=task_id)
        if existing is not None:
            _paid(publication, str(existing.get("PaymentID") or ""), on=payment["Date"])
            return True
    if publication.payment_sent_at is None:
        publication.payment_sent_at = now
        publication.save(update_fields=["payment_sent_at", "updated"])
    attempt = attempts_start([publication], PublishAttempt.Step.PAYMENT, task_id=task_id, key=key, summary=payment)
    try:
        element = api.create_payments([payment], idempotency_key=key)[0]
    except XeroValidationError as exc:
        attempts_end(attempt, api=api, outcome="error", error_code="validation")
        publication_fail(publication, catalogue.from_xero_messages(exc.messages, context=problem_context(publication)))
        return False
    except (XeroRateLimited, XeroUnavailable) as exc:
        attempts_end(attempt, api=api, outcome="retry", error_code=exc.code)
        raise retry_for(exc, publication) from exc
    errors = [e.get("Message", "") for e in element.get("ValidationErrors") or []]
    if element.get("StatusAttributeString") == "ERROR" or errors:
        attempts_end(attempt, api=api, outcome="error", error_code="validation")
        publication_fail(publication, catalogue.from_xero_messages(errors, context=problem_context(publication)))
        return False
    attempts_end(attempt, api=api, outcome="ok")
    _paid(publication, str(element.get("PaymentID") or ""), on=payment["Date"])
    return True


def _paid(publication: Publication, payment_id: str, *, on: str) -> None:
    """The bill is paid in full (a bill published as Paid gets one payment of its total)."""
    publication.payment_xero_id = payment_id or "paid"
    publication.xero_status = "PAID"
    publication.xero_paid_on = parse_xero_date(on)
    publication.save(update_fields=["payment_xero_id", "xero_status", "xero_paid_on", "updated"])
