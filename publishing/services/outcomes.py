"""How a publication ends (Published, Failed) or pauses (try again later), and the
item history line each writes."""

import random

from django.db import transaction
from django.utils import timezone

from connections.xero.errors import XeroError, XeroPermissionMissing, XeroRateLimited, XeroRequestInFlight
from items.models import Item, ItemHistory, ItemStatus
from publishing import catalogue
from publishing.models import Publication, PublicationState
from publishing.wording import published_as

# Celery's countdown must stay below the broker's visibility timeout.
MAX_COUNTDOWN = 3000.0


class RetryLater(Exception):
    """A step could not finish now (rate limit, Xero unavailable); try again after ``countdown``."""

    def __init__(self, countdown: float, reason: str, *, counts: bool = True):
        super().__init__(reason)
        self.countdown = min(countdown, MAX_COUNTDOWN)
        self.reason = reason
        self.counts = counts


def publication_published(publication: Publication) -> None:
    now = timezone.now()
    with transaction.atomic():
        Publication.objects.filter(pk=publication.pk).update(
            state=PublicationState.PUBLISHED, finished_at=now, lease_expires_at=None, updated=now
        )
        Item.objects.filter(pk=publication.item_id).update(status=ItemStatus.PUBLISHED, updated=now)
        publication.refresh_from_db()
        message = f"Published to Xero as {published_as(publication.xero_type, publication.xero_status)}"
        if publication.matched:
            found = published_as(publication.xero_type, publication.xero_status, publication.xero_number)
            message = f"Published: the document was attached to {found}, already in Xero"
        if publication.error_code:
            message += f"; {publication.error_message}"
        item_history(publication.item, publication.requested_by, message)


def publication_fail(publication: Publication, problems: list[catalogue.PublishProblem]) -> None:
    from publishing.links import fix_url

    first = problems[0]
    now = timezone.now()
    with transaction.atomic():
        Publication.objects.filter(pk=publication.pk).update(
            state=PublicationState.FAILED,
            finished_at=now,
            lease_expires_at=None,
            error_code=first.code,
            error_message=" ".join(p.message for p in problems)[:4000],
            error_fix_url=fix_url(first.fix, item_id=publication.item_id),
            error_fix_label=first.fix_label,
            updated=now,
        )
        Item.objects.filter(pk=publication.item_id).update(status=ItemStatus.FAILED, updated=now)
        item_history(publication.item, publication.requested_by, f"Publishing failed: {first.message}"[:500])
    publication.refresh_from_db()


def retry_for(exc: XeroError, publication: Publication) -> RetryLater:
    """When to try again after a rate limit (Xero's wait, not counted as an attempt), a
    request still in flight (a moment), or an outage (exponential backoff, full jitter)."""
    if isinstance(exc, XeroRateLimited):
        return RetryLater(exc.retry_after + random.uniform(0, 2), "rate limited", counts=False)  # noqa: S311
    if isinstance(exc, XeroRequestInFlight):
        # The first request with this key is still running: ask again soon, with the same
        # key, and get its answer. Not a failed attempt.
        return RetryLater(exc.retry_after + random.uniform(0, 1), exc.code, counts=False)  # noqa: S311
    attempt = max(1, publication.attempts)
    backoff = min(600.0, 5.0 * 2 ** (attempt - 1))
    return RetryLater(random.uniform(backoff / 2, backoff), exc.code)  # noqa: S311 - jitter


def permission_problem(exc: XeroPermissionMissing) -> catalogue.PublishProblem:
    """Xero refused a call for want of a scope: name the permission, point at Reconnect."""
    permission = exc.permission
    return catalogue.problem(
        "permission_missing",
        permission=permission.label if permission else "",
        purpose=permission.purpose if permission else "",
    )


def problem_context(publication: Publication) -> dict:
    """The item's values a catalogue message may name (category, contact, tax rate …)."""
    item = publication.item
    lines = list(item.lines.select_related("category", "tax_rate"))
    categories = [c for c in [item.category if item.category_id else None, *(line.category for line in lines)] if c]
    tax_rates = [t for t in [item.tax_rate if item.tax_rate_id else None, *(line.tax_rate for line in lines)] if t]
    return {
        "account": str(item.category) if item.category_id else "",
        "contact": item.contact.name if item.contact_id else "",
        "tax_type": str(item.tax_rate) if item.tax_rate_id else "",
        "number": item.reference,
        "currency": item.currency_code,
        # Xero's messages name codes ("Account code '429'"): the names to say instead.
        "labels": {**{c.code: str(c) for c in categories if c.code}, **{t.xero_id: str(t) for t in tax_rates}},
    }


def item_history(item: Item, user, message: str) -> None:
    ItemHistory.objects.create(
        business_id=item.business_id, item=item, user=user if getattr(user, "is_authenticated", False) else None,
        action=ItemHistory.Action.STATUS, message=message[:500],
    )
