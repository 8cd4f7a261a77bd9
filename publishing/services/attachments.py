"""Step 3: the item's document attached to what was created in Xero. A failed
attachment never fails the publish: after a few tries the item is Published with
"attachment could not be published", the reason, and a Retry attachment button.

A document over Xero's attachment limit (``XERO_ATTACHMENT_MAX_BYTES``) is made smaller
first (``attachment_files``); the item's own file is never changed.
"""

from django.conf import settings
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat

from connections.xero.api import XeroApi
from connections.xero.errors import (
    XeroPermissionMissing,
    XeroRateLimited,
    XeroUnavailable,
    XeroValidationError,
)
from publishing import catalogue, mapping
from publishing.attachment_files import StillTooLarge, fit_for_xero
from publishing.models import Publication, PublishAttempt
from publishing.services.attempt_log import attempts_end, attempts_start
from publishing.services.outcomes import retry_for

MAX_ATTACHMENT_ATTEMPTS = 5


def attachment_publish(publication: Publication, *, api: XeroApi, task_id: str) -> None:
    document = publication.item.document
    # An e-invoice (XML) is attached as the readable PDF made from it.
    storage_name, content_type, original_name = document.viewable
    with default_storage.open(storage_name, "rb") as handle:
        content = handle.read()
    original_size = len(content)
    limit = settings.XERO_ATTACHMENT_MAX_BYTES
    try:
        fitted = fit_for_xero(content, content_type=content_type, limit=limit)
    except StillTooLarge as exc:
        _attachment_problem(publication, "attachment_too_large", size=filesizeformat(exc.size),
                            limit=filesizeformat(limit))
        return
    file_name = mapping.attachment_file_name(original_name, content_type=fitted.content_type,
                                             item_id=publication.item_id)
    content = fitted.content
    key = f"{publication.key_base}-attach"
    attempt = attempts_start([publication], PublishAttempt.Step.ATTACH, task_id=task_id, key=key,
                             summary={"file_name": file_name, "bytes": len(content), "document_id": publication.xero_id,
                                      "compressed_from": original_size if fitted.shrunk else None})
    publication.attachment_attempts += 1
    publication.save(update_fields=["attachment_attempts", "updated"])
    try:
        attachment = api.attach_file(
            publication.endpoint, publication.xero_id, file_name, content, idempotency_key=key,
            include_online=publication.xero_type in ("ACCREC", "ACCRECCREDIT"),
        )
    except XeroValidationError as exc:
        attempts_end(attempt, api=api, outcome="error", error_code="validation")
        if exc.status == 413:
            _attachment_problem(publication, "attachment_too_large", size=filesizeformat(len(content)),
                                limit=filesizeformat(limit))
        else:
            _attachment_problem(publication, "attachment_failed", reason=f": Xero said {'; '.join(exc.messages)}")
        return
    except XeroPermissionMissing as exc:
        attempts_end(attempt, api=api, outcome="error", error_code=exc.code)
        label = exc.permission.label if exc.permission else "Attachments"
        _attachment_problem(publication, "attachment_failed",
                            reason=f": Xero hasn't given dext the “{label}” permission (an administrator can reconnect "
                                   "and allow it)")
        return
    except (XeroRateLimited, XeroUnavailable) as exc:
        attempts_end(attempt, api=api, outcome="retry", error_code=exc.code)
        if publication.attachment_attempts >= MAX_ATTACHMENT_ATTEMPTS:
            _attachment_problem(publication, "attachment_failed", reason=" after several tries")
            return
        raise retry_for(exc, publication) from exc
    attempts_end(attempt, api=api, outcome="ok")
    publication.attachment_xero_id = str(attachment.get("AttachmentID") or "attached")
    publication.error_code = publication.error_message = ""
    publication.save(update_fields=["attachment_xero_id", "error_code", "error_message", "updated"])


def _attachment_problem(publication: Publication, code: str, **values) -> None:
    found = catalogue.problem(code, **values)
    publication.error_code = found.code
    publication.error_message = found.message
    publication.error_fix_label = found.fix_label
    publication.save(update_fields=["error_code", "error_message", "error_fix_label", "updated"])
