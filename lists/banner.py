"""Which lists refresh a page's banner shows, for the person looking at it.

In progress, or failed (until a later refresh succeeds): on every page that shows the
banner. Succeeded: only for the person who asked for it, once — on the page that polled
it to the end ("Lists refreshed just now. Reload this page…"), or on the first page they
open after it finished. Any page loaded later already shows the new lists, so the banner
would only linger there.
"""

from lists import selectors
from lists.models import ListRefresh

SESSION_KEY = "lists_refresh_to_announce"


def refresh_requested(request, refresh: ListRefresh) -> None:
    """This person started (or joined) ``refresh``: tell them when it has finished."""
    request.session[SESSION_KEY] = refresh.pk


def refresh_for_page(request) -> ListRefresh | None:
    refresh = selectors.refresh_latest(business=request.business)
    if refresh is None or refresh.is_active or refresh.status == ListRefresh.Status.FAILED:
        return refresh
    return refresh if _announce(request, refresh) else None


def refresh_finished_seen(request, refresh: ListRefresh | None) -> None:
    """The polling banner has shown ``refresh`` finished: don't say it again."""
    if refresh is not None and not refresh.is_active:
        _announce(request, refresh)


def _announce(request, refresh: ListRefresh) -> bool:
    if request.session.get(SESSION_KEY) != refresh.pk:
        return False
    del request.session[SESSION_KEY]
    return True
