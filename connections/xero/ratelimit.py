"""One rate limiter per Xero organisation, shared by every worker process.

Xero allows each app, per organisation, 5 calls in flight, 60 a minute and 5,000 a day
(https://developer.xero.com/documentation/guides/oauth2/limits/). Every call takes a
slot here first, so workers together stay under the limits instead of learning them
from 429s; the ``X-*-Remaining`` headers and ``Retry-After`` of each answer correct the
local picture (another app or a person's session may be using the same budget).

With Redis configured (``settings.REDIS_URL``; production and CI) the state lives in
Redis and one Lua script takes a slot atomically. Without it (the first-run default with
no servers) a process-local limiter is used, which is exact for a single worker.
"""

import threading
import time
import uuid
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings

from connections.xero.errors import XeroRateLimited

# Hold a slot no longer than this if a worker dies mid-call.
LEASE_SECONDS = 120.0


@dataclass(frozen=True)
class Limits:
    concurrent: int
    per_window: int
    window_seconds: float
    per_day: int

    @classmethod
    def from_settings(cls) -> "Limits":
        conf = settings.XERO_RATE_LIMITS
        return cls(
            concurrent=int(conf["concurrent"]),
            per_window=int(conf["per_minute"]),
            window_seconds=float(conf["window_seconds"]),
            per_day=int(conf["per_day"]),
        )


# Returns 0 and records the call when a slot is free, else the milliseconds to wait.
# KEYS: block, window, inflight, day. ARGV: now_ms, window_ms, per_window, concurrent,
# per_day, lease_ms, member, day_ttl_ms.
_ACQUIRE = """
local now = tonumber(ARGV[1])
local blocked = redis.call('PTTL', KEYS[1])
if blocked > 0 then return blocked end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - tonumber(ARGV[2]))
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
local day = tonumber(redis.call('GET', KEYS[4]) or '0')
if day >= tonumber(ARGV[5]) then
  local ttl = redis.call('PTTL', KEYS[4])
  if ttl < 0 then ttl = tonumber(ARGV[8]) end
  return -ttl
end
if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[4]) then return 25 end
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[3]) then
  local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  return math.max(1, tonumber(oldest[2]) + tonumber(ARGV[2]) - now)
end
redis.call('ZADD', KEYS[2], now, ARGV[7])
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[2]) * 2)
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[6]), ARGV[7])
redis.call('PEXPIRE', KEYS[3], tonumber(ARGV[6]) * 2)
redis.call('INCR', KEYS[4])
if redis.call('PTTL', KEYS[4]) < 0 then redis.call('PEXPIRE', KEYS[4], tonumber(ARGV[8])) end
return 0
"""


class _RedisStore:
    def __init__(self, url: str):
        import redis

        self.client = redis.Redis.from_url(url)
        self.acquire_script = self.client.register_script(_ACQUIRE)

    def _keys(self, tenant: str) -> list[str]:
        prefix = f"{settings.XERO_RATE_LIMIT_NAMESPACE}:xero-rl:{tenant}"
        return [f"{prefix}:block", f"{prefix}:window", f"{prefix}:inflight", f"{prefix}:day"]

    def try_acquire(self, tenant: str, limits: Limits, member: str) -> float:
        now_ms = int(time.time() * 1000)
        wait = self.acquire_script(
            keys=self._keys(tenant),
            args=[
                now_ms,
                int(limits.window_seconds * 1000),
                limits.per_window,
                limits.concurrent,
                limits.per_day,
                int(LEASE_SECONDS * 1000),
                member,
                _ms_to_utc_midnight(now_ms),
            ],
        )
        return int(wait) / 1000.0

    def release(self, tenant: str, member: str) -> None:
        self.client.zrem(self._keys(tenant)[2], member)

    def block(self, tenant: str, seconds: float) -> None:
        key = self._keys(tenant)[0]
        ms = max(1, int(seconds * 1000))
        # Keep the longer of an existing block and the new one.
        current = self.client.pttl(key)
        if current < ms:
            self.client.set(key, "1", px=ms)

    def fill_window(self, tenant: str, limits: Limits, remaining: int) -> None:
        """Make our window agree with Xero's ``X-MinLimit-Remaining`` when Xero counts more."""
        keys = self._keys(tenant)
        now_ms = int(time.time() * 1000)
        used = self.client.zcount(keys[1], now_ms - int(limits.window_seconds * 1000), "+inf")
        missing = (limits.per_window - remaining) - used
        if missing > 0:
            self.client.zadd(keys[1], {f"xero-{uuid.uuid4().hex}": now_ms for _ in range(missing)})

    def fill_day(self, tenant: str, limits: Limits, remaining: int) -> None:
        key = self._keys(tenant)[3]
        used = int(self.client.get(key) or 0)
        if limits.per_day - remaining > used:
            self.client.set(key, limits.per_day - remaining, px=_ms_to_utc_midnight(int(time.time() * 1000)))


class _LocalStore:
    """The same algorithm for one process, for runs without Redis."""

    def __init__(self):
        self.lock = threading.Lock()
        self.state: dict[str, dict] = {}

    def _get(self, tenant: str) -> dict:
        return self.state.setdefault(
            f"{settings.XERO_RATE_LIMIT_NAMESPACE}:{tenant}", {"block_until": 0.0, "window": deque(), "inflight": {}, "day": 0, "day_reset": 0.0}
        )

    def try_acquire(self, tenant: str, limits: Limits, member: str) -> float:
        now = time.time()
        with self.lock:
            s = self._get(tenant)
            if s["block_until"] > now:
                return s["block_until"] - now
            while s["window"] and s["window"][0] <= now - limits.window_seconds:
                s["window"].popleft()
            s["inflight"] = {m: t for m, t in s["inflight"].items() if t > now}
            if now >= s["day_reset"]:
                s["day"], s["day_reset"] = 0, now + _ms_to_utc_midnight(int(now * 1000)) / 1000
            if s["day"] >= limits.per_day:
                return -(s["day_reset"] - now)
            if len(s["inflight"]) >= limits.concurrent:
                return 0.025
            if len(s["window"]) >= limits.per_window:
                return max(0.001, s["window"][0] + limits.window_seconds - now)
            s["window"].append(now)
            s["inflight"][member] = now + LEASE_SECONDS
            s["day"] += 1
            return 0.0

    def release(self, tenant: str, member: str) -> None:
        with self.lock:
            self._get(tenant)["inflight"].pop(member, None)

    def block(self, tenant: str, seconds: float) -> None:
        with self.lock:
            s = self._get(tenant)
            s["block_until"] = max(s["block_until"], time.time() + seconds)

    def fill_window(self, tenant: str, limits: Limits, remaining: int) -> None:
        with self.lock:
            s = self._get(tenant)
            missing = (limits.per_window - remaining) - len(s["window"])
            s["window"].extend([time.time()] * max(0, missing))

    def fill_day(self, tenant: str, limits: Limits, remaining: int) -> None:
        with self.lock:
            s = self._get(tenant)
            s["day"] = max(s["day"], limits.per_day - remaining)


def _ms_to_utc_midnight(now_ms: int) -> int:
    day_ms = 86_400_000
    return day_ms - (now_ms % day_ms)


_store_lock = threading.Lock()
_stores: dict[str, object] = {}


def _store():
    url = settings.REDIS_URL
    with _store_lock:
        if url not in _stores:
            _stores[url] = _RedisStore(url) if url else _LocalStore()
        return _stores[url]


class OrganisationRateLimiter:
    """The shared limiter of one Xero organisation (tenant)."""

    def __init__(self, tenant_id: str, *, limits: Limits | None = None):
        self.tenant_id = tenant_id
        self.limits = limits or Limits.from_settings()
        self.store = _store()

    @contextmanager
    def slot(self, *, max_wait: float = 90.0):
        """Wait for a free slot (at most ``max_wait`` seconds), hold it during the call.

        Raises :class:`XeroRateLimited` when the wait would be longer, so a Celery task
        can retry later instead of sleeping in a worker.
        """
        member = uuid.uuid4().hex
        deadline = time.monotonic() + max_wait
        while True:
            wait = self.store.try_acquire(self.tenant_id, self.limits, member)
            if wait == 0:
                break
            if wait < 0:
                raise XeroRateLimited("Xero's daily call limit for this organisation is used up.",
                                      retry_after=-wait, problem="day")
            if time.monotonic() + wait > deadline:
                raise XeroRateLimited("Waiting for Xero's rate limit.", retry_after=wait, problem="minute")
            time.sleep(min(wait, max(0.0, deadline - time.monotonic())))
        try:
            yield
        finally:
            self.store.release(self.tenant_id, member)

    def observe(self, headers) -> None:
        """Learn from Xero's ``X-MinLimit-Remaining`` / ``X-DayLimit-Remaining`` headers."""
        if not headers:
            return
        lowered = {str(k).lower(): v for k, v in dict(headers).items()}
        minute = _int_or_none(lowered.get("x-minlimit-remaining"))
        day = _int_or_none(lowered.get("x-daylimit-remaining"))
        if minute is not None:
            self.store.fill_window(self.tenant_id, self.limits, minute)
        if day is not None:
            self.store.fill_day(self.tenant_id, self.limits, day)

    def block(self, seconds: float) -> None:
        """After a 429: nobody calls this organisation again before ``Retry-After``."""
        self.store.block(self.tenant_id, seconds)


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
