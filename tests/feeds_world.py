"""A served Amazon sandbox plus the pure feeds client pointed at it (real HTTP on 127.0.0.1).

Waiting never sleeps: the client's pacing and polling "sleep" by advancing the
sandbox clock through its control API, so a two-minute createFeed refill or a
feed's processing delay passes instantly and deterministically.
"""
from __future__ import annotations

import itertools

import requests
from coquiapps.addons.sale_amazon_spapi.spapi import (
    DEFAULT_RATE_PLANS,
    CachedTokenProvider,
    Endpoints,
    FeedsAPI,
    ListingsAPI,
    LWAClient,
    LWACredentials,
    OrdersAPI,
    RateLimiter,
    Region,
    RequestsTransport,
    RetryPolicy,
    SPAPIClient,
)

from amazon_sandbox import Sandbox, serve

_item_ids = itertools.count(70000000000001)


class FeedsWorld:
    """One sandbox (optionally kept under ``data_dir``) and a client for its NA seller."""

    def __init__(self, seed: int = 7, data_dir=None):
        self.sandbox = Sandbox(seed=seed, data_dir=data_dir)
        self.server = serve(self.sandbox)
        self.url = self.server.url
        self.http = requests.Session()
        state = self.control("GET", "state")
        self.seller = next(s for s in state["sellers"] if s["region"] == "NA")
        self.spid = self.seller["selling_partner_id"]
        self.marketplace = self.seller["marketplace_ids"][0]
        self.app = next(a for a in state["apps"] if a["kind"] == "private")
        ends = state["endpoints"]
        self.endpoints = Endpoints().with_overrides(
            lwa_token_url=ends["lwa_token"], consent_base=ends["consent_base"],
            hosts={r: ends[r] for r in ("na", "eu", "fe")})
        self.transport = RequestsTransport(timeout=(5, 30))
        self.client = self._client()
        self.feeds = FeedsAPI(self.client, documents=self.transport, sleep=self.advance)
        self.orders = OrdersAPI(self.client, now=self.now)
        self.listings = ListingsAPI(self.client)

    # -- sandbox control ------------------------------------------------------------------------
    def control(self, method: str, path: str, json=None, params=None) -> dict:
        response = self.http.request(method, f"{self.url}/_sandbox/{path}", json=json,
                                     params=params, timeout=10)
        assert response.status_code == 200, response.text
        return response.json()

    def advance(self, seconds: float) -> None:
        """The client's sleep: sandbox time jumps instead of the test waiting."""
        if seconds > 0:
            self.control("POST", "clock", {"advance": seconds})

    def now(self):
        return self.sandbox.clock.now()

    def new_order(self, items=((2, "SKU-0001"), (1, "SKU-0002")), status="UNSHIPPED",
                  fulfilled_by="MERCHANT") -> tuple[str, list[str]]:
        """An order created an hour ago: (order id, its order item ids)."""
        ids = [str(next(_item_ids)) for _ in items]
        body = self.control("POST", "orders", {"selling_partner_id": self.spid, "orders": [{
            "status": status, "fulfilled_by": fulfilled_by, "created": -3600,
            "marketplace_id": self.marketplace,
            "items": [{"sku": sku, "quantity": quantity, "unit_price": "10.00", "order_item_id": i}
                      for (quantity, sku), i in zip(items, ids, strict=True)]}]})
        return body["order_ids"][0], ids

    # -- client -----------------------------------------------------------------------------------
    def _client(self) -> SPAPIClient:
        refresh = self.control("POST", "self-authorize", {
            "client_id": self.app["client_id"], "selling_partner_id": self.spid})["refresh_token"]
        lwa = LWAClient(LWACredentials(self.app["client_id"], self.app["client_secret"]),
                        token_url=self.endpoints.lwa_token_url, transport=self.transport,
                        now=self.now)
        tokens = CachedTokenProvider.for_refresh_token(lwa, refresh, now=self.now)
        # One sandbox second of margin covers the milliseconds a request takes to arrive.
        limiter = RateLimiter(DEFAULT_RATE_PLANS, clock=self.sandbox.clock.time,
                              sleep=self.advance, latency=1.0)
        return SPAPIClient(self.endpoints.host(Region.NA), tokens, limiter, self.transport,
                           self.spid, sleep=self.advance, now=self.now,
                           retry=RetryPolicy(max_attempts=4, base_delay=1.0), rand=lambda: 0.0)

    def submit_and_wait(self, document):
        """createFeedDocument, upload, createFeed, poll getFeed: (feed, report bytes)."""
        _doc_id, feed_id = self.feeds.submit(document, [self.marketplace])
        feed = self.feeds.wait_for_feed(feed_id, poll_interval=30)
        return feed, self.feeds.read_result_document(feed)

    def statuses(self, operation: str) -> dict:
        return self.control("GET", "calls")["operations"].get(operation, {})

    def stop(self) -> None:
        self.http.close()
        self.server.stop()
