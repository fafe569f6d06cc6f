"""Token-bucket pacing per (operation, selling partner), so calls wait instead of getting 429.

Amazon meters each operation per selling partner and application with a token
bucket: it refills at ``rate`` tokens per second up to ``burst``. The limiter
mirrors those buckets and makes a caller sleep until its token is due.

Bucket state lives in a :class:`RateStore`. The default keeps it in this
process; the ORM side can plug in a store backed by PostgreSQL so that several
workers share the buckets of slow operations (searchOrders refills one token
every ~3 minutes).
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class RatePlan:
    """An operation's usage plan: ``rate`` tokens per second, at most ``burst`` stored."""

    rate: float
    burst: int


class RateStore(Protocol):
    """Where bucket levels live; must be safe for concurrent ``take`` calls.

    ``take`` refills the bucket up to ``now`` (seconds on a clock shared by all
    users of the store, e.g. ``time.time``), reserves one token and returns how
    many seconds the caller must wait before using it (0.0 = go now). A
    reservation is never handed to two callers: the level may go negative,
    which queues later callers behind earlier ones. Implementations apply
    :func:`take_token` to their stored ``(level, updated)`` pair.
    """

    def take(self, bucket_key: str, rate: float, burst: int, now: float,
             latency: float = 0.0) -> float: ...


def take_token(level: float, updated: float, rate: float, burst: int, now: float,
               latency: float = 0.0) -> tuple[float, float, float]:
    """The bucket arithmetic shared by every store: ``(new_level, new_updated, wait)`` (pure).

    A new bucket starts full (``level`` = burst, ``updated`` = now). A clock
    going backwards (another host's clock) adds nothing rather than removing
    tokens. When the bucket is full, Amazon's copy stays full — losing refill —
    until our request reaches it, up to ``latency`` seconds later; counting the
    refill from then on keeps our estimate from running ahead of Amazon's.
    """
    level += max(0.0, now - updated) * rate
    if level >= burst:
        level, updated = float(burst), now + latency
    else:
        updated = max(updated, now)
    level -= 1.0
    # A missing token is due once the refill, counted from ``updated``, covers it.
    wait = 0.0 if level >= 0 else (updated - now) - level / rate
    return level, updated, wait


class MemoryRateStore:
    """The default :class:`RateStore`: buckets in this process's memory."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}

    def take(self, bucket_key: str, rate: float, burst: int, now: float,
             latency: float = 0.0) -> float:
        with self._lock:
            level, updated = self._buckets.get(bucket_key, (float(burst), now))
            level, updated, wait = take_token(level, updated, rate, burst, now, latency)
            self._buckets[bucket_key] = (level, updated)
            return wait


class RateLimiter:
    """Paces calls per (operation, selling partner) with Amazon's usage plans.

    ``plans`` maps operation names to :class:`RatePlan`; an operation without
    a plan is refused loudly. ``stores`` sends chosen operations to another
    store (e.g. a shared PostgreSQL one for searchOrders); others use ``store``.
    ``latency`` bounds the seconds between a reservation and Amazon counting
    the call (see :func:`take_token`). ``clock`` and ``sleep`` are injectable.
    """

    def __init__(
        self,
        plans: Mapping[str, RatePlan],
        *,
        store: RateStore | None = None,
        stores: Mapping[str, RateStore] | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        latency: float = 1.0,
    ) -> None:
        self._plans = dict(plans)
        self._latency = latency
        self._store = store or MemoryRateStore()
        self._stores = dict(stores or {})
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._rates: dict[tuple[str, str], float] = {}

    def plan(self, operation: str, key: str = "") -> RatePlan:
        """The usage plan in force, with a rate learnt from Amazon's header if any."""
        try:
            plan = self._plans[operation]
        except KeyError:
            raise KeyError(f"no rate plan for SP-API operation {operation!r}") from None
        with self._lock:
            rate = self._rates.get((operation, key))
        return RatePlan(rate, plan.burst) if rate else plan

    def reserve(self, operation: str, key: str) -> float:
        """Reserve a token and return the seconds to wait for it, without sleeping."""
        plan = self.plan(operation, key)
        store = self._stores.get(operation, self._store)
        return store.take(f"{operation}:{key}", plan.rate, plan.burst, self._clock(),
                          self._latency)

    def acquire(self, operation: str, key: str) -> float:
        """Wait until a call of ``operation`` for ``key`` is allowed; returns the wait."""
        wait = self.reserve(operation, key)
        if wait > 0:
            self._sleep(wait)
        return wait

    def update_rate(self, operation: str, key: str, rate: float | None) -> None:
        """Adopt the rate Amazon reports in ``x-amzn-RateLimit-Limit`` (ignored if unusable)."""
        if rate is None or not rate > 0 or operation not in self._plans:
            return
        with self._lock:
            self._rates[(operation, key)] = rate
