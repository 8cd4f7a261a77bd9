"""The sandbox's clock: real time, optionally frozen or shifted.

Every sandbox module reads time through :func:`now` so tests can expire codes and
tokens without sleeping. The state is module-global (shared by the threads of a
live server) and belongs to this process only.
"""

import datetime as dt
import threading

_lock = threading.Lock()
_offset = dt.timedelta(0)
_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    """The sandbox's current time (aware, UTC)."""
    with _lock:
        if _frozen is not None:
            return _frozen + _offset
        return dt.datetime.now(dt.UTC) + _offset


def advance(seconds: float) -> dt.datetime:
    """Move the clock forward (or back, with a negative number)."""
    global _offset
    with _lock:
        _offset += dt.timedelta(seconds=seconds)
    return now()


def freeze(at: dt.datetime | None = None) -> dt.datetime:
    """Stop the clock at ``at`` (default: the current sandbox time)."""
    global _frozen, _offset
    current = now()
    with _lock:
        _frozen = at if at is not None else current
        if _frozen.tzinfo is None:
            _frozen = _frozen.replace(tzinfo=dt.UTC)
        _offset = dt.timedelta(0)
    return _frozen


def reset() -> None:
    """Back to real time."""
    global _frozen, _offset
    with _lock:
        _frozen = None
        _offset = dt.timedelta(0)
