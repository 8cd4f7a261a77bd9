"""Publishing items to Xero: exactly once in effect, resumable, at the rate limit.

The per-item state machine is Ready → Queued → Publishing → Published | Failed, changed
under a row lock. A publish is three resumable steps, each recorded on the
:class:`~publishing.models.Publication` as it succeeds: create the document, record the
payment (bills published as Paid), attach the file. A retry starts at the first step
not yet done.

A create is never repeated blindly. It always carries an ``Idempotency-Key`` that is
stable for the item's version, so a quick retry of the same request is answered by
Xero from its cache (https://developer.xero.com/documentation/guides/idempotent-requests/idempotency);
when that cannot apply (the 6-minute window has passed, or a batch is re-formed with
other members) and an earlier create's outcome is unknown, the document is looked up
in Xero by contact, number, date and total before anything is created again.

The parts, in the order a publish goes through them:

- ``requesting``: who may publish what, queuing (button, bulk, rules, after a reconnect);
- ``leases``: a worker claims a publication, holds it while it works, hands it back;
- ``running``: one publication taken as far as it goes (the ``publish_item`` task);
- ``batches``: up to 50 documents created in one call (the ``publish_batch`` task);
- ``creating``: the create step itself, its Idempotency-Key and what it records;
- ``lookups``: finding in Xero what an unanswered create may have made;
- ``duplicates``: before the first create, the same document entered in Xero by someone
  else sets the publication aside; ``xero_matches``: the person's choice (attach to it,
  publish anyway, skip);
- ``payments`` and ``attachments``: steps 2 and 3;
- ``outcomes``: Published, Failed, try again later; ``attempt_log``: the support log;
- ``recovery``: the sweeper that re-queues what a dead worker left behind;
- ``statuses``: what happened to a published document in Xero since (webhooks, polling);
- ``again``: publishing again an item whose document was voided or deleted in Xero.
"""

from publishing.services.again import NOT_REPUBLISHABLE, item_publish_again, may_publish_again
from publishing.services.batches import publications_run_batch
from publishing.services.outcomes import RetryLater
from publishing.services.recovery import publications_sweep
from publishing.services.requesting import (
    PUBLISH_NEEDS_PERMISSION,
    PublishError,
    PublishRequestResult,
    attachment_retry,
    item_auto_publish,
    publications_resume_after_reconnect,
    publish_request,
    publishing_on_connected,
)
from publishing.services.running import publication_run
from publishing.services.statuses import (
    ReadBackLater,
    connections_to_poll,
    publications_read_back,
    publishing_on_xero_changed,
    statuses_poll,
)

__all__ = [
    "NOT_REPUBLISHABLE",
    "PUBLISH_NEEDS_PERMISSION",
    "PublishError",
    "PublishRequestResult",
    "ReadBackLater",
    "RetryLater",
    "attachment_retry",
    "connections_to_poll",
    "item_publish_again",
    "item_auto_publish",
    "may_publish_again",
    "publication_run",
    "publications_read_back",
    "publications_resume_after_reconnect",
    "publications_run_batch",
    "publications_sweep",
    "publish_request",
    "publishing_on_connected",
    "publishing_on_xero_changed",
    "statuses_poll",
]
