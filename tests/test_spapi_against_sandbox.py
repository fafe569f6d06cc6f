"""The client against the local Amazon sandbox (real HTTP on 127.0.0.1).

Skipped when the sandbox package is not importable yet.
"""
import time
from datetime import timedelta

import pytest
import requests
from coquiapps.addons.sale_amazon_spapi.spapi import (
    DEFAULT_RATE_PLANS,
    IMPORT_INCLUDED_DATA,
    SCOPE_SECRET_ROTATION,
    ApplicationManagementAPI,
    CachedTokenProvider,
    Endpoints,
    InvalidClient,
    InvalidGrant,
    LWAClient,
    LWACredentials,
    OrdersAPI,
    RateLimiter,
    Region,
    RequestsTransport,
    SellersAPI,
    SPAPIClient,
    normalize_order,
)


def _sandbox_api():
    try:
        from amazon_sandbox import Sandbox, serve
    except ImportError as exc:
        pytest.skip(f"Amazon sandbox not available: {exc}")
    return Sandbox, serve


class World:
    """One running sandbox plus what the client needs to reach it."""

    def __init__(self, time_scale=1.0):
        sandbox_cls, serve = _sandbox_api()
        self.sandbox = sandbox_cls(seed=1, time_scale=time_scale)
        self.server = serve(self.sandbox, host="127.0.0.1", port=0)
        self.url = self.server.url.rstrip("/")
        self.state = requests.get(f"{self.url}/_sandbox/state", timeout=10).json()
        ep = self.state["endpoints"]
        self.endpoints = Endpoints().with_overrides(
            lwa_token_url=ep["lwa_token"], consent_base=ep["consent_base"],
            hosts={r: ep[r] for r in ("na", "eu", "fe")})
        self.app = next(a for a in self.state["apps"] if a["kind"] == "private")
        self.seller = self.state["sellers"][0]
        self.transport = RequestsTransport(timeout=(5, 30))

    def now(self):
        return self.sandbox.clock.now()

    def sleep(self, sandbox_seconds):
        # Waits are computed in sandbox seconds; the sandbox runs time_scale times faster.
        time.sleep(self.sandbox.clock.wall_seconds(sandbox_seconds))

    def lwa(self, secret=None):
        creds = LWACredentials(self.app["client_id"], secret or self.app["client_secret"])
        return LWAClient(creds, token_url=self.endpoints.lwa_token_url, transport=self.transport,
                         now=self.now)

    def refresh_token(self):
        answer = requests.post(f"{self.url}/_sandbox/self-authorize", timeout=10, json={
            "client_id": self.app["client_id"],
            "selling_partner_id": self.seller["selling_partner_id"]})
        answer.raise_for_status()
        return answer.json()["refresh_token"]

    def client(self, provider=None, selling_partner_id=None):
        provider = provider or CachedTokenProvider.for_refresh_token(
            self.lwa(), self.refresh_token(), now=self.now)
        # Latency in sandbox seconds: 50 ms of wall time at the test's time scale.
        limiter = RateLimiter(DEFAULT_RATE_PLANS, clock=self.sandbox.clock.time, sleep=self.sleep,
                              latency=0.05 * self.sandbox.clock.time_scale)
        spid = self.seller["selling_partner_id"] if selling_partner_id is None else selling_partner_id
        return SPAPIClient(self.endpoints.host(Region(self.seller["region"].lower())), provider,
                           limiter, self.transport, spid, sleep=self.sleep, now=self.now)

    def statuses(self, operation):
        return {status: n for (op, status), n in self.sandbox.calls.operations.items()
                if op == operation}

    def stop(self):
        self.server.stop()


@pytest.fixture(scope="module")
def world():
    w = World()
    yield w
    w.stop()


def test_self_authorized_refresh(world):
    token = world.lwa().refresh(world.refresh_token())
    assert token.value.startswith("Atza|")
    lifetime = token.expires_at - world.now()
    assert timedelta(minutes=50) < lifetime <= timedelta(hours=1)


def test_lwa_errors(world):
    with pytest.raises(InvalidGrant):
        world.lwa().refresh("Atzr|not-a-real-token")
    with pytest.raises(InvalidClient):
        world.lwa(secret="amzn1.oa2-cs.v1.wrong").refresh(world.refresh_token())


def test_marketplace_participations(world):
    participations = SellersAPI(world.client()).get_marketplace_participations()
    assert {p.marketplace_id for p in participations} == set(world.seller["marketplace_ids"])
    assert all(p.is_participating for p in participations)


def test_search_orders_pages_and_get_order(world):
    api = OrdersAPI(world.client(), now=world.now)
    after = world.now() - timedelta(days=365)
    pages = list(api.iter_order_pages(created_after=after, max_results_per_page=5,
                                      included_data=IMPORT_INCLUDED_DATA))
    assert len(pages) > 1 and pages[-1].next_token is None
    orders = [normalize_order(o) for p in pages for o in p.orders]
    ids = [o["amazon_order_id"] for o in orders]
    assert len(ids) == len(set(ids))
    for order in orders:
        assert order["purchase_date"] >= after.replace(microsecond=0)
        assert order["status"] and order["lines"]
    single = normalize_order(api.get_order(ids[0], IMPORT_INCLUDED_DATA))
    assert single["amazon_order_id"] == ids[0]
    assert single["lines"] == orders[0]["lines"] and single["total"] == orders[0]["total"]


def test_rejected_access_token_is_refreshed_once(world):
    real = CachedTokenProvider.for_refresh_token(world.lwa(), world.refresh_token(), now=world.now)
    asked = []

    def provider(force_refresh=False):
        asked.append(force_refresh)
        return real(force_refresh=True) if force_refresh else "Atza|expired-or-bogus"

    SellersAPI(world.client(provider)).get_marketplace_participations()
    assert asked == [False, True]


def test_grantless_secret_rotation(world):
    before = len(world.sandbox.notifications)
    provider = CachedTokenProvider.grantless(world.lwa(), SCOPE_SECRET_ROTATION, now=world.now)
    ApplicationManagementAPI(world.client(provider, selling_partner_id="")).rotate_client_secret()
    assert len(world.sandbox.notifications) == before + 1
    assert world.statuses("rotateApplicationClientSecret") == {204: 1}


def test_pacing_gets_no_429_from_a_time_scaled_sandbox():
    w = World(time_scale=600)
    try:
        client = w.client()
        sellers = SellersAPI(client)
        for _ in range(18):  # burst 15, then one per 62.5 sandbox seconds
            sellers.get_marketplace_participations()
        orders = OrdersAPI(client, now=w.now)
        after = w.now() - timedelta(days=30)
        for _ in range(23):  # burst 20, then one per ~179 sandbox seconds
            orders.search_orders(created_after=after, max_results_per_page=1)
        assert w.statuses("getMarketplaceParticipations") == {200: 18}
        assert w.statuses("searchOrders") == {200: 23}
    finally:
        w.stop()
