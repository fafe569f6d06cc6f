"""SP-API endpoints per region: ``/{na,eu,fe}/...`` on the sandbox host (AMAZON.md §4-5).

Order of checks as at Amazon's gateway: access token (403), then the usage
plan (429), then the operation's own parameter rules (400/404).
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from werkzeug.wrappers import Request, Response

from . import feeds_api
from .marketplaces import MARKETPLACES
from .orders import NotFound
from .responses import InvalidInput, json_response, sp_error

if TYPE_CHECKING:
    from .app import Sandbox
    from .grants import AccessGrant

ROTATION_SCOPE = "sellingpartnerapi::client_credential:rotation"
DENIED = "Access to requested resource is denied."

# (method, path pattern, operation, grantless scope or None)
ROUTES = [
    ("GET", re.compile(r"^/sellers/v1/marketplaceParticipations$"), "getMarketplaceParticipations", None),
    ("GET", re.compile(r"^/orders/v0/orders$"), "getOrders", None),
    ("GET", re.compile(r"^/orders/v0/orders/(?P<order_id>[^/]+)/orderItems$"), "getOrderItems", None),
    ("GET", re.compile(r"^/orders/2026-01-01/orders$"), "searchOrders", None),
    ("GET", re.compile(r"^/orders/2026-01-01/orders/(?P<order_id>[^/]+)$"), "getOrder", None),
    ("POST", re.compile(r"^/applications/2023-11-30/clientSecret$"), "rotateApplicationClientSecret",
     ROTATION_SCOPE),
    ("POST", re.compile(r"^/feeds/2021-06-30/documents$"), "createFeedDocument", None),
    ("GET", re.compile(r"^/feeds/2021-06-30/documents/(?P<feedDocumentId>[^/]+)$"),
     "getFeedDocument", None),
    ("POST", re.compile(r"^/feeds/2021-06-30/feeds$"), "createFeed", None),
    ("GET", re.compile(r"^/feeds/2021-06-30/feeds$"), "getFeeds", None),
    ("GET", re.compile(r"^/feeds/2021-06-30/feeds/(?P<feedId>[^/]+)$"), "getFeed", None),
    ("DELETE", re.compile(r"^/feeds/2021-06-30/feeds/(?P<feedId>[^/]+)$"), "cancelFeed", None),
    ("GET", re.compile(r"^/listings/2021-08-01/items/(?P<sellerId>[^/]+)/(?P<sku>[^/]+)$"),
     "getListingsItem", None),
]


def resolve(method: str, path: str) -> tuple[str, dict, str | None] | None:
    """(operation, path parameters, grantless scope) for an SP-API path, or None."""
    for route_method, pattern, operation, scope in ROUTES:
        match = pattern.match(path)
        if match and route_method == method:
            return operation, match.groupdict(), scope
    return None


def _unauthorized(details: str) -> Response:
    return sp_error(403, "Unauthorized", DENIED, details)


def _authenticate(sandbox: Sandbox, request: Request, region: str,
                  scope: str | None) -> tuple[AccessGrant | None, Response | None]:
    token = request.headers.get("x-amz-access-token")
    if not token:
        return None, _unauthorized("Access token is missing in the request header.")
    grant = sandbox.grants.access.get(token)
    if grant is None or sandbox.grants.access_revoked(grant):
        return None, _unauthorized("The access token you provided is revoked, malformed or invalid.")
    if sandbox.clock.time() >= grant.expires_at:
        return None, _unauthorized("The access token you provided has expired.")
    if scope is not None:
        if grant.scope != scope:
            return None, _unauthorized("")
        return grant, None
    seller = sandbox.sellers.get(grant.selling_partner_id or "")
    if seller is None or seller.region != region:
        # A grantless token, or a seller authorized in another region.
        return None, _unauthorized("")
    return grant, None


def handle(sandbox: Sandbox, request: Request, region: str, operation: str, params: dict,
           scope: str | None) -> Response:
    grant, denied = _authenticate(sandbox, request, region, scope)
    if denied is not None:
        sandbox.calls.record(operation, denied.status_code)
        return denied
    partner = grant.client_id if scope else grant.selling_partner_id
    if not request.headers.get("user-agent"):
        response = sp_error(400, "InvalidInput", "The user-agent header is required.")
        sandbox.calls.record(operation, 400, partner)
        return response
    now = sandbox.clock.time()
    if not sandbox.plans.take(operation, partner, now):
        sandbox.calls.record(operation, 429, partner)
        return sp_error(429, "QuotaExceeded", "You exceeded your quota for the requested resource.")
    rate = {"x-amzn-RateLimit-Limit": sandbox.plans.rate_header(operation)}
    try:
        response = _dispatch(sandbox, request, operation, params, grant, now)
    except InvalidInput as exc:
        response = sp_error(400, "InvalidInput", exc.message, exc.details)
    except NotFound:
        response = sp_error(404, "NotFound", "The requested resource was not found.",
                            f"Order {params.get('order_id')} not found.")
    response.headers.update(rate)
    sandbox.calls.record(operation, response.status_code, partner)
    return response


def _dispatch(sandbox: Sandbox, request: Request, operation: str, params: dict,
              grant: AccessGrant, now: float) -> Response:
    if operation == "rotateApplicationClientSecret":
        sandbox.rotate_secret(sandbox.apps[grant.client_id])
        return Response(status=204)
    seller = sandbox.sellers[grant.selling_partner_id]
    sandbox.feeds.settle()  # orders and listings show what finished feeds changed
    if operation in feeds_api.FEED_OPERATIONS:
        return feeds_api.dispatch(sandbox, request, operation, params, seller, now)
    queries = sandbox.queries
    if operation == "getMarketplaceParticipations":
        return json_response({"payload": [
            {"marketplace": MARKETPLACES[mid].as_json(), "storeName": seller.name,
             "participation": {"isParticipating": True, "hasSuspendedListings": False}}
            for mid in seller.marketplace_ids
        ]})
    if operation == "searchOrders":
        return json_response(queries.search_orders(seller, request.args, now))
    if operation == "getOrder":
        return json_response(queries.get_order(seller, params["order_id"], request.args, now))
    if operation == "getOrders":
        return json_response(queries.get_orders_v0(seller, request.args, now))
    if operation == "getOrderItems":
        return json_response(queries.get_order_items_v0(seller, params["order_id"], now))
    raise AssertionError(operation)
