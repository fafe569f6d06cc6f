"""Usage plans: burst, then the published rate, per seller and operation (AMAZON.md §5)."""
import time
from datetime import UTC, datetime

import pytest

from amazon_sandbox import PLANS, UsagePlans
from amazon_sandbox.testing import running

SEARCH = "/orders/2026-01-01/orders"


def _params(h):
    return {"createdAfter": datetime.fromtimestamp(h.sandbox.clock.time() - 86400, UTC).isoformat()}


def test_bucket_unit_burst_then_rate():
    plans = UsagePlans({"op": ("0.5", 3)})
    assert [plans.take("op", "A", 0.0) for _ in range(4)] == [True, True, True, False]
    assert plans.take("op", "A", 1.9) is False
    assert plans.take("op", "A", 2.0) is True  # 0.5/s: one token every 2 s
    assert plans.take("op", "B", 2.0) is True  # another partner has its own bucket
    assert plans.tokens("op", "A", 1000.0) == 3.0  # never above the burst


def test_published_plans():
    assert PLANS["searchOrders"] == ("0.0056", 20)
    assert PLANS["getOrder"] == ("0.5", 30)
    assert PLANS["getOrders"] == ("0.0167", 20)
    assert PLANS["getOrderItems"] == ("0.5", 30)
    assert PLANS["getMarketplaceParticipations"] == ("0.016", 15)
    assert PLANS["rotateApplicationClientSecret"] == ("0.0167", 1)


@pytest.fixture
def h():
    with running(seed=4) as harness:
        yield harness


def test_search_orders_burst_then_429_then_refill(h):
    token = h.access_token("NA")
    statuses = [h.sp("NA", SEARCH, token, params=_params(h)).status_code for _ in range(21)]
    assert statuses == [200] * 20 + [429]
    throttled = h.sp("NA", SEARCH, token, params=_params(h))
    assert throttled.json()["errors"][0]["code"] == "QuotaExceeded"
    assert "x-amzn-RateLimit-Limit" not in throttled.headers and throttled.headers["x-amzn-RequestId"]
    h.advance(170)  # 0.0056/s -> one token after ~178.6 s
    assert h.sp("NA", SEARCH, token, params=_params(h)).status_code == 429
    h.advance(10)
    assert h.sp("NA", SEARCH, token, params=_params(h)).status_code == 200
    assert h.sp("NA", SEARCH, token, params=_params(h)).status_code == 429
    calls = h.control("GET", "calls")
    assert calls["operations"]["searchOrders"] == {"200": 21, "429": 4}


def test_buckets_are_per_seller_and_per_operation(h):
    na, eu = h.access_token("NA"), h.access_token("EU")
    for _ in range(20):
        h.sp("NA", SEARCH, na, params=_params(h))
    assert h.sp("NA", SEARCH, na, params=_params(h)).status_code == 429
    assert h.sp("EU", SEARCH, eu, params=_params(h)).status_code == 200
    assert h.sp("NA", "/sellers/v1/marketplaceParticipations", na).status_code == 200
    seller = h.seller("NA")["selling_partner_id"]
    usage = h.control("GET", "usage-plans", params={"operation": "searchOrders", "partner": seller})
    assert usage["burst"] == 20 and usage["tokens"] < 1


def test_400_spends_a_token_and_carries_the_rate_header(h):
    token = h.access_token("NA")
    before = h.sandbox.clock.time()
    response = h.sp("NA", SEARCH, token, params={})
    assert response.status_code == 400 and response.headers["x-amzn-RateLimit-Limit"] == "0.0056"
    seller = h.seller("NA")["selling_partner_id"]
    usage = h.control("GET", "usage-plans", params={"operation": "searchOrders", "partner": seller})
    refilled = (h.sandbox.clock.time() - before) * 0.0056  # the refill while the test ran, however slow
    assert 18.9 < usage["tokens"] < 19.1 + refilled


def test_time_scale_refills_faster_in_wall_time():
    # Scale 600: 178.6 s of sandbox time pass in about 0.3 s of wall time. The burst is spent at
    # scale 1 (a token takes 3 minutes to come back, however slow the machine), then the scale is raised.
    with running(seed=4) as h:
        token = h.access_token("NA")
        for _ in range(20):
            h.sp("NA", SEARCH, token, params=_params(h))
        assert h.sp("NA", SEARCH, token, params=_params(h)).status_code == 429
        raised = h.sandbox.clock.time()
        h.control("POST", "clock", {"time_scale": 600})
        while h.sandbox.clock.time() - raised < 210:  # a token is back after 178.6 s of sandbox time
            time.sleep(0.01)
        assert h.sp("NA", SEARCH, token, params=_params(h)).status_code == 200


def test_time_scale_can_be_set_at_run_time(h):
    clock = h.control("POST", "clock", {"time_scale": 3600})
    assert clock["time_scale"] == 3600
    before = h.sandbox.clock.time()
    time.sleep(0.05)
    assert h.sandbox.clock.time() - before >= 150
