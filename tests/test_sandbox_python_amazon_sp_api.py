"""The third-party client ``python-amazon-sp-api`` works against the sandbox.

It builds URLs from ``marketplace.endpoint`` (any object with ``endpoint``,
``marketplace_id`` and ``region`` will do) and its LWA URL from
``scheme + host + path`` of its ``AccessTokenClient``, which the client takes
as ``auth_token_client_class``.
"""
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

sp_api_auth = pytest.importorskip("sp_api.auth")
from sp_api.api import Orders, Sellers  # noqa: E402
from sp_api.base import SellingApiForbiddenException  # noqa: E402

from amazon_sandbox.testing import running  # noqa: E402


def token_client_for(url: str):
    scheme, _, host = url.partition("://")

    class SandboxTokenClient(sp_api_auth.AccessTokenClient):
        pass

    SandboxTokenClient.scheme = scheme + "://"
    SandboxTokenClient.host = host
    return SandboxTokenClient


@pytest.fixture
def h():
    with running(seed=8) as harness:
        yield harness


def _client(cls, h, region="NA", marketplace_id="ATVPDKIKX0DER", **kwargs):
    app, refresh = h.refresh_token(region)
    marketplace = SimpleNamespace(endpoint=f"{h.url}/{region.lower()}",
                                  marketplace_id=marketplace_id, region="us-east-1")
    credentials = dict(refresh_token=refresh, lwa_app_id=app["client_id"],
                       lwa_client_secret=app["client_secret"])
    return cls(marketplace, credentials=credentials,
               auth_token_client_class=token_client_for(h.url), **kwargs)


def test_sellers_marketplace_participations(h):
    client = _client(Sellers, h)
    response = client.get_marketplace_participation()
    ids = [p["marketplace"]["id"] for p in response.payload]
    assert ids == h.seller("NA")["marketplace_ids"]
    assert h.control("GET", "calls")["lwa"]["refresh_token"]


def test_v0_orders_and_items_match_ground_truth(h):
    client = _client(Orders, h, version="v0")
    after = datetime.fromtimestamp(h.sandbox.clock.time() - 40 * 86400, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    fetched, token = [], None
    while True:
        kwargs = {"NextToken": token} if token else {
            "CreatedAfter": after, "MarketplaceIds": ["ATVPDKIKX0DER", "A2EUQ1WTGCTBG2", "A1AM78C64UM0Y8"],
            "MaxResultsPerPage": 20}
        page = client.get_orders(**kwargs)
        fetched += [o["AmazonOrderId"] for o in page.payload["Orders"]]
        token = page.payload.get("NextToken")
        if not token:
            break
    truth = h.control("GET", "orders", params={
        "selling_partner_id": h.seller("NA")["selling_partner_id"]})["order_ids"]
    assert sorted(fetched) == sorted(truth) and len(fetched) == len(set(fetched))
    items = client.get_order_items(fetched[0]).payload
    assert items["AmazonOrderId"] == fetched[0] and items["OrderItems"]


def test_client_sees_403_for_a_revoked_grant(h):
    client = _client(Sellers, h, region="EU", marketplace_id="A1PA6795UKMFR9")
    client.get_marketplace_participation()
    h.control("POST", "revoke", {"client_id": h.app("private")["client_id"],
                                 "selling_partner_id": h.seller("EU")["selling_partner_id"]})
    with pytest.raises(SellingApiForbiddenException):
        client.get_marketplace_participation()
