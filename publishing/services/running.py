"""Running one publication (the ``publish_item`` task): create, pay, attach, as far as
it goes, resuming at the first step not yet done."""

from connections.selectors import connection_active
from connections.xero.api import XeroApi
from connections.xero.errors import XeroAuthError, XeroPermissionMissing
from publishing import catalogue
from publishing.models import Publication, PublicationState, PublishAttempt
from publishing.services.attachments import attachment_publish
from publishing.services.attempt_log import attempt_note
from publishing.services.creating import documents_create
from publishing.services.leases import publication_claim, publication_hold_for_retry
from publishing.services.outcomes import (
    RetryLater,
    permission_problem,
    publication_fail,
    publication_published,
)
from publishing.services.payments import payment_record
from publishing.validation import problems_before_sending


def publication_run(*, publication_id: int, task_id: str = "", redelivered: bool = False) -> str:
    """Take one publication as far as it goes: create, pay, attach. Returns the state."""
    publication = publication_claim(publication_id, redelivered=redelivered)
    if publication is None:
        return "skipped"
    try:
        api = api_for(publication)
        if not publication.xero_id:
            if not checked_before_sending(publication, task_id=task_id):
                return publication.state
            documents_create([publication], api=api, task_id=task_id)
            publication.refresh_from_db()
            if publication.state in (PublicationState.FAILED, PublicationState.SET_ASIDE):
                return publication.state
        _finish_after_create(publication, api=api, task_id=task_id)
    except RetryLater as exc:
        publication_hold_for_retry(publication, exc)
        raise
    except XeroPermissionMissing as exc:
        publication_fail(publication, [permission_problem(exc)])
    except XeroAuthError:
        publication_fail(publication, [catalogue.problem("reconnect_required")])
    return publication.state


def api_for(publication: Publication) -> XeroApi:
    connection = connection_active(business=publication.business)
    if connection is None:
        raise XeroAuthError("No active connection.")
    return XeroApi.for_connection(connection)


def checked_before_sending(publication: Publication, *, task_id: str) -> bool:
    """False (and the publication Failed with the catalogue's message) when the item
    can't be published as it is, before any call to Xero."""
    problems = problems_before_sending(publication.item)
    if problems:
        attempt_note(publication, PublishAttempt.Step.VALIDATE, task_id=task_id, outcome="error",
                     error_code=problems[0].code)
        publication_fail(publication, problems)
        return False
    return True


def _finish_after_create(publication: Publication, *, api: XeroApi, task_id: str) -> None:
    if publication.payment_needed and not publication.payment_xero_id and not payment_record(
        publication, api=api, task_id=task_id
    ):
        return
    if not publication.attachment_xero_id and publication.error_code not in ("attachment_too_large",):
        attachment_publish(publication, api=api, task_id=task_id)
    if publication.state != PublicationState.FAILED:
        publication_published(publication)
