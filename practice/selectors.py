"""The Clients page: every business a person belongs to, with what needs attention.

One query for all of them, however many: the Inbox counts come from one pass over the
waiting items of the person's businesses, grouped by business (a subquery per count and per
row would read each business's items four times), joined to the memberships with the
connection and the last lists refresh. It is SQL the ORM can't say (a join to a grouped
derived table); it runs the same on PostgreSQL and SQLite.
"""

from datetime import UTC

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from connections.models import ConnectionStatus
from dext.tenancy.models import Membership
from items.models import ItemStatus
from lists.models import ListRefresh

# Items waiting for someone: to be reviewed, to be published, or to be looked at again.
WAITING = (ItemStatus.TO_REVIEW, ItemStatus.READY, ItemStatus.FAILED)

_CLIENTS_SQL = """
SELECT m.id, m.user_id, m.business_id, m.role, m.can_publish, m.created,
       b.name AS business_name,
       c.status AS connection_status,
       c.tenant_name AS tenant_name,
       (SELECT MAX(r.finished_at) FROM lists_listrefresh r
         WHERE r.business_id = m.business_id AND r.status = %s) AS last_refresh,
       COALESCE(n.to_review, 0) AS to_review,
       COALESCE(n.ready, 0) AS ready,
       COALESCE(n.failed, 0) AS failed,
       n.oldest_waiting AS oldest_waiting
  FROM tenancy_membership m
  JOIN tenancy_business b ON b.id = m.business_id
  LEFT JOIN connections_xeroconnection c ON c.business_id = m.business_id
  LEFT JOIN (
        SELECT i.business_id,
               COUNT(*) FILTER (WHERE i.status = %s) AS to_review,
               COUNT(*) FILTER (WHERE i.status = %s) AS ready,
               COUNT(*) FILTER (WHERE i.status = %s) AS failed,
               MIN(i.created) AS oldest_waiting
          FROM items_item i
          JOIN tenancy_membership mine ON mine.business_id = i.business_id AND mine.user_id = %s
         WHERE i.status IN (%s, %s, %s)
         GROUP BY i.business_id
       ) n ON n.business_id = m.business_id
 WHERE m.user_id = %s
"""


def _attention(client) -> tuple:
    """Needing reconnection first, then failures, then items to review (the oldest first),
    then businesses not connected, then those with items ready, then the rest; by name."""
    if client.connection_status == ConnectionStatus.NEEDS_RECONNECT:
        rank = 0
    elif client.failed:
        rank = 1
    elif client.to_review:
        rank = 2
    elif client.connection_status in (None, ConnectionStatus.DISCONNECTED):
        rank = 3
    elif client.ready:
        rank = 4
    else:
        rank = 5
    oldest = client.oldest_waiting.timestamp() if client.oldest_waiting else float("inf")
    return rank, oldest, client.business_name.lower(), client.business_id


def clients_for_user(*, user) -> list[Membership]:
    """The user's memberships, each with ``business_name``, ``connection_status``,
    ``tenant_name``, ``last_refresh``, ``to_review``, ``ready``, ``failed`` and
    ``oldest_waiting`` (when the oldest waiting item was uploaded), sorted by what needs
    attention (``_attention``; a practice's few hundred rows sort in no time)."""
    params = [ListRefresh.Status.SUCCEEDED, ItemStatus.TO_REVIEW, ItemStatus.READY, ItemStatus.FAILED, user.pk,
              *WAITING, user.pk]
    clients = list(Membership.objects.raw(_CLIENTS_SQL, params))
    for client in clients:
        # SQLite hands back text for these; PostgreSQL datetimes.
        for name in ("last_refresh", "oldest_waiting"):
            value = getattr(client, name)
            if isinstance(value, str):
                setattr(client, name, _datetime(value))
    return sorted(clients, key=_attention)


def _datetime(text: str):
    value = parse_datetime(text)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)  # stored in UTC (USE_TZ)
    return value
