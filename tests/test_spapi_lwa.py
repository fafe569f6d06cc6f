"""Login with Amazon grants, token parsing and the cached provider."""
import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
from coquiapps.addons.sale_amazon_spapi.spapi import (
    SCOPE_SECRET_ROTATION,
    AccessToken,
    CachedTokenProvider,
    InvalidClient,
    InvalidGrant,
    LWAClient,
    LWACredentials,
    LWATemporaryError,
    Response,
)

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SECRET = "amzn1.oa2-cs.v1.s3cr3t"


class FakeTransport:
    def __init__(self, *responses):
        self.responses = list(responses)
        self.requests = []

    def __call__(self, request):
        self.requests.append(request)
        return self.responses.pop(0)


def ok(body, status=200):
    return Response(status, {"content-type": "application/json"}, json.dumps(body).encode())


@pytest.fixture
def creds():
    return LWACredentials("amzn1.application-oa2-client.id", SECRET)


def lwa(creds, *responses):
    transport = FakeTransport(*responses)
    return LWAClient(creds, token_url="http://lwa/auth/o2/token", transport=transport,
                     now=lambda: T0), transport


def test_exchange_code(creds):
    client, transport = lwa(creds, ok({"access_token": "Atza|a", "token_type": "bearer",
                                       "expires_in": 3600, "refresh_token": "Atzr|r"}))
    token = client.exchange_code("CODE", "https://erp/cb")
    assert token == AccessToken("Atza|a", T0 + timedelta(seconds=3600), "Atzr|r")
    request = transport.requests[0]
    assert (request.method, request.url) == ("POST", "http://lwa/auth/o2/token")
    assert request.headers["content-type"] == "application/x-www-form-urlencoded;charset=UTF-8"
    assert request.form == {"grant_type": "authorization_code", "code": "CODE",
                            "redirect_uri": "https://erp/cb", "client_id": creds.client_id,
                            "client_secret": SECRET}


def test_refresh(creds):
    client, transport = lwa(creds, ok({"access_token": "Atza|b", "expires_in": 120}))
    token = client.refresh("Atzr|r")
    assert token.value == "Atza|b" and token.refresh_token is None
    assert token.expires_at == T0 + timedelta(seconds=120)
    assert transport.requests[0].form["grant_type"] == "refresh_token"
    assert transport.requests[0].form["refresh_token"] == "Atzr|r"


def test_grantless(creds):
    client, transport = lwa(creds, ok({"access_token": "Atza|g", "expires_in": 3600}))
    client.grantless(SCOPE_SECRET_ROTATION)
    form = transport.requests[0].form
    assert form["grant_type"] == "client_credentials"
    assert form["scope"] == "sellingpartnerapi::client_credential:rotation"
    assert "refresh_token" not in form


@pytest.mark.parametrize("status, error, cls", [
    (400, "invalid_grant", InvalidGrant),
    (401, "invalid_client", InvalidClient),
    (500, "server_error", LWATemporaryError),
    (503, "temporarily_unavailable", LWATemporaryError),
])
def test_errors_keep_amazon_text(creds, status, error, cls):
    client, _ = lwa(creds, ok({"error": error, "error_description": "Amazon text"}, status))
    with pytest.raises(cls) as info:
        client.refresh("Atzr|r")
    assert info.value.error == error and info.value.description == "Amazon text"
    assert SECRET not in str(info.value) and "Atzr" not in str(info.value)


def test_non_json_5xx_is_temporary(creds):
    client, _ = lwa(creds, Response(502, {}, b"<html>bad gateway</html>"))
    with pytest.raises(LWATemporaryError):
        client.refresh("Atzr|r")


def test_success_without_token_is_an_error(creds):
    client, _ = lwa(creds, ok({"token_type": "bearer"}))
    with pytest.raises(Exception, match="without an access token"):
        client.refresh("Atzr|r")


def test_repr_hides_secrets(creds):
    token = AccessToken("Atza|secret", T0, "Atzr|secret")
    assert "secret" not in repr(token)
    assert SECRET not in repr(creds)


def test_is_fresh_uses_margin():
    token = AccessToken("a", T0 + timedelta(seconds=3600))
    assert token.is_fresh(T0 + timedelta(seconds=3539))
    assert not token.is_fresh(T0 + timedelta(seconds=3540))


class Clock:
    def __init__(self):
        self.now = T0

    def __call__(self):
        return self.now


def counting_fetch(clock, lifetime=3600):
    calls = []

    def fetch():
        calls.append(1)
        return AccessToken(f"Atza|{len(calls)}", clock.now + timedelta(seconds=lifetime))

    return fetch, calls


def test_provider_reuses_until_margin_then_refreshes():
    clock = Clock()
    fetch, calls = counting_fetch(clock)
    provider = CachedTokenProvider(fetch, now=clock)
    assert provider() == "Atza|1"
    clock.now += timedelta(seconds=3500)
    assert provider() == "Atza|1"
    clock.now += timedelta(seconds=41)  # inside the 60 s margin
    assert provider() == "Atza|2"
    assert len(calls) == 2


def test_provider_forced_refresh():
    clock = Clock()
    fetch, calls = counting_fetch(clock)
    provider = CachedTokenProvider(fetch, now=clock)
    provider()
    assert provider(force_refresh=True) == "Atza|2"
    assert provider() == "Atza|2"


def test_provider_for_refresh_token_uses_lwa(creds):
    client, transport = lwa(creds, ok({"access_token": "Atza|x", "expires_in": 3600}))
    provider = CachedTokenProvider.for_refresh_token(client, "Atzr|r", now=lambda: T0)
    assert provider() == "Atza|x" and provider() == "Atza|x"
    assert len(transport.requests) == 1


def test_provider_threads_share_one_fetch():
    clock = Clock()
    gate = threading.Event()
    calls = []

    def slow_fetch():
        calls.append(1)
        gate.wait(2)
        return AccessToken("Atza|t", clock.now + timedelta(hours=1))

    provider = CachedTokenProvider(slow_fetch, now=clock)
    results = []
    threads = [threading.Thread(target=lambda: results.append(provider())) for _ in range(8)]
    for t in threads:
        t.start()
    gate.set()
    for t in threads:
        t.join()
    assert results == ["Atza|t"] * 8 and len(calls) == 1
