"""A small pure-Python client for Amazon's Selling Partner API and Login with Amazon.

No ORM here: only the standard library and ``requests``, so the package can be
tested alone against fakes or the local Amazon sandbox. One concept per module:

* :mod:`.endpoints` — regions, marketplaces, LWA / Seller Central / SP-API URLs
  (production defaults, all overridable through :class:`Endpoints`);
* :mod:`.errors` — :class:`RetryableError` vs :class:`PermanentError`, LWA errors;
* :mod:`.lwa` — token grants (:class:`LWAClient`) and an in-memory
  :class:`CachedTokenProvider`;
* :mod:`.ratelimit` — token buckets per (operation, selling partner) over a
  pluggable :class:`RateStore`;
* :mod:`.transport` — the only HTTP code; never logs tokens or bodies;
* :mod:`.retry` — :class:`RetryPolicy` and the one retry loop (SP-API calls, LWA refreshes);
* :mod:`.client` — :class:`SPAPIClient`: pacing, retries, refresh on 403;
* :mod:`.operations` — every operation declared once with its usage plan;
* :mod:`.sellers`, :mod:`.orders`, :mod:`.application_management` — one class per API;
* :mod:`.normalize` — Orders v2026-01-01 ``Order`` -> the importer's dict;
* :mod:`.feeds` — Feeds API 2021-06-30 and the pre-signed document transfers;
* :mod:`.feed_documents` — builders of the fulfillment, cancellation and listings feeds;
* :mod:`.processing_reports` — per-message results of both report kinds;
* :mod:`.listings` — Listings Items ``getListingsItem`` (FBM quantity read-back).

Typical use::

    lwa = LWAClient(LWACredentials(client_id, client_secret))
    tokens = CachedTokenProvider.for_refresh_token(lwa, refresh_token)
    client = SPAPIClient(Endpoints().host_for_marketplace(marketplace_id), tokens,
                         RateLimiter(DEFAULT_RATE_PLANS), selling_partner_id=spid)
    for page in OrdersAPI(client).iter_order_pages(
            last_updated_after=since, marketplace_ids=[marketplace_id],
            included_data=IMPORT_INCLUDED_DATA):
        orders = [normalize_order(o) for o in page.orders]
"""
from .application_management import ApplicationManagementAPI
from .client import AccessTokenProvider, SPAPIClient
from .endpoints import (
    LWA_TOKEN_URL,
    MARKETPLACES,
    SPAPI_HOSTS,
    SPAPI_SANDBOX_HOSTS,
    Endpoints,
    Marketplace,
    Region,
    marketplace,
    region_of,
)
from .errors import (
    AccessDenied,
    InvalidClient,
    InvalidGrant,
    InvalidInput,
    InvalidParameters,
    LWAError,
    LWAPermanentError,
    LWATemporaryError,
    NotFound,
    PermanentError,
    QuotaExceeded,
    RetryableError,
    ServerError,
    SPAPIError,
    TransportError,
)
from .feed_documents import (
    CANCEL_REASONS,
    CARRIER_CODES,
    FeedContentError,
    FeedDocument,
    OrderCancellation,
    QuantityUpdate,
    ShipFromAddress,
    ShipmentConfirmation,
    listings_quantity_feed,
    order_cancellation_feed,
    order_fulfillment_feed,
)
from .feeds import Feed, FeedDocumentInfo, FeedDocumentUpload, FeedsAPI, FeedsPage
from .listings import ListingsAPI, fbm_quantity
from .lwa import (
    SCOPE_NOTIFICATIONS,
    SCOPE_SECRET_ROTATION,
    AccessToken,
    CachedTokenProvider,
    LWAClient,
    LWACredentials,
)
from .normalize import OrderDataError, normalize_order
from .operations import DEFAULT_RATE_PLANS, OPERATIONS, Operation
from .orders import IMPORT_INCLUDED_DATA, OrdersAPI, OrdersPage, SearchOrdersQuery
from .processing_reports import (
    MessageResult,
    ProcessingReport,
    ReportFormatError,
    parse_listings_report,
    parse_report,
    parse_xml_report,
)
from .ratelimit import MemoryRateStore, RateLimiter, RatePlan, RateStore
from .retry import RetryPolicy, call_with_retries
from .sellers import MarketplaceParticipation, SellersAPI
from .transport import Request, RequestsTransport, Response, Transport

__all__ = [
    "CANCEL_REASONS", "CARRIER_CODES", "Feed", "FeedContentError", "FeedDocument",
    "FeedDocumentInfo", "FeedDocumentUpload", "FeedsAPI", "FeedsPage", "ListingsAPI",
    "MessageResult", "OrderCancellation", "ProcessingReport", "QuantityUpdate",
    "ReportFormatError", "ShipFromAddress", "ShipmentConfirmation", "fbm_quantity",
    "listings_quantity_feed", "order_cancellation_feed", "order_fulfillment_feed",
    "parse_listings_report", "parse_report", "parse_xml_report",
    "DEFAULT_RATE_PLANS", "IMPORT_INCLUDED_DATA", "LWA_TOKEN_URL", "MARKETPLACES", "OPERATIONS",
    "SCOPE_NOTIFICATIONS", "SCOPE_SECRET_ROTATION", "SPAPI_HOSTS", "SPAPI_SANDBOX_HOSTS",
    "AccessDenied", "AccessToken", "AccessTokenProvider", "ApplicationManagementAPI",
    "CachedTokenProvider", "Endpoints", "InvalidClient", "InvalidGrant", "InvalidInput",
    "InvalidParameters", "LWAClient", "LWACredentials", "LWAError", "LWAPermanentError",
    "LWATemporaryError", "Marketplace", "MarketplaceParticipation", "MemoryRateStore",
    "NotFound", "Operation", "OrderDataError", "OrdersAPI", "OrdersPage", "PermanentError",
    "QuotaExceeded", "RateLimiter", "RatePlan", "RateStore", "Region", "Request",
    "RequestsTransport", "Response", "RetryPolicy", "RetryableError", "SPAPIClient", "call_with_retries",
    "SPAPIError", "SearchOrdersQuery", "SellersAPI", "ServerError", "Transport",
    "TransportError", "marketplace", "normalize_order", "region_of",
]
