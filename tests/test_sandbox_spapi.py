"""SP-API access rules, sellers and application management (AMAZON.md §3-5)."""
import threading
import types
from concurrent.futures import ThreadPoolExecutor

import pytest

from amazon_sandbox import app as sandbox_app
from amazon_sandbox.testing import running

PARTICIPATIONS = "/sellers/v1/marketplaceParticipations"
DENIED = "Access to requested resource is denied."


@pytest.fixture
def h():
    with running(seed=2) as harness:
        yield harness


def _error(response):
    (error,) = response.json()["errors"]
    return error


def test_marketplace_participations(h):
    token = h.access_token("NA")
    response = h.sp("NA", PARTICIPATIONS, token)
    assert response.status_code == 200
    assert response.headers["x-amzn-RateLimit-Limit"] == "0.016"
    assert response.headers["x-amzn-RequestId"]
    payload = response.json()["payload"]
    assert [p["marketplace"]["id"] for p in payload] == h.seller("NA")["marketplace_ids"]
    us = payload[0]
    assert us["marketplace"] == {"id": "ATVPDKIKX0DER", "name": "Amazon.com", "countryCode": "US",
                                 "defaultCurrencyCode": "USD", "defaultLanguageCode": "en_US",
                                 "domainName": "www.amazon.com"}
    assert us["participation"] == {"isParticipating": True, "hasSuspendedListings": False}


def test_missing_token_is_403(h):
    response = h.sp("NA", PARTICIPATIONS, None)
    assert response.status_code == 403 and response.headers["x-amzn-RequestId"]
    assert _error(response)["code"] == "Unauthorized" and _error(response)["message"] == DENIED


def test_malformed_token_is_403(h):
    response = h.sp("NA", PARTICIPATIONS, "Atza|made-up")
    assert response.status_code == 403
    assert _error(response)["details"] == "The access token you provided is revoked, malformed or invalid."


def test_access_token_expires_after_3600_seconds(h):
    token = h.access_token("NA")
    h.advance(3599)
    assert h.sp("NA", PARTICIPATIONS, token).status_code == 200
    h.advance(2)
    response = h.sp("NA", PARTICIPATIONS, token)
    assert response.status_code == 403
    assert _error(response)["details"] == "The access token you provided has expired."


def test_revoking_the_refresh_token_kills_its_access_tokens(h):
    app, refresh = h.refresh_token("NA")
    access = h.token(grant_type="refresh_token", refresh_token=refresh, client_id=app["client_id"],
                     client_secret=app["client_secret"]).json()["access_token"]
    h.control("POST", "revoke", {"refresh_token": refresh})
    response = h.sp("NA", PARTICIPATIONS, access)
    assert response.status_code == 403 and _error(response)["code"] == "Unauthorized"


def test_token_of_another_region_is_refused(h):
    token = h.access_token("EU")
    assert h.sp("EU", PARTICIPATIONS, token).status_code == 200
    for region in ("NA", "FE"):
        response = h.sp(region, PARTICIPATIONS, token)
        assert response.status_code == 403 and _error(response)["message"] == DENIED


def test_user_agent_is_required(h):
    token = h.access_token("NA")
    response = h.sp("NA", PARTICIPATIONS, token, headers={"user-agent": ""})
    assert response.status_code == 400 and _error(response)["code"] == "InvalidInput"


def test_grantless_token_cannot_read_seller_data(h):
    token = h.grantless_token(h.app("private"))
    assert h.sp("NA", PARTICIPATIONS, token).status_code == 403


def test_unknown_path_is_404_with_request_id(h):
    response = h.sp("NA", "/nothing/here", h.access_token("NA"))
    assert response.status_code == 404 and response.headers["x-amzn-RequestId"]


def test_rotate_client_secret_by_api(h):
    app, refresh = h.refresh_token("NA")
    grantless = h.grantless_token(app)
    response = h.sp("NA", "/applications/2023-11-30/clientSecret", grantless, method="POST")
    assert response.status_code == 204 and response.content == b""
    assert response.headers["x-amzn-RateLimit-Limit"] == "0.0167"
    (note,) = h.control("GET", "notifications")["notifications"]
    assert note["notificationType"] == "APPLICATION_OAUTH_CLIENT_NEW_SECRET"
    payload = note["payload"]["applicationOAuthClientNewSecret"]
    assert set(payload) == {"clientId", "newClientSecret", "newClientSecretExpiryTime",
                            "oldClientSecretExpiryTime"}
    assert payload["clientId"] == app["client_id"]
    form = dict(grant_type="refresh_token", refresh_token=refresh, client_id=app["client_id"])
    assert h.token(**form, client_secret=payload["newClientSecret"]).status_code == 200
    assert h.token(**form, client_secret=app["client_secret"]).status_code == 200
    h.advance(7 * 86400 + 1)
    assert h.token(**form, client_secret=app["client_secret"]).status_code == 401
    # Burst 1: a second rotation right away is throttled.
    again = h.sp("NA", "/applications/2023-11-30/clientSecret", h.grantless_token(
        {**app, "client_secret": payload["newClientSecret"]}), method="POST")
    assert again.status_code == 204
    third = h.sp("NA", "/applications/2023-11-30/clientSecret", h.grantless_token(
        {**app, "client_secret": h.app("private")["client_secret"]}), method="POST")
    assert third.status_code == 429


def test_rotation_needs_the_rotation_scope(h):
    app = h.app("private")
    token = h.grantless_token(app, scope="sellingpartnerapi::notifications")
    response = h.sp("NA", "/applications/2023-11-30/clientSecret", token, method="POST")
    assert response.status_code == 403
    seller_token = h.access_token("NA")
    assert h.sp("NA", "/applications/2023-11-30/clientSecret", seller_token,
                method="POST").status_code == 403


def test_concurrent_requests_are_served_in_parallel(h, monkeypatch):
    h.control("PUT", "faults", {"rules": [{"operation": "getMarketplaceParticipations",
                                           "latency_ms": 300}]})
    # the added latency becomes a meeting point: each request waits there until all 8 are in,
    # which only a server answering them in parallel lets happen (a serial one breaks the barrier)
    meet = threading.Barrier(8)
    monkeypatch.setattr(sandbox_app, "time", types.SimpleNamespace(sleep=lambda _seconds: meet.wait(120)))
    token = h.access_token("NA")
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda _: h.sp("NA", PARTICIPATIONS, token, timeout=180).status_code, range(8)))
    assert statuses == [200] * 8
