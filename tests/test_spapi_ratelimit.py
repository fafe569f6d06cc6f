"""Token-bucket maths, waits instead of 429s, shared stores, learnt rates."""
import threading

import pytest
from coquiapps.addons.sale_amazon_spapi.spapi import (
    DEFAULT_RATE_PLANS,
    MemoryRateStore,
    RateLimiter,
    RatePlan,
)
from coquiapps.addons.sale_amazon_spapi.spapi.ratelimit import take_token


class FakeTime:
    """A clock that only moves when the limiter sleeps (or the test says so)."""

    def __init__(self, start=1000.0):
        self.now = start
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake():
    return FakeTime()


def limiter(fake, plans=None, latency=0.0, **kwargs):
    return RateLimiter(plans or {"op": RatePlan(0.5, 3)}, clock=fake.clock, sleep=fake.sleep,
                       latency=latency, **kwargs)


def test_take_token_pure():
    assert take_token(3.0, 0.0, 0.5, 3, 0.0) == (2.0, 0.0, 0.0)
    assert take_token(0.0, 0.0, 0.5, 3, 0.0) == (-1.0, 0.0, 2.0)
    assert take_token(0.0, 0.0, 0.5, 3, 100.0) == (2.0, 100.0, 0.0)  # capped at burst
    assert take_token(1.0, 10.0, 0.5, 3, 5.0) == (0.0, 10.0, 0.0)  # clock went back: no refill


def test_take_token_full_bucket_counts_refill_after_latency():
    # Full bucket: Amazon stays full until the request lands (now + latency).
    assert take_token(3.0, 0.0, 0.5, 3, 10.0, latency=1.0) == (2.0, 11.0, 0.0)
    # Not full: refill is linear, latency changes nothing.
    assert take_token(0.0, 0.0, 0.5, 3, 2.0, latency=1.0) == (0.0, 2.0, 0.0)
    # A reference time in the future (set above) adds no refill until reached.
    assert take_token(0.0, 11.0, 0.5, 3, 10.5, latency=1.0) == (-1.0, 11.0, 2.5)


def test_latency_makes_limiter_conservative_after_full_bucket(fake):
    rl = limiter(fake, {"op": RatePlan(1.0, 1)}, latency=0.25)
    assert rl.acquire("op", "A") == 0
    assert rl.acquire("op", "A") == pytest.approx(1.25)


def test_burst_then_rate(fake):
    rl = limiter(fake)
    waits = [rl.acquire("op", "A") for _ in range(6)]
    assert waits[:3] == [0, 0, 0]
    # each further call waits exactly one refill period (1 / 0.5 s)
    assert waits[3:] == [pytest.approx(2.0)] * 3
    assert fake.now == pytest.approx(1006.0)


def test_refill_after_idle(fake):
    rl = limiter(fake)
    for _ in range(3):
        rl.acquire("op", "A")
    fake.now += 3.0  # 1.5 tokens back
    assert rl.acquire("op", "A") == 0
    assert rl.acquire("op", "A") == pytest.approx(1.0)


def test_buckets_are_per_operation_and_partner(fake):
    rl = limiter(fake, {"op": RatePlan(0.5, 1), "other": RatePlan(0.5, 1)})
    assert rl.acquire("op", "A") == 0
    assert rl.acquire("op", "B") == 0
    assert rl.acquire("other", "A") == 0
    assert rl.acquire("op", "A") == pytest.approx(2.0)


def test_search_orders_plan(fake):
    rl = limiter(fake, DEFAULT_RATE_PLANS)
    waits = [rl.acquire("searchOrders", "S") for _ in range(21)]
    assert waits[:20] == [0] * 20
    assert waits[20] == pytest.approx(1 / 0.0056)


def test_unknown_operation_is_refused(fake):
    with pytest.raises(KeyError, match="no rate plan for SP-API operation 'nope'"):
        limiter(fake).acquire("nope", "A")


def test_update_rate_from_header(fake):
    rl = limiter(fake, {"op": RatePlan(0.5, 1)})
    rl.update_rate("op", "A", 0.25)
    assert rl.plan("op", "A") == RatePlan(0.25, 1)
    assert rl.plan("op", "B") == RatePlan(0.5, 1)
    rl.acquire("op", "A")
    assert rl.acquire("op", "A") == pytest.approx(4.0)
    for junk in (None, 0.0, -1.0):
        rl.update_rate("op", "A", junk)
    assert rl.plan("op", "A").rate == 0.25
    rl.update_rate("unknown", "A", 1.0)  # ignored, not an error


class RecordingStore:
    """A stand-in for the PostgreSQL store: the Protocol is all the limiter needs."""

    def __init__(self):
        self.calls = []

    def take(self, bucket_key, rate, burst, now, latency=0.0):
        self.calls.append((bucket_key, rate, burst, now, latency))
        return 0.0


def test_pluggable_store_per_operation(fake):
    shared = RecordingStore()
    rl = limiter(fake, DEFAULT_RATE_PLANS, stores={"searchOrders": shared})
    rl.acquire("searchOrders", "SP1")
    rl.acquire("getOrder", "SP1")
    assert shared.calls == [("searchOrders:SP1", 0.0056, 20, 1000.0, 0.0)]


def test_default_store_can_be_replaced(fake):
    store = RecordingStore()
    limiter(fake, store=store).acquire("op", "A")
    assert store.calls == [("op:A", 0.5, 3, 1000.0, 0.0)]


def test_memory_store_thread_safe_reservations():
    store = MemoryRateStore()
    waits = []
    lock = threading.Lock()

    def worker():
        for _ in range(50):
            w = store.take("k", 1.0, 10, 0.0)
            with lock:
                waits.append(w)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # 400 reservations at one instant: 10 free, then one per second, none shared
    assert sorted(waits) == [0.0] * 10 + [float(i) for i in range(1, 391)]


def test_reserve_does_not_sleep(fake):
    rl = limiter(fake, {"op": RatePlan(1.0, 1)})
    rl.reserve("op", "A")
    assert rl.reserve("op", "A") == pytest.approx(1.0)
    assert fake.sleeps == []
