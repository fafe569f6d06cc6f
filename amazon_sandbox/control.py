"""Control routes under ``/_sandbox/`` (JSON in, JSON out; not Amazon's surface).

Times in requests are either ISO 8601 strings or numbers of seconds relative
to sandbox now (negative = past), so tests need not know the sandbox's clock.
See README.md for every route and its JSON.
"""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from .marketplaces import MARKETPLACES, REGIONS, in_region
from .model import FULFILLED_BY, STATUSES, OrderItem
from .render import fmt_time
from .responses import json_response

if TYPE_CHECKING:
    from .app import Sandbox

URLS = Map([
    Rule("/_sandbox/state", methods=["GET"], endpoint="state"),
    Rule("/_sandbox/self-authorize", methods=["POST"], endpoint="self_authorize"),
    Rule("/_sandbox/authorization-code", methods=["POST"], endpoint="authorization_code"),
    Rule("/_sandbox/apps", methods=["POST"], endpoint="create_app"),
    Rule("/_sandbox/apps/<client_id>/redirect-uris", methods=["PUT", "POST"], endpoint="redirect_uris"),
    Rule("/_sandbox/apps/<client_id>/expire-secret", methods=["POST"], endpoint="expire_secret"),
    Rule("/_sandbox/apps/<client_id>/rotate-secret", methods=["POST"], endpoint="rotate_secret"),
    Rule("/_sandbox/sellers", methods=["POST"], endpoint="create_seller"),
    Rule("/_sandbox/orders", methods=["GET"], endpoint="list_orders"),
    Rule("/_sandbox/orders", methods=["POST"], endpoint="create_orders"),
    Rule("/_sandbox/orders/<order_id>/status", methods=["POST"], endpoint="order_status"),
    Rule("/_sandbox/revoke", methods=["POST"], endpoint="revoke"),
    Rule("/_sandbox/clock", methods=["GET"], endpoint="get_clock"),
    Rule("/_sandbox/clock", methods=["POST"], endpoint="set_clock"),
    Rule("/_sandbox/faults", methods=["GET"], endpoint="get_faults"),
    Rule("/_sandbox/faults", methods=["PUT", "POST"], endpoint="set_faults"),
    Rule("/_sandbox/faults", methods=["DELETE"], endpoint="clear_faults"),
    Rule("/_sandbox/calls", methods=["GET"], endpoint="get_calls"),
    Rule("/_sandbox/calls", methods=["DELETE"], endpoint="reset_calls"),
    Rule("/_sandbox/notifications", methods=["GET"], endpoint="get_notifications"),
    Rule("/_sandbox/notifications", methods=["DELETE"], endpoint="clear_notifications"),
    Rule("/_sandbox/usage-plans", methods=["GET"], endpoint="get_usage"),
    Rule("/_sandbox/usage-plans", methods=["DELETE"], endpoint="reset_usage"),
    Rule("/_sandbox/feeds", methods=["GET"], endpoint="list_feeds"),
    Rule("/_sandbox/feeds/settings", methods=["GET"], endpoint="get_feed_settings"),
    Rule("/_sandbox/feeds/settings", methods=["PUT", "POST"], endpoint="set_feed_settings"),
    Rule("/_sandbox/feeds/fatal-next", methods=["POST"], endpoint="fatal_next"),
    Rule("/_sandbox/feeds/<feed_id>", methods=["GET"], endpoint="get_feed"),
    Rule("/_sandbox/listings", methods=["GET"], endpoint="list_listings"),
    Rule("/_sandbox/listings", methods=["POST", "PUT"], endpoint="set_listing"),
], strict_slashes=False)


class BadRequest(Exception):
    pass


def handle(sandbox: Sandbox, request: Request) -> Response:
    try:
        endpoint, values = URLS.bind_to_environ(request.environ).match()
    except HTTPException as exc:
        return json_response({"error": exc.description or exc.name}, exc.code or 404)
    sandbox.feeds.settle()  # ground truth includes what finished feeds changed
    try:
        body = request.get_json(silent=True) if request.data else {}
        if body is None or not isinstance(body, dict):
            raise BadRequest("the body must be a JSON object")
        result = HANDLERS[endpoint](sandbox, request, body, **values)
    except (BadRequest, ValueError) as exc:
        return json_response({"error": str(exc)}, 400)
    except KeyError as exc:
        return json_response({"error": f"not found: {exc.args[0] if exc.args else ''}"}, 404)
    if isinstance(result, Response):
        return result
    return json_response(result)


def _time(sandbox: Sandbox, value, default: float | None = None) -> float:
    if value is None:
        if default is None:
            raise BadRequest("a time is required")
        return default
    if isinstance(value, int | float):
        return sandbox.clock.time() + value
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        raise BadRequest(f"not an ISO 8601 time or a number of seconds: {value!r}") from None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()


def _app(sandbox: Sandbox, key: str):
    for app in sandbox.apps.values():
        if key in (app.client_id, app.application_id):
            return app
    raise KeyError(key)


def _seller(sandbox: Sandbox, key: str | None):
    if not key or key not in sandbox.sellers:
        raise KeyError(key or "selling_partner_id")
    return sandbox.sellers[key]


def state(sandbox, request, body):
    base = sandbox.base_url or request.host_url.rstrip("/")
    return {"endpoints": sandbox.endpoints(base),
            "apps": [a.as_json() for a in sandbox.apps.values()],
            "sellers": [s.as_json() for s in sandbox.sellers.values()],
            "now": fmt_time(sandbox.clock.time()), "time_scale": sandbox.clock.time_scale}


def self_authorize(sandbox, request, body):
    return {"refresh_token": sandbox.self_authorize(body.get("client_id"), body.get("selling_partner_id"))}


def authorization_code(sandbox, request, body):
    """A spapi_oauth_code as if the seller had confirmed the consent page (no browser)."""
    app = _app(sandbox, body.get("client_id", ""))
    seller = _seller(sandbox, body.get("selling_partner_id"))
    redirect_uri = body.get("redirect_uri") or app.redirect_uris[0]
    if redirect_uri not in app.redirect_uris:
        raise BadRequest("redirect_uri is not registered for this app")
    code = sandbox.grants.issue_code(app.client_id, seller.selling_partner_id, redirect_uri,
                                     sandbox.clock.time())
    return {"spapi_oauth_code": code, "selling_partner_id": seller.selling_partner_id,
            "redirect_uri": redirect_uri}


def create_app(sandbox, request, body):
    app = sandbox.factory.app(sandbox.clock.time(), kind=body.get("kind", "public"),
                              draft=body.get("draft", False), name=body.get("name"),
                              redirect_uris=body.get("redirect_uris"))
    sandbox.apps[app.client_id] = app
    return app.as_json()


def redirect_uris(sandbox, request, body, client_id):
    uris = body.get("redirect_uris")
    if not isinstance(uris, list) or not uris or not all(isinstance(u, str) for u in uris):
        raise BadRequest("redirect_uris must be a non-empty list of URLs")
    app = _app(sandbox, client_id)
    app.redirect_uris = list(uris)
    return app.as_json()


def expire_secret(sandbox, request, body, client_id):
    app = _app(sandbox, client_id)
    at = _time(sandbox, body.get("at"), sandbox.clock.time())
    for secret in app.secrets:
        secret.expires_at = min(secret.expires_at, at)
    return app.as_json()


def rotate_secret(sandbox, request, body, client_id):
    """The Developer Console's "Rotate secret" (no notification: the console shows it)."""
    app = _app(sandbox, client_id)
    sandbox.rotate_secret(app, notify=bool(body.get("notify", False)))
    return app.as_json()


def create_seller(sandbox, request, body):
    region = str(body.get("region", "NA")).upper()
    if region not in REGIONS:
        raise BadRequest(f"region must be one of {REGIONS}")
    ids = body.get("marketplace_ids") or [m.id for m in in_region(region)][:1]
    seller = sandbox.factory.seller(region=region, marketplace_ids=ids, name=body.get("name"),
                                    password=body.get("password"))
    sandbox.sellers[seller.selling_partner_id] = seller
    return seller.as_json()


def _order_row(order, now):
    status, updated = order.state(now)
    return {"order_id": order.order_id, "marketplace_id": order.marketplace_id,
            "created_time": fmt_time(order.created), "last_updated_time": fmt_time(updated),
            "status": status, "fulfilled_by": order.fulfilled_by, "visible": order.visible(now)}


def list_orders(sandbox, request, body):
    """Ground truth: the seller's orders (visible now, or all with include_future=1)."""
    seller = _seller(sandbox, request.args.get("selling_partner_id"))
    now = sandbox.clock.time()
    future = request.args.get("include_future") in ("1", "true")
    orders = sorted((o for o in sandbox.orders.values()
                     if o.seller_id == seller.selling_partner_id and (future or o.visible(now))),
                    key=lambda o: (o.created, o.order_id))
    return {"selling_partner_id": seller.selling_partner_id, "now": fmt_time(now),
            "order_ids": [o.order_id for o in orders], "orders": [_order_row(o, now) for o in orders]}


def _check_choice(values, allowed, name):
    for value in values or []:
        if value not in allowed:
            raise BadRequest(f"{name}: {value!r} is not one of {allowed}")


def _decimal(value, name) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise BadRequest(f"{name} must be a decimal string") from None


def _explicit_order(sandbox, seller, spec: dict, now: float):
    status = spec.get("status", "UNSHIPPED")
    _check_choice([status], STATUSES, "status")
    _check_choice([spec.get("fulfilled_by", "MERCHANT")], FULFILLED_BY, "fulfilled_by")
    marketplace_id = spec.get("marketplace_id", seller.marketplace_ids[0])
    if marketplace_id not in seller.marketplace_ids:
        raise BadRequest(f"seller does not sell on {marketplace_id}")
    created = _time(sandbox, spec.get("created"), now)
    order = sandbox.factory.order(seller, created=created, now=now, status=status,
                                  fulfilled_by=spec.get("fulfilled_by", "MERCHANT"),
                                  marketplace_id=marketplace_id)
    order.events = [(order.created, status)]
    if spec.get("order_id"):
        if spec["order_id"] in sandbox.orders:
            raise BadRequest(f"order {spec['order_id']} exists")
        order.order_id = spec["order_id"]
    if spec.get("items"):
        order.items = [OrderItem(
            order_item_id=str(it.get("order_item_id") or sandbox.factory.rng.randint(10**13, 10**14 - 1)),
            asin=it.get("asin", "B0SANDBOX0"), sku=it["sku"], title=it.get("title", it["sku"]),
            quantity=int(it.get("quantity", 1)), unit_price=_decimal(it["unit_price"], "unit_price"),
            tax=_decimal(it.get("tax", "0"), "tax"),
        ) for it in spec["items"]]
    for key, attr in (("buyer", "buyer"), ("address", "address"), ("programs", "programs"),
                      ("seller_order_id", "seller_order_id")):
        if key in spec:
            setattr(order, attr, spec[key])
    if "shipping_price" in spec:
        order.shipping_price = _decimal(spec["shipping_price"], "shipping_price")
    for change in spec.get("status_changes", []):
        _check_choice([change.get("status")], STATUSES, "status")
        order.schedule(_time(sandbox, change.get("at")), change["status"])
    return order


def create_orders(sandbox, request, body):
    seller = _seller(sandbox, body.get("selling_partner_id"))
    now = sandbox.clock.time()
    if "orders" in body:
        orders = [_explicit_order(sandbox, seller, spec, now) for spec in body["orders"]]
    else:
        count = int(body.get("count", 1))
        if not 0 <= count <= 100000:
            raise BadRequest("count must be between 0 and 100000")
        _check_choice(body.get("statuses"), STATUSES, "statuses")
        _check_choice(body.get("fulfilled_by"), FULFILLED_BY, "fulfilled_by")
        for mid in body.get("marketplace_ids") or []:
            if mid not in seller.marketplace_ids or mid not in MARKETPLACES:
                raise BadRequest(f"seller does not sell on {mid}")
        created_from = _time(sandbox, body.get("created_from"), now - 3600)
        created_to = _time(sandbox, body.get("created_to"), now - 180)
        if created_to < created_from:
            raise BadRequest("created_to must not be before created_from")
        orders = sandbox.factory.orders(seller, count, created_from=created_from,
                                        created_to=created_to, now=now,
                                        statuses=body.get("statuses"),
                                        fulfilled_by=body.get("fulfilled_by"),
                                        marketplace_ids=body.get("marketplace_ids"))
    sandbox.add_orders(orders)
    return {"order_ids": [o.order_id for o in orders], "orders": [_order_row(o, now) for o in orders]}


def order_status(sandbox, request, body, order_id):
    order = sandbox.orders[order_id]
    status = body.get("status")
    _check_choice([status], STATUSES, "status")
    order.schedule(_time(sandbox, body.get("at"), sandbox.clock.time()), status)
    return _order_row(order, sandbox.clock.time())


def revoke(sandbox, request, body):
    if body.get("refresh_token"):
        return {"revoked": sandbox.grants.revoke(refresh_token=body["refresh_token"])}
    if body.get("client_id") and body.get("selling_partner_id"):
        app = _app(sandbox, body["client_id"])
        return {"revoked": sandbox.grants.revoke(client_id=app.client_id,
                                                 selling_partner_id=body["selling_partner_id"])}
    raise BadRequest("give refresh_token, or client_id and selling_partner_id")


def get_clock(sandbox, request, body):
    now = sandbox.clock.time()
    return {"now": fmt_time(now), "time": now, "time_scale": sandbox.clock.time_scale}


def set_clock(sandbox, request, body):
    if "time_scale" in body:
        sandbox.clock.set_time_scale(float(body["time_scale"]))
    if "advance" in body:
        sandbox.clock.advance(float(body["advance"]))
    return get_clock(sandbox, request, body)


def get_faults(sandbox, request, body):
    return {"rules": sandbox.faults.as_json()}


def set_faults(sandbox, request, body):
    rules = body.get("rules")
    if not isinstance(rules, list):
        raise BadRequest("rules must be a list")
    try:
        sandbox.faults.configure(rules, seed=body.get("seed"), replace=body.get("replace", True))
    except TypeError as exc:
        raise BadRequest(str(exc)) from None
    return get_faults(sandbox, request, body)


def clear_faults(sandbox, request, body):
    sandbox.faults.clear()
    return {"rules": []}


def get_calls(sandbox, request, body):
    return sandbox.calls.as_json()


def reset_calls(sandbox, request, body):
    sandbox.calls.reset()
    return sandbox.calls.as_json()


def get_notifications(sandbox, request, body):
    return {"notifications": list(sandbox.notifications)}


def clear_notifications(sandbox, request, body):
    sandbox.notifications.clear()
    return {"notifications": []}


def get_usage(sandbox, request, body):
    """Tokens left: ?operation=searchOrders&partner=<selling_partner_id or client_id>."""
    operation, partner = request.args.get("operation"), request.args.get("partner")
    if operation not in sandbox.plans.plans or not partner:
        raise BadRequest("give operation (a known one) and partner")
    rate, burst = sandbox.plans.plans[operation]
    return {"operation": operation, "partner": partner, "rate": rate, "burst": burst,
            "tokens": sandbox.plans.tokens(operation, partner, sandbox.clock.time())}


def reset_usage(sandbox, request, body):
    sandbox.plans.reset()
    return {"reset": True}


def _feed_row(sandbox, feed, now, contents: bool = False) -> dict:
    row = {**feed.as_json(now), "sellingPartnerId": feed.seller_id,
           "inputFeedDocumentId": feed.input_document_id, "start": fmt_time(feed.start),
           "end": fmt_time(feed.end), "forcedFatal": feed.forced_fatal,
           "messagesProcessed": feed.messages, "messagesWithError": feed.errors,
           "messagesWithWarning": feed.warnings}
    if contents:
        store = sandbox.feeds
        raw = store.contents.get(feed.input_document_id)
        row["input"] = raw.decode("utf-8", "replace") if raw is not None else None
        result = store.documents.get(feed.result_document_id or "")
        if result is not None:
            data = store.contents.get(result.document_id, b"")
            if result.compression == "GZIP":
                import gzip
                data = gzip.decompress(data)
            row["result"] = data.decode("utf-8", "replace")
            row["resultCompression"] = result.compression
    return row


def list_feeds(sandbox, request, body):
    """Every feed (of one seller with ?selling_partner_id=), oldest first."""
    spid = request.args.get("selling_partner_id")
    now = sandbox.clock.time()
    feeds = sorted((f for f in sandbox.feeds.feeds.values() if spid in (None, f.seller_id)),
                   key=lambda f: int(f.feed_id))
    return {"now": fmt_time(now), "feeds": [_feed_row(sandbox, f, now) for f in feeds]}


def get_feed(sandbox, request, body, feed_id):
    """One feed with its input document and (decompressed) processing report as text."""
    return _feed_row(sandbox, sandbox.feeds.feeds[feed_id], sandbox.clock.time(), contents=True)


def get_feed_settings(sandbox, request, body):
    from dataclasses import asdict
    return asdict(sandbox.feeds.settings)


def set_feed_settings(sandbox, request, body):
    settings = sandbox.feeds.settings
    for key in ("queue_delay", "processing_time", "gzip_min_bytes"):
        if key in body:
            value = float(body[key])
            if value < 0:
                raise BadRequest(f"{key} must not be negative")
            setattr(settings, key, int(value) if key == "gzip_min_bytes" else value)
    if "gzip" in body:
        if body["gzip"] not in ("auto", "always", "never"):
            raise BadRequest("gzip must be auto, always or never")
        settings.gzip = body["gzip"]
    sandbox.feeds.save()
    return get_feed_settings(sandbox, request, body)


def fatal_next(sandbox, request, body):
    """The next ``count`` feeds created (of a seller / type, if given) end FATAL."""
    from .feeds import FEED_TYPES, FatalRule
    count = int(body.get("count", 1))
    if count < 1:
        raise BadRequest("count must be at least 1")
    if body.get("feed_type") not in (None, *FEED_TYPES):
        raise BadRequest(f"feed_type must be one of {sorted(FEED_TYPES)}")
    if body.get("selling_partner_id") is not None:
        _seller(sandbox, body["selling_partner_id"])
    sandbox.feeds.fatal_rules.append(FatalRule(count, body.get("selling_partner_id"),
                                               body.get("feed_type")))
    sandbox.feeds.save()
    return {"rules": [r.__dict__ for r in sandbox.feeds.fatal_rules]}


def list_listings(sandbox, request, body):
    seller = _seller(sandbox, request.args.get("selling_partner_id"))
    prefix = seller.selling_partner_id + "|"
    return {"listings": [v for k, v in sorted(sandbox.feeds.listings.items()) if k.startswith(prefix)]}


def set_listing(sandbox, request, body):
    """Create or change a listing: ``{selling_partner_id, sku, quantity?, product_type?}``."""
    seller = _seller(sandbox, body.get("selling_partner_id"))
    sku = body.get("sku")
    if not isinstance(sku, str) or not sku:
        raise BadRequest("sku is required")
    quantity = body.get("quantity", 0)
    if not isinstance(quantity, int) or quantity < 0:
        raise BadRequest("quantity must be a non-negative integer")
    sandbox.feeds.set_listing(seller.selling_partner_id, sku, body.get("product_type", "PRODUCT"),
                              quantity)
    sandbox.feeds.save()
    return sandbox.feeds.listing(seller.selling_partner_id, sku)


HANDLERS = {name: globals()[name] for name in (
    "state", "self_authorize", "authorization_code", "create_app", "redirect_uris",
    "expire_secret", "rotate_secret", "create_seller", "list_orders", "create_orders",
    "order_status", "revoke", "get_clock", "set_clock", "get_faults", "set_faults",
    "clear_faults", "get_calls", "reset_calls", "get_notifications", "clear_notifications",
    "get_usage", "reset_usage", "list_feeds", "get_feed", "get_feed_settings",
    "set_feed_settings", "fatal_next", "list_listings", "set_listing",
)}
