"""Pure builders of the three feed documents the connector sends (spapi/FEEDS.md).

* :func:`order_fulfillment_feed` — ``POST_ORDER_FULFILLMENT_DATA`` (XML), many
  shipments per feed;
* :func:`order_cancellation_feed` — ``POST_ORDER_ACKNOWLEDGEMENT_DATA`` (XML)
  with ``StatusCode`` Failure and a ``CancelReason`` per item;
* :func:`listings_quantity_feed` — ``JSON_LISTINGS_FEED`` PATCHing
  ``/attributes/fulfillment_availability``.

Each returns a :class:`FeedDocument`: the bytes, their content type and
``message_ids`` mapping every MessageID/messageId to the caller's key, so a
processing report's results go back to the delivery, cancellation or stock line
that caused them. Bad input raises :class:`FeedContentError` naming the message.
"""
from __future__ import annotations

import json
import re
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree

from .timeutil import format_time

ORDER_FULFILLMENT = "POST_ORDER_FULFILLMENT_DATA"
ORDER_ACKNOWLEDGEMENT = "POST_ORDER_ACKNOWLEDGEMENT_DATA"
JSON_LISTINGS = "JSON_LISTINGS_FEED"

XML_CONTENT_TYPE = "text/xml; charset=UTF-8"
JSON_CONTENT_TYPE = "application/json; charset=UTF-8"
DOCUMENT_VERSION = "1.01"
#: listings-feed-schema-v2: at most 10,000 messages per feed.
MAX_LISTINGS_MESSAGES = 10_000
ORDER_ID = re.compile(r"^\d{3}-\d{7}-\d{7}$")

#: CarrierCode values of Amazon's amzn-base.xsd that the connector sends as a code;
#: any other carrier goes as CarrierName (free text). A subset of Amazon's list.
CARRIER_CODES = frozenset({
    "USPS", "UPS", "UPSMI", "FedEx", "DHL", "DHL Global Mail", "Fastway", "GLS", "GO!",
    "Hermes Logistik Gruppe", "Royal Mail", "Parcelforce", "City Link", "TNT", "Target",
    "SagawaExpress", "NipponExpress", "YamatoTransport", "OnTrac", "Canada Post", "Chronopost",
    "Deutsche Post", "DPD", "La Poste", "Poste Italiane", "SDA", "Yodel", "Seur", "Correos",
    "MRW", "Nacex", "Correios", "Amazon Shipping", "Japan Post", "Australia Post", "India Post",
    "Blue Dart", "Lasership", "Purolator", "Estes", "Other",
})

#: CancelReason values of OrderAcknowledgement.xsd (Item/CancelReason).
CANCEL_REASONS = frozenset({
    "NoInventory", "ShippingAddressUndeliverable", "CustomerExchange", "BuyerCanceled",
    "GeneralAdjustment", "CarrierCreditDecision", "RiskAssessmentInformationNotValid",
    "CarrierCoverageFailure", "CustomerReturn", "MerchandiseNotReceived",
})


class FeedContentError(ValueError):
    """A message cannot be written as Amazon's schema requires."""


@dataclass(frozen=True)
class FeedDocument:
    """A built feed document ready for ``createFeedDocument`` + upload."""

    feed_type: str
    content: bytes = field(repr=False)
    content_type: str
    #: MessageID -> the caller's key (delivery id, cancellation id, stock line id...).
    message_ids: dict[int, Hashable]


@dataclass(frozen=True)
class ShipFromAddress:
    """``ShipFromAddress`` (AddressType of amzn-base.xsd)."""

    name: str
    address_line1: str
    city: str
    country_code: str
    address_line2: str = ""
    address_line3: str = ""
    county: str = ""
    state_or_region: str = ""
    postal_code: str = ""
    phone: str = ""


@dataclass(frozen=True)
class ShipmentConfirmation:
    """One ``OrderFulfillment`` message: a package of one order leaving the warehouse.

    ``carrier`` goes out as ``CarrierCode`` when it is one of :data:`CARRIER_CODES`,
    else as ``CarrierName``. ``items`` are ``(AmazonOrderItemCode, quantity)``.
    """

    key: Hashable
    amazon_order_id: str
    fulfillment_date: datetime
    carrier: str
    tracking_number: str
    items: Sequence[tuple[str, int]]
    shipping_method: str = ""
    ship_from: ShipFromAddress | None = None


@dataclass(frozen=True)
class OrderCancellation:
    """One ``OrderAcknowledgement`` message with StatusCode Failure: cancel these items.

    ``items`` are ``(AmazonOrderItemCode, CancelReason)``; list every item of the
    order to cancel the whole order.
    """

    key: Hashable
    amazon_order_id: str
    items: Sequence[tuple[str, str]]
    merchant_order_id: str = ""


@dataclass(frozen=True)
class QuantityUpdate:
    """One ``JSON_LISTINGS_FEED`` message: the FBM (``DEFAULT`` channel) quantity of a SKU."""

    key: Hashable
    sku: str
    quantity: int
    product_type: str = "PRODUCT"


# -- XML feeds -------------------------------------------------------------------------------
def _sub(parent, tag: str, text: str | int | None = None):
    element = etree.SubElement(parent, tag)
    if text is not None:
        element.text = str(text)
    return element


def _envelope(seller_id: str, message_type: str):
    if not seller_id:
        raise FeedContentError("MerchantIdentifier (the selling partner id) is required")
    xsi = "http://www.w3.org/2001/XMLSchema-instance"
    root = etree.Element("AmazonEnvelope", nsmap={"xsi": xsi})
    root.set(f"{{{xsi}}}noNamespaceSchemaLocation", "amzn-envelope.xsd")
    header = _sub(root, "Header")
    _sub(header, "DocumentVersion", DOCUMENT_VERSION)
    _sub(header, "MerchantIdentifier", seller_id)
    _sub(root, "MessageType", message_type)
    return root


def _serialize(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _check_order_id(message_id: int, order_id: str) -> None:
    if not ORDER_ID.match(order_id or ""):
        raise FeedContentError(f"message {message_id}: AmazonOrderID {order_id!r} is not "
                               "an Amazon order id (3-7-7 digits)")


def _check_text(message_id: int, name: str, value: str, limit: int) -> None:
    if not value or not value.strip():
        raise FeedContentError(f"message {message_id}: {name} is required")
    if len(value) > limit:
        raise FeedContentError(f"message {message_id}: {name} is longer than {limit} characters")


def _address(parent, address: ShipFromAddress) -> None:
    node = _sub(parent, "ShipFromAddress")
    for tag, value in (("Name", address.name), ("AddressFieldOne", address.address_line1),
                       ("AddressFieldTwo", address.address_line2),
                       ("AddressFieldThree", address.address_line3), ("City", address.city),
                       ("County", address.county), ("StateOrRegion", address.state_or_region),
                       ("PostalCode", address.postal_code), ("CountryCode", address.country_code),
                       ("PhoneNumber", address.phone)):
        if value:
            _sub(node, tag, value)


def order_fulfillment_feed(seller_id: str, shipments: Iterable[ShipmentConfirmation]) -> FeedDocument:
    """``POST_ORDER_FULFILLMENT_DATA``: one ``OrderFulfillment`` message per shipment."""
    root = _envelope(seller_id, "OrderFulfillment")
    ids: dict[int, Hashable] = {}
    for message_id, shipment in enumerate(shipments, start=1):
        _check_order_id(message_id, shipment.amazon_order_id)
        _check_text(message_id, "carrier", shipment.carrier, 200)
        _check_text(message_id, "ShipperTrackingNumber", shipment.tracking_number, 200)
        if shipment.fulfillment_date.tzinfo is None:
            raise FeedContentError(f"message {message_id}: FulfillmentDate needs a timezone")
        if not shipment.items:
            raise FeedContentError(f"message {message_id}: a shipment confirms at least one item")
        message = _sub(root, "Message")
        _sub(message, "MessageID", message_id)
        body = _sub(message, "OrderFulfillment")
        _sub(body, "AmazonOrderID", shipment.amazon_order_id)
        _sub(body, "FulfillmentDate", format_time(shipment.fulfillment_date))
        data = _sub(body, "FulfillmentData")
        carrier = shipment.carrier.strip()
        _sub(data, "CarrierCode" if carrier in CARRIER_CODES else "CarrierName", carrier)
        if shipment.shipping_method:
            _sub(data, "ShippingMethod", shipment.shipping_method)
        _sub(data, "ShipperTrackingNumber", shipment.tracking_number.strip())
        for code, quantity in shipment.items:
            _check_text(message_id, "AmazonOrderItemCode", code, 50)
            if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
                raise FeedContentError(f"message {message_id}: item {code} quantity must be "
                                       f"a positive integer, not {quantity!r}")
            item = _sub(body, "Item")
            _sub(item, "AmazonOrderItemCode", code)
            _sub(item, "Quantity", quantity)
        if shipment.ship_from is not None:
            _address(body, shipment.ship_from)
        ids[message_id] = shipment.key
    if not ids:
        raise FeedContentError("a feed needs at least one message")
    return FeedDocument(ORDER_FULFILLMENT, _serialize(root), XML_CONTENT_TYPE, ids)


def order_cancellation_feed(seller_id: str, cancellations: Iterable[OrderCancellation]) -> FeedDocument:
    """``POST_ORDER_ACKNOWLEDGEMENT_DATA`` with StatusCode Failure: the seller cancels items."""
    root = _envelope(seller_id, "OrderAcknowledgement")
    ids: dict[int, Hashable] = {}
    for message_id, cancel in enumerate(cancellations, start=1):
        _check_order_id(message_id, cancel.amazon_order_id)
        if not cancel.items:
            raise FeedContentError(f"message {message_id}: name the items to cancel")
        message = _sub(root, "Message")
        _sub(message, "MessageID", message_id)
        body = _sub(message, "OrderAcknowledgement")
        _sub(body, "AmazonOrderID", cancel.amazon_order_id)
        if cancel.merchant_order_id:
            _sub(body, "MerchantOrderID", cancel.merchant_order_id)
        _sub(body, "StatusCode", "Failure")
        for code, reason in cancel.items:
            _check_text(message_id, "AmazonOrderItemCode", code, 50)
            if reason not in CANCEL_REASONS:
                raise FeedContentError(f"message {message_id}: CancelReason {reason!r} is not "
                                       f"one of {', '.join(sorted(CANCEL_REASONS))}")
            item = _sub(body, "Item")
            _sub(item, "AmazonOrderItemCode", code)
            _sub(item, "CancelReason", reason)
        ids[message_id] = cancel.key
    if not ids:
        raise FeedContentError("a feed needs at least one message")
    return FeedDocument(ORDER_ACKNOWLEDGEMENT, _serialize(root), XML_CONTENT_TYPE, ids)


# -- JSON listings feed ----------------------------------------------------------------------
def listings_quantity_feed(seller_id: str, updates: Iterable[QuantityUpdate]) -> FeedDocument:
    """``JSON_LISTINGS_FEED``: PATCH replace ``/attributes/fulfillment_availability`` per SKU."""
    if not seller_id:
        raise FeedContentError("header.sellerId (the selling partner id) is required")
    messages, ids = [], {}
    for message_id, update in enumerate(updates, start=1):
        if not update.sku:
            raise FeedContentError(f"message {message_id}: sku is required")
        if not update.product_type:
            raise FeedContentError(f"message {message_id}: productType is required for PATCH")
        if not isinstance(update.quantity, int) or isinstance(update.quantity, bool) \
                or update.quantity < 0:
            raise FeedContentError(f"message {message_id}: quantity of {update.sku} must be "
                                   f"a non-negative integer, not {update.quantity!r}")
        messages.append({
            "messageId": message_id, "sku": update.sku, "operationType": "PATCH",
            "productType": update.product_type,
            "patches": [{"op": "replace", "path": "/attributes/fulfillment_availability",
                         "value": [{"fulfillment_channel_code": "DEFAULT",
                                    "quantity": update.quantity}]}],
        })
        ids[message_id] = update.key
    if not messages:
        raise FeedContentError("a feed needs at least one message")
    if len(messages) > MAX_LISTINGS_MESSAGES:
        raise FeedContentError(f"{len(messages)} messages: a listings feed takes at most "
                               f"{MAX_LISTINGS_MESSAGES}; split the batch")
    body = {"header": {"sellerId": seller_id, "version": "2.0"}, "messages": messages}
    return FeedDocument(JSON_LISTINGS, json.dumps(body).encode(), JSON_CONTENT_TYPE, ids)
