"""Headers, the requests-based transport, and what it logs (never a token)."""
import logging
from datetime import UTC, datetime, timedelta, timezone

import pytest
import requests
from coquiapps.addons.sale_amazon_spapi.spapi import (
    Request,
    RequestsTransport,
    Response,
    TransportError,
)
from coquiapps.addons.sale_amazon_spapi.spapi.transport import (
    amz_date,
    spapi_headers,
    user_agent,
)

TOKEN = "Atza|IwEBIsecret-token"


class FakeSession:
    def __init__(self, outcome):
        self.outcome = outcome
        self.calls = []

    def request(self, method, url, **kwargs):
        self.calls.append((method, url, kwargs))
        if isinstance(self.outcome, Exception):
            raise self.outcome
        return self.outcome


def http_answer(status=200, body=b'{"ok": true}', headers=None):
    answer = requests.Response()
    answer.status_code = status
    answer._content = body
    answer.headers.update(headers or {"x-amzn-RequestId": "rid-1"})
    return answer


def ticking(step=0.25):
    state = {"t": 0.0}

    def clock():
        state["t"] += step
        return state["t"]

    return clock


def spapi_request():
    return Request("GET", "https://sp.example/orders/2026-01-01/orders", operation="searchOrders",
                   headers=spapi_headers(TOKEN, user_agent(), datetime(2026, 1, 2, tzinfo=UTC)),
                   params=(("paginationToken", "pg-secret"), ("buyerEmail", "a@b.c")))


def test_user_agent_format_and_limit():
    agent = user_agent()
    assert agent.startswith("CoquiAPPs-sale_amazon_spapi/")
    assert "(Language=Python/3.11; Platform=" in agent
    assert len(user_agent("x" * 600, "1")) == 500


def test_amz_date_is_utc():
    local = datetime(2026, 1, 2, 1, 2, 3, tzinfo=timezone(timedelta(hours=2)))
    assert amz_date(local) == "20260101T230203Z"


def test_spapi_headers():
    headers = spapi_headers(TOKEN, "agent/1", datetime(2026, 5, 6, 7, 8, 9, tzinfo=UTC))
    assert headers["x-amz-access-token"] == TOKEN
    assert headers["user-agent"] == "agent/1"
    assert headers["x-amz-date"] == "20260506T070809Z"
    assert "authorization" not in {k.lower() for k in headers}  # no SigV4 any more


def test_response_helpers():
    resp = Response(429, {"X-Amzn-RateLimit-Limit": "0.0056", "x-amzn-requestid": "r",
                          "retry-after": "3"}, b"")
    assert (resp.rate_limit, resp.request_id, resp.retry_after, resp.ok) == (0.0056, "r", 3.0, False)
    assert resp.json() is None
    assert Response(200, {}, b"not json").json() is None
    assert Response(200, {"x-amzn-RateLimit-Limit": "nan"}).rate_limit is None
    assert Response(200, {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}).retry_after is None


def test_sends_and_logs_without_secrets(caplog):
    session = FakeSession(http_answer())
    transport = RequestsTransport(session, timeout=(1, 2), clock=ticking())
    with caplog.at_level(logging.DEBUG):
        response = transport(spapi_request())
    assert response.status == 200 and response.json() == {"ok": True}
    method, url, kwargs = session.calls[0]
    assert (method, url) == ("GET", "https://sp.example/orders/2026-01-01/orders")
    assert kwargs["headers"]["x-amz-access-token"] == TOKEN
    assert kwargs["timeout"] == (1, 2) and kwargs["allow_redirects"] is False
    assert kwargs["params"] == [("paginationToken", "pg-secret"), ("buyerEmail", "a@b.c")]
    [record] = caplog.records
    text = record.getMessage()
    assert text == "searchOrders GET /orders/2026-01-01/orders -> 200 (request id rid-1, 250 ms)"
    assert TOKEN not in text and "pg-secret" not in text and "a@b.c" not in text


def test_form_post_logs_no_secret(caplog):
    session = FakeSession(http_answer(400, b'{"error":"invalid_client"}'))
    request = Request("POST", "https://lwa/auth/o2/token", operation="lwa:refresh_token",
                      form={"client_secret": "amzn1.oa2-cs.v1.zzz", "refresh_token": "Atzr|q"})
    with caplog.at_level(logging.DEBUG):
        RequestsTransport(session, clock=ticking())(request)
    assert session.calls[0][2]["data"]["client_secret"] == "amzn1.oa2-cs.v1.zzz"
    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert "zzz" not in caplog.text and "Atzr" not in caplog.text


@pytest.mark.parametrize("exc, text", [
    (requests.ConnectTimeout("t"), "timeout calling /orders/2026-01-01/orders"),
    (requests.ReadTimeout("t"), "timeout calling"),
    (requests.ConnectionError("refused"), "network error calling /orders/2026-01-01/orders: "
                                          "ConnectionError"),
])
def test_network_failures_become_transport_errors(caplog, exc, text):
    transport = RequestsTransport(FakeSession(exc), clock=ticking())
    with caplog.at_level(logging.DEBUG), pytest.raises(TransportError, match=text) as info:
        transport(spapi_request())
    assert info.value.retryable and info.value.operation == "searchOrders"
    assert "no answer" in caplog.text and TOKEN not in caplog.text


def test_request_repr_hides_headers_and_form():
    text = repr(spapi_request()) + repr(Request("POST", "u", operation="o", form={"s": "SECRET"}))
    assert TOKEN not in text and "SECRET" not in text
