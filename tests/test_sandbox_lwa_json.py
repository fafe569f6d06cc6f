"""LWA token endpoint with JSON bodies, as Amazon's SDK LWA clients (Java, C#, npm) post them."""
import pytest
import requests

from amazon_sandbox.testing import running


@pytest.fixture
def h():
    with running(seed=1) as harness:
        yield harness


def _post_json(h, body) -> requests.Response:
    return requests.post(f"{h.url}/auth/o2/token", json=body, timeout=10)


def test_refresh_grant_posted_as_json_gets_a_token(h):
    app, refresh = h.refresh_token("NA")
    response = _post_json(h, {"grant_type": "refresh_token", "refresh_token": refresh,
                              "client_id": app["client_id"], "client_secret": app["client_secret"]})
    assert response.status_code == 200, response.text
    assert response.json()["access_token"].startswith("Atza|")


def test_revoked_token_posted_as_json_is_invalid_grant(h):
    app, refresh = h.refresh_token("EU")
    assert h.control("POST", "revoke", {"refresh_token": refresh}) == {"revoked": 1}
    response = _post_json(h, {"grant_type": "refresh_token", "refresh_token": refresh,
                              "client_id": app["client_id"], "client_secret": app["client_secret"]})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert "revoked" in response.json()["error_description"]


def test_wrong_secret_posted_as_json_is_invalid_client(h):
    app, refresh = h.refresh_token("NA")
    response = _post_json(h, {"grant_type": "refresh_token", "refresh_token": refresh,
                              "client_id": app["client_id"], "client_secret": "not-the-secret"})
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_grantless_scope_posted_as_json(h):
    app = h.app("private")
    response = _post_json(h, {"grant_type": "client_credentials",
                              "scope": "sellingpartnerapi::client_credential:rotation",
                              "client_id": app["client_id"], "client_secret": app["client_secret"]})
    assert response.status_code == 200, response.text
    assert response.json()["scope"] == "sellingpartnerapi::client_credential:rotation"


def test_json_body_that_is_not_an_object_is_invalid_request(h):
    response = requests.post(f"{h.url}/auth/o2/token", data="[1, 2]",
                             headers={"Content-Type": "application/json"}, timeout=10)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    missing = _post_json(h, {"client_id": "x", "client_secret": "y"})
    assert missing.status_code == 400 and "grant_type" in missing.json()["error_description"]
