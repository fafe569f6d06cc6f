"""Feeds API 2021-06-30 and Listings Items ``getListingsItem`` handlers, plus the document storage.

Called by :mod:`.spapi` after authentication and the usage plan, under the
sandbox lock. The storage (``/_storage/feeds/{id}``) stands in for the S3
pre-signed URLs: PUT with the document's exact Content-Type, GET to download;
it answers S3-style XML errors.
"""
from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from werkzeug.wrappers import Request, Response

from .feeds import FEED_TYPES, RETENTION, STATUSES
from .marketplaces import MARKETPLACES
from .orders import _values
from .responses import InvalidInput, json_response, sp_error

if TYPE_CHECKING:
    from .app import Sandbox
    from .model import Seller

FEED_OPERATIONS = ("createFeedDocument", "createFeed", "getFeed", "getFeeds", "cancelFeed",
                   "getFeedDocument", "getListingsItem")
LISTING_INCLUDED = ("summaries", "attributes", "issues", "offers", "fulfillmentAvailability",
                    "procurement", "relationships", "productTypes")
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


def _body(request: Request) -> dict:
    try:
        body = json.loads(request.get_data() or b"null")
    except ValueError:
        raise InvalidInput("The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise InvalidInput("The request body must be a JSON object.")
    return body


def _base_url(sandbox: Sandbox, request: Request) -> str:
    return (sandbox.base_url or request.host_url).rstrip("/")


def _not_found(what: str) -> Response:
    return sp_error(404, "NotFound", "The requested resource was not found.", what)


def _time_arg(request: Request, name: str) -> float | None:
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"Invalid {name}: '{raw}' is not an ISO 8601 date-time.") from None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()


def dispatch(sandbox: Sandbox, request: Request, operation: str, params: dict, seller: Seller,
             now: float) -> Response:
    store = sandbox.feeds
    store.settle()
    partner = seller.selling_partner_id
    if operation == "createFeedDocument":
        content_type = _body(request).get("contentType")
        if not isinstance(content_type, str) or not content_type.strip():
            raise InvalidInput("contentType is required.")
        document = store.create_document(partner, content_type)
        return json_response({"feedDocumentId": document.document_id,
                              "url": store.url(document, "PUT", _base_url(sandbox, request))}, 201)
    if operation == "createFeed":
        return _create_feed(sandbox, _body(request), seller)
    if operation == "getFeed":
        feed = store.feeds.get(params["feedId"])
        if feed is None or feed.seller_id != partner or feed.created < now - RETENTION:
            return _not_found(f"Feed {params['feedId']} not found.")
        return json_response(feed.as_json(now))
    if operation == "getFeeds":
        return json_response(_get_feeds(sandbox, request, partner, now))
    if operation == "cancelFeed":
        feed = store.feeds.get(params["feedId"])
        if feed is None or feed.seller_id != partner:
            return _not_found(f"Feed {params['feedId']} not found.")
        if not store.cancel(feed):
            raise InvalidInput(f"Feed {feed.feed_id} cannot be cancelled: its processingStatus "
                               f"is {feed.status(now)}; only IN_QUEUE feeds can be cancelled.")
        return Response(status=200)
    if operation == "getFeedDocument":
        document = store.documents.get(params["feedDocumentId"])
        if document is None or document.seller_id != partner:
            return _not_found(f"Feed document {params['feedDocumentId']} not found.")
        body = {"feedDocumentId": document.document_id,
                "url": store.url(document, "GET", _base_url(sandbox, request))}
        if document.compression:
            body["compressionAlgorithm"] = document.compression
        return json_response(body)
    if operation == "getListingsItem":
        return _listings_item(sandbox, request, params, seller)
    raise AssertionError(operation)


def _create_feed(sandbox: Sandbox, body: dict, seller: Seller) -> Response:
    store = sandbox.feeds
    feed_type, document_id = body.get("feedType"), body.get("inputFeedDocumentId")
    marketplace_ids = body.get("marketplaceIds")
    if feed_type not in FEED_TYPES:
        raise InvalidInput(f"Invalid feedType: '{feed_type}'. The sandbox processes "
                           f"{', '.join(sorted(FEED_TYPES))}.")
    if not isinstance(marketplace_ids, list) or not 1 <= len(marketplace_ids) <= 25:
        raise InvalidInput("marketplaceIds must list 1 to 25 marketplace ids.")
    for mid in marketplace_ids:
        if mid not in MARKETPLACES or mid not in seller.marketplace_ids:
            raise InvalidInput(f"Invalid marketplaceIds: '{mid}' is not a marketplace this "
                               "seller can use.")
    document = store.documents.get(document_id or "")
    if document is None or document.seller_id != seller.selling_partner_id \
            or document.kind != "input":
        raise InvalidInput(f"Invalid inputFeedDocumentId: '{document_id}'.")
    feed = store.create_feed(seller.selling_partner_id, feed_type, marketplace_ids, document)
    return json_response({"feedId": feed.feed_id}, 202)


def _get_feeds(sandbox: Sandbox, request: Request, partner: str, now: float) -> dict:
    store = sandbox.feeds
    token = request.args.get("nextToken")
    if token:
        if set(request.args) - {"nextToken"}:
            raise InvalidInput("nextToken must be the only parameter.")
        entry = store.pages.get(token)
        if entry is None or not entry[0] or store.feeds[entry[0][0]].seller_id != partner:
            raise InvalidInput("Invalid nextToken.")
        ids, offset, size = entry
    else:
        feed_types = _values(request.args, "feedTypes")
        if not 1 <= len(feed_types) <= 10:
            raise InvalidInput("feedTypes (1 to 10) or nextToken is required.")
        statuses = _values(request.args, "processingStatuses")
        for status in statuses:
            if status not in STATUSES:
                raise InvalidInput(f"Invalid processingStatuses value: '{status}'.")
        try:
            size = int(request.args.get("pageSize", 10))
        except ValueError:
            raise InvalidInput("pageSize must be an integer between 1 and 100.") from None
        if not 1 <= size <= 100:
            raise InvalidInput("pageSize must be between 1 and 100.")
        since = _time_arg(request, "createdSince") or now - RETENTION
        until = _time_arg(request, "createdUntil") or now
        ids = store.list_feeds(partner, feed_types, statuses,
                               _values(request.args, "marketplaceIds"), since, until)
        offset = 0
    page = ids[offset:offset + size]
    body: dict = {"feeds": [store.feeds[i].as_json(now) for i in page]}
    if offset + size < len(ids):
        next_token = secrets.token_urlsafe(24)
        store.pages[next_token] = (ids, offset + size, size)
        body["nextToken"] = next_token
    return body


def _listings_item(sandbox: Sandbox, request: Request, params: dict, seller: Seller) -> Response:
    if params["sellerId"] != seller.selling_partner_id:
        return sp_error(403, "Unauthorized", "Access to requested resource is denied.",
                        "The sellerId does not match the selling partner of the access token.")
    marketplace_ids = _values(request.args, "marketplaceIds")
    if not marketplace_ids:
        raise InvalidInput("Missing required parameter: marketplaceIds.")
    included = _values(request.args, "includedData") or ["summaries"]
    for value in included:
        if value not in LISTING_INCLUDED:
            raise InvalidInput(f"Invalid includedData value: '{value}'.")
    listing = sandbox.feeds.listing(seller.selling_partner_id, params["sku"])
    if listing is None:
        return _not_found(f"SKU '{params['sku']}' not found for this seller.")
    body: dict = {"sku": listing["sku"]}
    if "summaries" in included:
        body["summaries"] = [{
            "marketplaceId": mid, "asin": listing["asin"], "productType": listing["product_type"],
            "conditionType": "new_new", "status": ["BUYABLE", "DISCOVERABLE"],
            "itemName": listing["title"], "createdDate": "2025-01-01T00:00:00Z",
            "lastUpdatedDate": datetime.fromtimestamp(listing["updated"], UTC)
            .strftime("%Y-%m-%dT%H:%M:%SZ"),
        } for mid in marketplace_ids]
    if "fulfillmentAvailability" in included:
        body["fulfillmentAvailability"] = [{"fulfillmentChannelCode": "DEFAULT",
                                            "quantity": listing["quantity"]}]
    if "attributes" in included:
        body["attributes"] = {"fulfillment_availability": [
            {"fulfillment_channel_code": "DEFAULT", "quantity": listing["quantity"]}]}
    for key in ("issues", "offers", "procurement", "relationships", "productTypes"):
        if key in included:
            body[key] = [] if key != "productTypes" else [
                {"marketplaceId": mid, "productType": listing["product_type"]}
                for mid in marketplace_ids]
    return json_response(body)


# -- document storage (S3 stand-in) --------------------------------------------------------
def _s3_error(status: int, code: str, message: str) -> Response:
    body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code>'
            f"<Message>{message}</Message><RequestId>{secrets.token_hex(8).upper()}</RequestId>"
            "</Error>")
    return Response(body, status=status, content_type="application/xml")


S3_MESSAGES = {
    "SignatureDoesNotMatch": "The request signature we calculated does not match the signature "
                             "you provided. Check your key and signing method.",
    "ExpiredToken": "Request has expired",
    "AccessDenied": "Access Denied",
}


def storage(sandbox: Sandbox, request: Request, document_id: str) -> Response:
    store = sandbox.feeds
    store.settle()
    document = store.documents.get(document_id)
    if document is None:
        return _s3_error(404, "NoSuchKey", "The specified key does not exist.")
    if request.method not in ("PUT", "GET"):
        return _s3_error(405, "MethodNotAllowed",
                         "The specified method is not allowed against this resource.")
    problem = store.check_url(request.method, document_id, request.args)
    if problem:
        return _s3_error(403, "AccessDenied" if problem == "ExpiredToken" else problem,
                         S3_MESSAGES[problem])
    if request.method == "PUT":
        # The Content-Type is part of what the pre-signed URL signs.
        if request.headers.get("Content-Type") != document.content_type or document.kind != "input":
            return _s3_error(403, "SignatureDoesNotMatch", S3_MESSAGES["SignatureDoesNotMatch"])
        content = request.get_data()
        if len(content) > MAX_DOCUMENT_BYTES:
            return _s3_error(400, "EntityTooLarge",
                             "Your proposed upload exceeds the maximum allowed size.")
        store.upload(document, content)
        return Response(status=200, headers={"ETag": f'"{secrets.token_hex(16)}"'})
    content = store.contents.get(document_id)
    if content is None:
        return _s3_error(404, "NoSuchKey", "The specified key does not exist.")
    return Response(content, status=200, content_type=document.content_type)
