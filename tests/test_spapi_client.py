"""SPAPIClient: request building, pacing, retries, refresh once on 403, error mapping."""
import json
import logging
from datetime import UTC, datetime

import pytest
from coquiapps.addons.sale_amazon_spapi.spapi import (
    DEFAULT_RATE_PLANS,
    AccessDenied,
    InvalidGrant,
    InvalidInput,
    NotFound,
    Operation,
    PermanentError,
    QuotaExceeded,
    RateLimiter,
    RatePlan,
    Response,
    RetryPolicy,
    ServerError,
    SPAPIClient,
    TransportError,
)
from coquiapps.addons.sale_amazon_spapi.spapi.client import build_request, error_from_response
from coquiapps.addons.sale_amazon_spapi.spapi.operations import (
    GET_ORDER,
    ROTATE_CLIENT_SECRET,
    SEARCH_ORDERS,
)

NOW = datetime(2026, 2, 3, 4, 5, 6, tzinfo=UTC)
OP = Operation("testOp", "GET", "/test/v1/things/{thingId}", 1.0, 2)


class FakeTime:
    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


class FakeTransport:
    """Plays scripted answers (Response or exception), records requests."""

    def __init__(self, *outcomes):
        self.outcomes = list(outcomes)
        self.requests = []

    def __call__(self, request):
        self.requests.append(request)
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


class Tokens:
    def __init__(self):
        self.calls = []
        self.version = 1

    def __call__(self, force_refresh=False):
        self.calls.append(force_refresh)
        if force_refresh:
            self.version += 1
        return f"Atza|token-{self.version}"


def answer(status=200, body=None, **headers):
    headers = {"x-amzn-RequestId": f"rid-{status}", **{k.replace("_", "-"): v
                                                     for k, v in headers.items()}}
    return Response(status, headers, json.dumps(body).encode() if body is not None else b"")


def error(status, code, message):
    return answer(status, {"errors": [{"code": code, "message": message, "details": ""}]})


@pytest.fixture
def fake():
    return FakeTime()


def make_client(fake, *outcomes, plans=None, retry=None, tokens=None):
    transport = FakeTransport(*outcomes)
    limiter = RateLimiter(plans or {"testOp": OP.plan, **DEFAULT_RATE_PLANS},
                          clock=fake.clock, sleep=fake.sleep, latency=0.0)
    client = SPAPIClient("https://sp.example/", tokens or Tokens(), limiter, transport, "SP1",
                         user_agent="ua/1", retry=retry or RetryPolicy(), sleep=fake.sleep,
                         now=lambda: NOW, rand=lambda: 0.5)
    return client, transport


def test_build_request_is_pure():
    request = build_request("https://h/", OP, "Atza|t", "ua/1", NOW,
                            path_params={"thingId": "a/b c"}, params=[("x", "1")])
    assert request.url == "https://h/test/v1/things/a%2Fb%20c"
    assert request.method == "GET" and request.operation == "testOp"
    assert request.params == (("x", "1"),)
    assert request.headers["x-amz-access-token"] == "Atza|t"
    assert request.headers["x-amz-date"] == "20260203T040506Z"
    assert request.headers["user-agent"] == "ua/1"


def test_path_params_must_match():
    with pytest.raises(ValueError, match="thingId"):
        OP.format_path()
    with pytest.raises(ValueError, match="empty"):
        OP.format_path(thingId="")


def test_success_returns_response_and_learns_rate(fake):
    client, transport = make_client(fake, answer(200, {"a": 1}, **{"x-amzn-RateLimit-Limit": "0.5"}))
    assert client.call_json(OP, path_params={"thingId": "1"}) == {"a": 1}
    assert client._limiter.plan("testOp", "SP1").rate == 0.5
    assert transport.requests[0].headers["x-amz-access-token"] == "Atza|token-1"


@pytest.mark.parametrize("status, code, cls", [
    (400, "InvalidInput", InvalidInput),
    (404, "NotFound", NotFound),
    (413, "RequestTooLarge", PermanentError),
])
def test_permanent_errors_are_not_retried(fake, status, code, cls):
    client, transport = make_client(fake, error(status, code, "nope"))
    with pytest.raises(cls) as info:
        client.call(OP, path_params={"thingId": "1"})
    assert len(transport.requests) == 1 and fake.sleeps == []
    assert str(info.value) == f"testOp: HTTP {status} {code}: nope (request id rid-{status})"


def test_error_from_response_keeps_details_and_count():
    resp = answer(400, {"errors": [{"code": "InvalidInput", "message": "bad", "details": "why"},
                                   {"code": "X", "message": "y"}]})
    err = error_from_response("getOrder", resp)
    assert err.message == "bad (why) [+1 more]" and err.code == "InvalidInput"
    bare = error_from_response("getOrder", Response(502, {}, b"<html/>"))
    assert isinstance(bare, ServerError) and bare.message == "HTTP 502"


def test_403_refreshes_token_once_then_succeeds(fake):
    tokens = Tokens()
    client, transport = make_client(
        fake, error(403, "Unauthorized", "Access to requested resource is denied."),
        answer(200, {}), tokens=tokens)
    client.call(OP, path_params={"thingId": "1"})
    assert tokens.calls == [False, True]
    assert [r.headers["x-amz-access-token"] for r in transport.requests] == [
        "Atza|token-1", "Atza|token-2"]


def test_403_twice_raises_access_denied(fake):
    tokens = Tokens()
    client, transport = make_client(fake, error(403, "Unauthorized", "denied"),
                                    error(403, "Unauthorized", "denied"), tokens=tokens)
    with pytest.raises(AccessDenied):
        client.call(OP, path_params={"thingId": "1"})
    assert tokens.calls == [False, True] and len(transport.requests) == 2


def test_provider_failure_propagates(fake):
    def revoked(force_refresh=False):
        raise InvalidGrant("invalid_grant", "revoked", status=400)

    client, transport = make_client(fake, tokens=revoked)
    with pytest.raises(InvalidGrant):
        client.call(OP, path_params={"thingId": "1"})
    assert transport.requests == []


def test_5xx_and_network_errors_back_off_then_succeed(fake):
    client, transport = make_client(
        fake, error(500, "InternalFailure", "x"), TransportError("timeout"),
        error(503, "ServiceUnavailable", "x"), answer(200, {}),
        retry=RetryPolicy(max_attempts=5, base_delay=1.0, jitter=0.5))
    client.call(OP, path_params={"thingId": "1"})
    # 1, 2, 4 s shrunk by jitter 0.5 * rand 0.5 = 25 %; bucket pacing adds nothing here
    assert fake.sleeps == [0.75, 1.5, 3.0]
    assert len(transport.requests) == 4


def test_attempts_are_bounded(fake):
    client, transport = make_client(fake, *[error(500, "InternalFailure", "x")] * 3,
                                    retry=RetryPolicy(max_attempts=3))
    with pytest.raises(ServerError):
        client.call(OP, path_params={"thingId": "1"})
    assert len(transport.requests) == 3
    assert len([s for s in fake.sleeps if s]) == 2


@pytest.mark.parametrize("rand", [0.0, 0.3, 0.999])
def test_backoff_bounds(rand):
    policy = RetryPolicy(base_delay=2.0, max_delay=10.0, jitter=0.5)
    for failures, full in [(1, 2.0), (2, 4.0), (3, 8.0), (4, 10.0), (9, 10.0)]:
        delay = policy.backoff(failures, rand)
        assert full * 0.5 <= delay <= full


def test_retry_after_is_honoured_and_capped(fake):
    client, _ = make_client(fake, answer(503, {"errors": []}, Retry_After="7"),
                            answer(429, {"errors": []}, Retry_After="9999"), answer(200, {}),
                            retry=RetryPolicy(max_delay=60.0))
    client.call(OP, path_params={"thingId": "1"})
    assert fake.sleeps[:1] == [7.0] and 60.0 in fake.sleeps


def test_429_waits_for_a_token_and_learns_rate(fake):
    plans = {**DEFAULT_RATE_PLANS, "getOrder": RatePlan(0.5, 30)}
    client, transport = make_client(
        fake, answer(429, {"errors": [{"code": "QuotaExceeded", "message": "quota"}]},
                     **{"x-amzn-RateLimit-Limit": "0.25"}),
        answer(200, {"order": {}}), plans=plans)
    client.call(GET_ORDER, path_params={"orderId": "1"})
    # refill time at the reported rate (4 s) beats the 0.75 s backoff
    assert fake.sleeps == [4.0]
    assert client._limiter.plan("getOrder", "SP1").rate == 0.25


def test_429_exhausted_raises_quota_exceeded(fake):
    client, _ = make_client(fake, *[error(429, "QuotaExceeded", "q")] * 2,
                            retry=RetryPolicy(max_attempts=2))
    with pytest.raises(QuotaExceeded):
        client.call(OP, path_params={"thingId": "1"})


def test_pacing_makes_burst_then_rate_calls_wait(fake):
    client, transport = make_client(fake, *[answer(200, {"orders": []})] * 22)
    for _ in range(22):
        client.call(SEARCH_ORDERS)
    assert fake.sleeps == [pytest.approx(1 / 0.0056)] * 2
    assert transport.requests[0].url == "https://sp.example/orders/2026-01-01/orders"


def test_grantless_client_uses_application_bucket(fake):
    transport = FakeTransport(answer(204))
    store_keys = []

    class Store:
        def take(self, key, rate, burst, now, latency=0.0):
            store_keys.append(key)
            return 0.0

    limiter = RateLimiter(DEFAULT_RATE_PLANS, store=Store(), clock=fake.clock, sleep=fake.sleep)
    SPAPIClient("https://h", Tokens(), limiter, transport).call(ROTATE_CLIENT_SECRET)
    assert store_keys == ["rotateApplicationClientSecret:application"]


def test_no_log_record_contains_the_token(fake, caplog):
    client, _ = make_client(fake, error(403, "Unauthorized", "denied"),
                            error(500, "InternalFailure", "boom"), answer(200, {}))
    with caplog.at_level(logging.DEBUG):
        client.call(OP, path_params={"thingId": "1"})
    assert caplog.records
    for record in caplog.records:
        assert "Atza|" not in record.getMessage()
        assert "token-" not in record.getMessage()
