"""Login with Amazon token endpoint, checked against AMAZON.md §2-3."""
import pytest

from amazon_sandbox.testing import running

ROTATION = "sellingpartnerapi::client_credential:rotation"


@pytest.fixture
def h():
    with running(seed=1) as harness:
        yield harness


def _code(h, app, region="NA"):
    seller = h.seller(region)
    return h.control("POST", "authorization-code", {
        "client_id": app["client_id"], "selling_partner_id": seller["selling_partner_id"]})


def test_authorization_code_grant_returns_both_tokens(h):
    app = h.app("public")
    code = _code(h, app)
    response = h.token(grant_type="authorization_code", code=code["spapi_oauth_code"],
                       redirect_uri=code["redirect_uri"], client_id=app["client_id"],
                       client_secret=app["client_secret"])
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert body["access_token"].startswith("Atza|") and body["refresh_token"].startswith("Atzr|")
    assert body["token_type"] == "bearer" and body["expires_in"] == 3600
    assert len(body["access_token"].encode()) <= 2048


def test_code_is_single_use_and_bound_to_client_and_redirect_uri(h):
    app, other = h.app("public"), h.app("private")
    code = _code(h, app)
    form = dict(grant_type="authorization_code", code=code["spapi_oauth_code"],
                redirect_uri=code["redirect_uri"])
    wrong_uri = h.token(**{**form, "redirect_uri": "https://evil.example/cb"},
                        client_id=app["client_id"], client_secret=app["client_secret"])
    assert wrong_uri.status_code == 400 and wrong_uri.json()["error"] == "invalid_grant"
    wrong_client = h.token(**form, client_id=other["client_id"], client_secret=other["client_secret"])
    assert wrong_client.json()["error"] == "invalid_grant"
    assert h.token(**form, client_id=app["client_id"], client_secret=app["client_secret"]).status_code == 200
    again = h.token(**form, client_id=app["client_id"], client_secret=app["client_secret"])
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


def test_code_expires_after_five_minutes(h):
    app = h.app("public")
    fresh, stale = _code(h, app), _code(h, app)
    h.advance(299)
    ok = h.token(grant_type="authorization_code", code=fresh["spapi_oauth_code"],
                 redirect_uri=fresh["redirect_uri"], client_id=app["client_id"],
                 client_secret=app["client_secret"])
    assert ok.status_code == 200
    h.advance(2)
    late = h.token(grant_type="authorization_code", code=stale["spapi_oauth_code"],
                   redirect_uri=stale["redirect_uri"], client_id=app["client_id"],
                   client_secret=app["client_secret"])
    assert late.status_code == 400 and late.json()["error"] == "invalid_grant"


def test_refresh_grant_and_revocation(h):
    app, refresh = h.refresh_token("EU")
    form = dict(grant_type="refresh_token", refresh_token=refresh, client_id=app["client_id"],
                client_secret=app["client_secret"])
    body = h.token(**form).json()
    assert body["access_token"].startswith("Atza|") and "refresh_token" not in body
    assert h.control("POST", "revoke", {"refresh_token": refresh}) == {"revoked": 1}
    revoked = h.token(**form)
    assert revoked.status_code == 400
    assert revoked.json()["error"] == "invalid_grant"
    assert "revoked" in revoked.json()["error_description"]


def test_revoke_all_grants_of_a_seller_for_an_app(h):
    app, first = h.refresh_token("NA")
    _, second = h.refresh_token("NA")  # each self-authorization adds a token
    seller = h.seller("NA")
    result = h.control("POST", "revoke", {"client_id": app["client_id"],
                                          "selling_partner_id": seller["selling_partner_id"]})
    assert result == {"revoked": 2}
    for token in (first, second):
        response = h.token(grant_type="refresh_token", refresh_token=token,
                           client_id=app["client_id"], client_secret=app["client_secret"])
        assert response.json()["error"] == "invalid_grant"


def test_client_credentials_grant_with_both_scopes(h):
    app = h.app("public")
    for scope in ("sellingpartnerapi::notifications", ROTATION):
        response = h.token(grant_type="client_credentials", scope=scope,
                           client_id=app["client_id"], client_secret=app["client_secret"])
        assert response.status_code == 200 and response.json()["access_token"].startswith("Atza|")
    bad = h.token(grant_type="client_credentials", scope="sellingpartnerapi::orders",
                  client_id=app["client_id"], client_secret=app["client_secret"])
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_scope"


@pytest.mark.parametrize("drop", ["grant_type", "client_id", "client_secret", "refresh_token"])
def test_missing_field_is_invalid_request(h, drop):
    app, refresh = h.refresh_token()
    form = dict(grant_type="refresh_token", refresh_token=refresh, client_id=app["client_id"],
                client_secret=app["client_secret"])
    form.pop(drop)
    response = h.token(**form)
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_request",
                               "error_description": response.json()["error_description"]}
    assert response.json()["error"] == "invalid_request"
    assert drop in response.json()["error_description"]


def test_refresh_token_with_scope_is_invalid_request(h):
    app, refresh = h.refresh_token()
    response = h.token(grant_type="refresh_token", refresh_token=refresh, scope=ROTATION,
                       client_id=app["client_id"], client_secret=app["client_secret"])
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"


def test_unknown_grant_type(h):
    app = h.app("public")
    response = h.token(grant_type="password", client_id=app["client_id"],
                       client_secret=app["client_secret"])
    assert response.status_code == 400 and response.json()["error"] == "unsupported_grant_type"


def test_wrong_or_expired_secret_is_invalid_client(h):
    app, refresh = h.refresh_token()
    form = dict(grant_type="refresh_token", refresh_token=refresh, client_id=app["client_id"])
    wrong = h.token(**form, client_secret="amzn1.oa2-cs.v1.wrong")
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    h.control("POST", f"apps/{app['client_id']}/expire-secret", {})
    expired = h.token(**form, client_secret=app["client_secret"])
    assert expired.status_code == 401 and expired.json()["error"] == "invalid_client"


def test_secret_expires_after_180_days(h):
    app, refresh = h.refresh_token()
    form = dict(grant_type="refresh_token", refresh_token=refresh, client_id=app["client_id"],
                client_secret=app["client_secret"])
    h.advance(179 * 86400)
    assert h.token(**form).status_code == 200
    h.advance(2 * 86400)
    assert h.token(**form).json()["error"] == "invalid_client"


def test_console_rotation_keeps_old_secret_seven_days(h):
    app, refresh = h.refresh_token()
    rotated = h.control("POST", f"apps/{app['client_id']}/rotate-secret", {})
    assert rotated["client_secret"] != app["client_secret"]
    form = dict(grant_type="refresh_token", refresh_token=refresh, client_id=app["client_id"])
    h.advance(6 * 86400)
    assert h.token(**form, client_secret=app["client_secret"]).status_code == 200
    h.advance(2 * 86400)
    assert h.token(**form, client_secret=app["client_secret"]).json()["error"] == "invalid_client"
    assert h.token(**form, client_secret=rotated["client_secret"]).status_code == 200


def test_public_app_refresh_token_needs_reauthorization_after_365_days(h):
    app = h.app("public")
    code = _code(h, app)
    body = h.token(grant_type="authorization_code", code=code["spapi_oauth_code"],
                   redirect_uri=code["redirect_uri"], client_id=app["client_id"],
                   client_secret=app["client_secret"]).json()
    # Rotate every 170 days so the client secret stays valid for 370 days.
    for _ in range(2):
        h.control("POST", f"apps/{app['client_id']}/rotate-secret", {})
        h.advance(170 * 86400)
    h.control("POST", f"apps/{app['client_id']}/rotate-secret", {})
    secret = h.app("public")["client_secret"]
    h.advance(30 * 86400)
    response = h.token(grant_type="refresh_token", refresh_token=body["refresh_token"],
                       client_id=app["client_id"], client_secret=secret)
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_call_log_counts_grants_per_client(h):
    app, refresh = h.refresh_token()
    for _ in range(3):
        h.token(grant_type="refresh_token", refresh_token=refresh, client_id=app["client_id"],
                client_secret=app["client_secret"])
    h.token(grant_type="refresh_token", refresh_token=refresh, client_id=app["client_id"],
            client_secret="nope")
    calls = h.control("GET", "calls")
    assert calls["lwa"]["refresh_token"][app["client_id"]] == {"200": 3, "401": 1}
    assert calls["operations"]["lwaToken"] == {"200": 3, "401": 1}
    assert app["client_secret"] not in str(calls) and refresh not in str(calls)
