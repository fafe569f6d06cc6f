"""What Amazon does with each feed type's messages (spapi/FEEDS.md, sandbox choices in README).

A processor reads the uploaded document, applies each valid message through the
``world`` (the :class:`~.feeds.FeedStore`) in message order — so a second
confirmation of the same item inside one feed sees the first — and returns a
:class:`Outcome`: the messages processed and one issue per problem. A document
Amazon cannot read at all raises :class:`Fatal` (the feed ends FATAL, nothing
applied). Result codes are the sandbox's own, listed in the README.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lxml import etree

from .feed_reports import Issue
from .model import Shipment

if TYPE_CHECKING:
    from .feeds import FeedStore

#: CarrierCode values (a subset of amzn-base.xsd's enumeration) the sandbox recognizes.
CARRIER_CODES = frozenset({
    "USPS", "UPS", "UPSMI", "FedEx", "DHL", "DHL Global Mail", "Fastway", "GLS", "GO!",
    "Hermes Logistik Gruppe", "Royal Mail", "Parcelforce", "City Link", "TNT", "Target",
    "SagawaExpress", "NipponExpress", "YamatoTransport", "OnTrac", "Canada Post", "Chronopost",
    "Deutsche Post", "DPD", "La Poste", "Poste Italiane", "SDA", "Yodel", "Seur", "Correos",
    "MRW", "Nacex", "Correios", "Amazon Shipping", "Japan Post", "Australia Post", "India Post",
    "Blue Dart", "Lasership", "Purolator", "Estes", "Other",
})
_CARRIERS_LOWER = {c.lower() for c in CARRIER_CODES}
CANCEL_REASONS = frozenset({
    "NoInventory", "ShippingAddressUndeliverable", "CustomerExchange", "BuyerCanceled",
    "GeneralAdjustment", "CarrierCreditDecision", "RiskAssessmentInformationNotValid",
    "CarrierCoverageFailure", "CustomerReturn", "MerchandiseNotReceived",
})
MAX_LISTINGS_MESSAGES = 10_000

# Sandbox result codes (README "Feeds").
SCHEMA = "5000"
UNKNOWN_ORDER = "18001"
NOT_SHIPPABLE = "18002"
UNKNOWN_ITEM = "18003"
OVER_QUANTITY = "18004"
ALREADY_SHIPPED = "18005"
NOT_CANCELLABLE = "18007"
ITEM_SHIPPED = "18008"
UNKNOWN_CARRIER = "18200"
LISTING_INVALID = "4000001"
LISTING_NOT_FOUND = "4000004"


class Fatal(Exception):
    """The document cannot be processed at all: the feed ends FATAL."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Outcome:
    processed: int = 0
    issues: list[Issue] = field(default_factory=list)

    def error(self, message_id, code, text, sku=None) -> None:
        self.issues.append(Issue(message_id, "ERROR", code, text, sku))

    def warning(self, message_id, code, text, sku=None) -> None:
        self.issues.append(Issue(message_id, "WARNING", code, text, sku))


# -- XML feeds -------------------------------------------------------------------------------
def _xml_messages(content: bytes, message_type: str) -> list:
    try:
        root = etree.fromstring(content, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise Fatal("5001", f"XML Parsing Fatal Error: {exc}") from None
    if root.tag != "AmazonEnvelope":
        raise Fatal("5001", f"The root element must be AmazonEnvelope, not {root.tag}.")
    if (root.findtext("MessageType") or "").strip() != message_type:
        raise Fatal("5001", f"MessageType must be {message_type} for this feed type.")
    messages = root.findall("Message")
    if not messages:
        raise Fatal("5001", "The document contains no Message element.")
    return messages


def _message_id(message, seen: set[int], outcome: Outcome) -> int | None:
    raw = (message.findtext("MessageID") or "").strip()
    if not raw.isdigit() or int(raw) < 1:
        outcome.error(None, SCHEMA, f"MessageID {raw!r} is not a positive integer.")
        return None
    message_id = int(raw)
    if message_id in seen:
        outcome.error(message_id, SCHEMA, f"MessageID {message_id} is used more than once.")
        return None
    seen.add(message_id)
    return message_id


def _text(node, path: str) -> str:
    return (node.findtext(path) or "").strip()


def _process_xml(world: FeedStore, seller_id: str, content: bytes, at: float, kind: str, handle) -> Outcome:
    """Each ``kind`` message of an XML feed, numbered and checked, given to ``handle``."""
    outcome, seen = Outcome(), set()
    for message in _xml_messages(content, kind):
        outcome.processed += 1
        message_id = _message_id(message, seen, outcome)
        if message_id is None:
            continue
        body = message.find(kind)
        if body is None:
            outcome.error(message_id, SCHEMA, f"The message has no {kind} element.")
            continue
        handle(world, seller_id, message_id, body, at, outcome)
    return outcome


def process_fulfillment(world: FeedStore, seller_id: str, content: bytes, at: float) -> Outcome:
    """POST_ORDER_FULFILLMENT_DATA: each OrderFulfillment confirms a package."""
    return _process_xml(world, seller_id, content, at, "OrderFulfillment", _fulfill)


def _fulfill(world, seller_id, message_id, body, at, outcome) -> None:
    order_id = _text(body, "AmazonOrderID")
    data = body.find("FulfillmentData")
    if not order_id or not _text(body, "FulfillmentDate") or data is None:
        outcome.error(message_id, SCHEMA, "AmazonOrderID, FulfillmentDate and FulfillmentData "
                      "are required.")
        return
    code, name = _text(data, "CarrierCode"), _text(data, "CarrierName")
    tracking = _text(data, "ShipperTrackingNumber")
    if code and code not in CARRIER_CODES:
        outcome.error(message_id, SCHEMA, f"CarrierCode '{code}' is not a valid value; send the "
                      "carrier as CarrierName instead.")
        return
    if not (code or name) or not tracking:
        outcome.error(message_id, SCHEMA, "A carrier (CarrierCode or CarrierName) and a "
                      "ShipperTrackingNumber are required.")
        return
    order = world.find_order(seller_id, order_id)
    if order is None:
        outcome.error(message_id, UNKNOWN_ORDER, f"The order id {order_id} was not found in "
                      "our system.")
        return
    status, _ = order.state(at)
    if order.fulfilled_by != "MERCHANT" or status not in ("UNSHIPPED", "PARTIALLY_SHIPPED"):
        outcome.error(message_id, NOT_SHIPPABLE, f"Order {order_id} cannot be confirmed: it is "
                      f"{status} and fulfilled by {order.fulfilled_by}.")
        return
    lines = {i.order_item_id: i for i in order.items}
    shipped = order.shipped(at)
    wanted: dict[str, int] = {}
    for item in body.findall("Item"):
        item_code = _text(item, "AmazonOrderItemCode")
        raw_quantity = _text(item, "Quantity")
        line = lines.get(item_code)
        if line is None or item_code in order.cancelled_items:
            outcome.error(message_id, UNKNOWN_ITEM, f"AmazonOrderItemCode {item_code} is not an "
                          f"item of order {order_id}.")
            return
        quantity = int(raw_quantity) if raw_quantity.isdigit() else None
        if raw_quantity and not quantity:
            outcome.error(message_id, SCHEMA, f"Quantity {raw_quantity!r} of item {item_code} "
                          "is not a positive integer.")
            return
        left = line.quantity - shipped.get(item_code, 0) - wanted.get(item_code, 0)
        if left <= 0:
            outcome.error(message_id, ALREADY_SHIPPED, f"Item {item_code} of order {order_id} "
                          "has already been shipped.")
            return
        quantity = left if quantity is None else quantity  # no Quantity: all that is left
        if quantity > left:
            outcome.error(message_id, OVER_QUANTITY, f"Quantity {quantity} of item {item_code} "
                          f"exceeds the {left} left to ship in order {order_id}.")
            return
        wanted[item_code] = wanted.get(item_code, 0) + quantity
    if not wanted:  # no Item elements: the whole order ships
        wanted = {k: line.quantity - shipped.get(k, 0) for k, line in lines.items()
                  if line.quantity - shipped.get(k, 0) > 0 and k not in order.cancelled_items}
    carrier = code or name
    if name and name.lower() not in _CARRIERS_LOWER:
        outcome.warning(message_id, UNKNOWN_CARRIER, f"The carrier name '{name}' is not a carrier "
                        "Amazon recognizes; the tracking number cannot be verified.")
    world.ship(order, Shipment(at, carrier, tracking, _text(data, "ShippingMethod"), wanted))


def process_acknowledgement(world: FeedStore, seller_id: str, content: bytes, at: float) -> Outcome:
    """POST_ORDER_ACKNOWLEDGEMENT_DATA: StatusCode Failure cancels the items named."""
    return _process_xml(world, seller_id, content, at, "OrderAcknowledgement", _acknowledge)


def _acknowledge(world, seller_id, message_id, body, at, outcome) -> None:
    order_id, status_code = _text(body, "AmazonOrderID"), _text(body, "StatusCode")
    if not order_id or status_code not in ("Success", "Failure"):
        outcome.error(message_id, SCHEMA, "AmazonOrderID and a StatusCode of Success or Failure "
                      "are required.")
        return
    order = world.find_order(seller_id, order_id)
    if order is None:
        outcome.error(message_id, UNKNOWN_ORDER, f"The order id {order_id} was not found in "
                      "our system.")
        return
    if status_code == "Success":
        return  # an acknowledgement proper: nothing changes on the order
    status, _ = order.state(at)
    if status in ("SHIPPED", "CANCELLED") or order.fulfilled_by != "MERCHANT":
        outcome.error(message_id, NOT_CANCELLABLE, f"Order {order_id} cannot be cancelled: it "
                      f"is {status} and fulfilled by {order.fulfilled_by}.")
        return
    lines = {i.order_item_id for i in order.items}
    shipped = order.shipped(at)
    items = body.findall("Item")
    codes = []
    for item in items:
        item_code, reason = _text(item, "AmazonOrderItemCode"), _text(item, "CancelReason")
        if item_code not in lines:
            outcome.error(message_id, UNKNOWN_ITEM, f"AmazonOrderItemCode {item_code} is not an "
                          f"item of order {order_id}.")
            return
        if reason and reason not in CANCEL_REASONS:
            outcome.error(message_id, SCHEMA, f"CancelReason '{reason}' is not a valid value.")
            return
        if shipped.get(item_code):
            outcome.error(message_id, ITEM_SHIPPED, f"Item {item_code} of order {order_id} has "
                          "shipped and cannot be cancelled.")
            return
        codes.append(item_code)
    world.cancel_items(order, codes or sorted(lines - set(shipped)), at)


# -- JSON listings feed ----------------------------------------------------------------------
def process_listings(world: FeedStore, seller_id: str, content: bytes, at: float) -> Outcome:
    """JSON_LISTINGS_FEED: the fulfillment_availability quantity per SKU."""
    try:
        body = json.loads(content)
    except ValueError as exc:
        raise Fatal(LISTING_INVALID, f"The feed is not valid JSON: {exc}") from None
    header = body.get("header") if isinstance(body, dict) else None
    messages = body.get("messages") if isinstance(body, dict) else None
    if not isinstance(header, dict) or header.get("version") != "2.0" or not header.get("sellerId"):
        raise Fatal(LISTING_INVALID, "header must hold sellerId and version \"2.0\".")
    if header["sellerId"] != seller_id:
        raise Fatal(LISTING_INVALID, f"header.sellerId {header['sellerId']} is not the selling "
                    "partner that submitted the feed.")
    if not isinstance(messages, list) or not 1 <= len(messages) <= MAX_LISTINGS_MESSAGES:
        raise Fatal(LISTING_INVALID, f"messages must be a list of 1 to {MAX_LISTINGS_MESSAGES}.")
    outcome, seen = Outcome(), set()
    for message in messages:
        outcome.processed += 1
        _listing_message(world, seller_id, message, seen, at, outcome)
    return outcome


def _availability_quantity(values, message_id, sku, outcome):
    """The DEFAULT channel quantity in a fulfillment_availability value, or ``False`` if invalid."""
    if not isinstance(values, list):
        outcome.error(message_id, LISTING_INVALID, "fulfillment_availability must be a list.", sku)
        return False
    for entry in values:
        if not isinstance(entry, dict) or entry.get("fulfillment_channel_code") != "DEFAULT":
            continue
        quantity = entry.get("quantity")
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 0:
            outcome.error(message_id, LISTING_INVALID, f"'quantity' must be a non-negative "
                          f"integer, not {quantity!r}.", sku)
            return False
        return quantity
    return None


def _listing_message(world, seller_id, message, seen, at, outcome) -> None:
    if not isinstance(message, dict):
        outcome.error(None, LISTING_INVALID, "A message is not a JSON object.")
        return
    message_id, sku = message.get("messageId"), message.get("sku")
    if not isinstance(message_id, int) or message_id < 1 or message_id in seen:
        outcome.error(None, LISTING_INVALID, f"messageId {message_id!r} is missing, not a "
                      "positive integer or used twice.", sku if isinstance(sku, str) else None)
        return
    seen.add(message_id)
    operation = message.get("operationType")
    if not isinstance(sku, str) or not sku:
        outcome.error(message_id, LISTING_INVALID, "'sku' is required.")
        return
    if operation not in ("UPDATE", "PARTIAL_UPDATE", "PATCH", "DELETE"):
        outcome.error(message_id, LISTING_INVALID, f"operationType {operation!r} is not one of "
                      "UPDATE, PARTIAL_UPDATE, PATCH, DELETE.", sku)
        return
    listing = world.listing(seller_id, sku)
    if operation == "DELETE":
        if listing is None:
            outcome.error(message_id, LISTING_NOT_FOUND, f"SKU '{sku}' does not exist.", sku)
        else:
            world.set_listing(seller_id, sku, None, None)
        return
    product_type = message.get("productType")
    if not isinstance(product_type, str) or not product_type:
        outcome.error(message_id, LISTING_INVALID, "'productType' is required.", sku)
        return
    quantity = None
    if operation == "PATCH":
        patches = message.get("patches")
        if not isinstance(patches, list) or not patches:
            outcome.error(message_id, LISTING_INVALID, "'patches' is required for PATCH.", sku)
            return
        if listing is None:
            outcome.error(message_id, LISTING_NOT_FOUND, f"SKU '{sku}' does not exist; PATCH "
                          "updates an existing listing.", sku)
            return
        for patch in patches:
            if not isinstance(patch, dict) or patch.get("op") not in ("add", "replace", "merge",
                                                                       "delete"):
                outcome.error(message_id, LISTING_INVALID, "Each patch needs an op of add, "
                              "replace, merge or delete.", sku)
                return
            if patch.get("path") == "/attributes/fulfillment_availability":
                found = _availability_quantity(patch.get("value"), message_id, sku, outcome)
                if found is False:
                    return
                quantity = found if found is not None else quantity
    else:
        attributes = message.get("attributes")
        if not isinstance(attributes, dict) or not attributes:
            outcome.error(message_id, LISTING_INVALID, f"'attributes' is required for "
                          f"{operation}.", sku)
            return
        if operation == "PARTIAL_UPDATE" and listing is None:
            outcome.error(message_id, LISTING_NOT_FOUND, f"SKU '{sku}' does not exist.", sku)
            return
        if "fulfillment_availability" in attributes:
            found = _availability_quantity(attributes["fulfillment_availability"], message_id,
                                           sku, outcome)
            if found is False:
                return
            quantity = found
    world.set_listing(seller_id, sku, product_type,
                      quantity if quantity is not None else (listing or {}).get("quantity"))


PROCESSORS = {
    "POST_ORDER_FULFILLMENT_DATA": process_fulfillment,
    "POST_ORDER_ACKNOWLEDGEMENT_DATA": process_acknowledgement,
    "JSON_LISTINGS_FEED": process_listings,
}
