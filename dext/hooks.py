"""Where an app reacts to something that happens in an app below it, wired in one place.

A lower layer announces an event by calling :func:`announce`; the apps above register
what they do about it in their ``AppConfig.ready()`` with :func:`on`. This keeps imports
pointing down (``connections`` never imports ``lists`` or ``publishing``, ``items`` never
imports ``capture``) without Django signals scattered across apps: the events are listed
here and every listener is registered in an ``apps.py``. Listeners run in the order their
apps are installed (``lists`` before ``items``, ``capture`` and ``publishing``).
"""

from collections import defaultdict
from collections.abc import Callable

# Events and what they pass:
# - "connected": connection, kind (connections.models.EventKind), acting_user — a business
#   connected, reconnected or switched organisation, after the transaction commits. Lists
#   refresh for the (new) organisation; publishing resumes what a broken connection paused.
CONNECTED = "connected"
# - "documents_received": item_ids — new documents are stored (their items Processing),
#   after the transaction commits.
DOCUMENTS_RECEIVED = "documents_received"
# - "contact_chosen": item, acting_user — a person set an item's supplier or customer by
#   hand, inside the transaction that saves it.
CONTACT_CHOSEN = "contact_chosen"
# - "item_edited": item, changed_fields (item field names, "lines" for the line items),
#   acting_user — a person changed an item (Item details or a bulk action), inside the
#   transaction that saves it.
ITEM_EDITED = "item_edited"
# - "lists_refreshed": business_id, refresh_id — a lists refresh wrote its rows, after the
#   transaction commits.
LISTS_REFRESHED = "lists_refreshed"
# - "xero_changed": connection, changes ({"INVOICE": {ids…}, "CREDITNOTE": {ids…}, "CONTACT":
#   {ids…}}) — a batch of Xero webhook events for one organisation was processed, after
#   the transaction commits. Publishing reads back the status of what it published.
XERO_CHANGED = "xero_changed"

_listeners: dict[str, list[Callable[..., None]]] = defaultdict(list)


def on(event: str, listener: Callable[..., None]) -> None:
    if listener not in _listeners[event]:
        _listeners[event].append(listener)


def announce(event: str, **payload) -> None:
    for listener in list(_listeners[event]):
        listener(**payload)
