"""Every SP-API operation the module calls, declared once (AMAZON.md section 5)."""
from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from urllib.parse import quote

from .ratelimit import RatePlan


@dataclass(frozen=True)
class Operation:
    """An SP-API operation: Amazon's operation id, HTTP method, path template, usage plan."""

    name: str
    method: str
    path: str
    rate: float
    burst: int

    @property
    def plan(self) -> RatePlan:
        return RatePlan(self.rate, self.burst)

    def format_path(self, **params: str) -> str:
        """The path with ``{placeholders}`` filled and URL-quoted."""
        wanted = {f for _, f, _, _ in string.Formatter().parse(self.path) if f}
        if wanted != set(params):
            raise ValueError(f"{self.name} needs path parameters {sorted(wanted)}, "
                             f"got {sorted(params)}")
        for key, value in params.items():
            if not value:
                raise ValueError(f"{self.name}: empty path parameter {key!r}")
        return self.path.format(**{k: quote(str(v), safe="") for k, v in params.items()})


GET_MARKETPLACE_PARTICIPATIONS = Operation(
    "getMarketplaceParticipations", "GET", "/sellers/v1/marketplaceParticipations", 0.016, 15)
SEARCH_ORDERS = Operation("searchOrders", "GET", "/orders/2026-01-01/orders", 0.0056, 20)
GET_ORDER = Operation("getOrder", "GET", "/orders/2026-01-01/orders/{orderId}", 0.5, 30)
ROTATE_CLIENT_SECRET = Operation(
    "rotateApplicationClientSecret", "POST", "/applications/2023-11-30/clientSecret", 0.0167, 1)

# Feeds API 2021-06-30 (spapi/FEEDS.md): createFeed refills one call every two minutes.
CREATE_FEED_DOCUMENT = Operation(
    "createFeedDocument", "POST", "/feeds/2021-06-30/documents", 0.5, 15)
CREATE_FEED = Operation("createFeed", "POST", "/feeds/2021-06-30/feeds", 0.0083, 15)
GET_FEED = Operation("getFeed", "GET", "/feeds/2021-06-30/feeds/{feedId}", 2.0, 15)
GET_FEEDS = Operation("getFeeds", "GET", "/feeds/2021-06-30/feeds", 0.0222, 10)
CANCEL_FEED = Operation("cancelFeed", "DELETE", "/feeds/2021-06-30/feeds/{feedId}", 2.0, 15)
GET_FEED_DOCUMENT = Operation(
    "getFeedDocument", "GET", "/feeds/2021-06-30/documents/{feedDocumentId}", 0.0222, 10)
# Listings Items API 2021-08-01: reads the quantity a listings feed set.
GET_LISTINGS_ITEM = Operation(
    "getListingsItem", "GET", "/listings/2021-08-01/items/{sellerId}/{sku}", 5.0, 10)

OPERATIONS: Mapping[str, Operation] = MappingProxyType({
    op.name: op
    for op in (GET_MARKETPLACE_PARTICIPATIONS, SEARCH_ORDERS, GET_ORDER, ROTATE_CLIENT_SECRET,
               CREATE_FEED_DOCUMENT, CREATE_FEED, GET_FEED, GET_FEEDS, CANCEL_FEED,
               GET_FEED_DOCUMENT, GET_LISTINGS_ITEM)
})

#: The usage plans of :data:`OPERATIONS`, for :class:`~.ratelimit.RateLimiter`.
DEFAULT_RATE_PLANS: Mapping[str, RatePlan] = MappingProxyType(
    {name: op.plan for name, op in OPERATIONS.items()})
