"""Fault injection: errors, latency, dropped connections, timeouts, seeded randomness."""
import time

import pytest
import requests

from amazon_sandbox import Faults
from amazon_sandbox.testing import running

PARTICIPATIONS = "/sellers/v1/marketplaceParticipations"


@pytest.fixture
def h():
    with running(seed=6) as harness:
        harness.token_na = harness.access_token("NA")
        yield harness


def test_error_rate_on_one_operation(h):
    h.control("PUT", "faults", {"rules": [{"operation": "getMarketplaceParticipations",
                                           "error_rate": 1.0, "status": 503}]})
    response = h.sp("NA", PARTICIPATIONS, h.token_na)
    assert response.status_code == 503 and response.headers["x-amzn-RequestId"]
    assert response.json()["errors"][0]["code"] == "ServiceUnavailable"
    # Other operations are untouched.
    params = {"createdAfter": "2026-01-01T00:00:00Z"}
    assert h.sp("NA", "/orders/2026-01-01/orders", h.token_na, params=params).status_code in (200, 400)
    h.control("DELETE", "faults")
    assert h.sp("NA", PARTICIPATIONS, h.token_na).status_code == 200
    assert h.control("GET", "calls")["faults"]["getMarketplaceParticipations"] == {"503": 1}


def test_lwa_fault_uses_lwa_error_body(h):
    h.control("PUT", "faults", {"rules": [{"path": "/auth/o2/token", "error_rate": 1.0,
                                           "status": 500, "remaining": 1}]})
    app, refresh = h.refresh_token("NA")
    form = dict(grant_type="refresh_token", refresh_token=refresh, client_id=app["client_id"],
                client_secret=app["client_secret"])
    first = h.token(**form)
    assert first.status_code == 500 and first.json()["error"] == "server_error"
    assert h.token(**form).status_code == 200  # the rule was spent


def test_added_latency(h):
    h.control("PUT", "faults", {"rules": [{"operation": "getMarketplaceParticipations",
                                           "latency_ms": 300}]})
    started = time.monotonic()
    assert h.sp("NA", PARTICIPATIONS, h.token_na).status_code == 200
    assert time.monotonic() - started >= 0.3


def test_dropped_connection(h):
    h.control("PUT", "faults", {"rules": [{"region": "NA", "drop_rate": 1.0, "remaining": 1}]})
    with pytest.raises(requests.ConnectionError):
        h.sp("NA", PARTICIPATIONS, h.token_na)
    assert h.sp("NA", PARTICIPATIONS, h.token_na).status_code == 200


def test_timeout_longer_than_the_client_waits(h):
    h.control("PUT", "faults", {"rules": [{"path": "/na/sellers", "timeout_rate": 1.0,
                                           "timeout_s": 1.0, "remaining": 1}]})
    with pytest.raises(requests.Timeout):
        h.sp("NA", PARTICIPATIONS, h.token_na, timeout=0.2)
    assert h.sp("NA", PARTICIPATIONS, h.token_na).status_code == 200


def test_control_routes_are_never_faulted(h):
    h.control("PUT", "faults", {"rules": [{"error_rate": 1.0, "drop_rate": 1.0}]})
    assert h.control("GET", "state")["apps"]


def test_bad_rule_is_refused(h):
    h.control("PUT", "faults", {"rules": [{"error_rate": 2}]}, status=400)
    h.control("PUT", "faults", {"rules": [{"status": 418, "error_rate": 1}]}, status=400)
    h.control("PUT", "faults", {"rules": [{"colour": "red"}]}, status=400)


def test_seeded_rng_repeats_the_same_faults():
    def run(seed):
        faults = Faults()
        faults.configure([{"error_rate": 0.5, "status": 500}], seed=seed)
        return [faults.decide("getOrder", "/na/x", "NA").error_status for _ in range(40)]

    assert run(7) == run(7)
    assert run(7) != run(8)
    assert {500, None} == set(run(7))
