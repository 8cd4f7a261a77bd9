"""The attempt log: one :class:`PublishAttempt` row per call made for a publication,
with what was sent and what came back (no tokens), for support staff in the admin."""

from decimal import Decimal

from django.utils import timezone

from connections.xero.api import XeroApi
from publishing.models import Publication, PublishAttempt


def attempt_note(publication: Publication, step: str, *, task_id: str, outcome: str, error_code: str = "") -> None:
    """A step that made no call (the check before sending) but belongs in the log."""
    PublishAttempt.objects.create(
        business_id=publication.business_id, publication=publication, step=step, task_id=task_id or "",
        outcome=outcome, error_code=error_code, finished=timezone.now(),
    )


def attempts_start(publications, step, *, task_id, key, summary) -> list[PublishAttempt]:
    return PublishAttempt.objects.bulk_create(
        [
            PublishAttempt(
                business_id=p.business_id, publication=p, step=step, task_id=task_id or "", idempotency_key=key,
                request_summary=_json_safe(summary),
            )
            for p in publications
        ]
    )


def attempts_end(attempts: list[PublishAttempt], *, api: XeroApi, outcome: str, error_code: str = "",
                 response=None) -> None:
    last = api.last_response
    body = response if response is not None else (last.data if last else {})
    PublishAttempt.objects.filter(pk__in=[a.pk for a in attempts]).update(
        finished=timezone.now(), outcome=outcome, error_code=error_code,
        http_status=last.status if last else None, response_body=_json_safe(_trim(body)),
    )


def _trim(body):
    if isinstance(body, dict) and "_raw" in body:
        return {"_raw": str(body["_raw"])[:2000]}
    text = str(body)
    return body if len(text) < 20000 else {"truncated": text[:20000]}


def _json_safe(value):
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value
