"""Orders API v2026-01-01 ``Order`` JSON -> the normalised order dict of the importer.

The dict (keys are a contract with the connector's importer)::

    amazon_order_id, marketplace_id, purchase_date, last_update, status,
    fulfillment_channel, currency, buyer_name, buyer_email, shipping_address,
    lines[order_item_id, sku, asin, title, quantity, unit_price],
    shipping_price, gift_wrap_price, tax, total (tax included)

Money becomes :class:`~decimal.Decimal`, times aware UTC datetimes. Data the
importer cannot do without (id, times, status) missing or unknown raises
:class:`OrderDataError`, naming the order, so one bad order does not pass
silently. Request ``includedData`` = BUYER, RECIPIENT, PROCEEDS, FULFILLMENT.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from .timeutil import parse_time

STATUS = {
    "PENDING_AVAILABILITY": "pending",
    "PENDING": "pending",
    "UNSHIPPED": "unshipped",
    "PARTIALLY_SHIPPED": "partially_shipped",
    "SHIPPED": "shipped",
    "CANCELLED": "canceled",
    "UNFULFILLABLE": "unfulfillable",
}
CHANNEL = {"AMAZON": "FBA", "MERCHANT": "FBM"}
ZERO = Decimal("0")


class OrderDataError(ValueError):
    """An order lacks data the importer needs, or holds a value not understood."""


def normalize_order(order: Mapping[str, Any]) -> dict[str, Any]:
    """The normalised order dict of one v2026-01-01 ``Order``."""
    order_id = order.get("orderId")
    if not order_id:
        raise OrderDataError("order without orderId")
    try:
        return _normalize(order_id, order)
    except (InvalidOperation, ValueError, TypeError, AttributeError) as exc:
        if isinstance(exc, OrderDataError):
            raise
        raise OrderDataError(f"order {order_id}: {exc}") from exc


def _normalize(order_id: str, order: Mapping[str, Any]) -> dict[str, Any]:
    fulfillment = order.get("fulfillment") or {}
    proceeds = order.get("proceeds") or {}
    grand_total = proceeds.get("grandTotal")
    buyer = order.get("buyer") or {}
    items = order.get("orderItems") or []
    return {
        "amazon_order_id": order_id,
        "marketplace_id": (order.get("salesChannel") or {}).get("marketplaceId"),
        "purchase_date": _required_time(order_id, order, "createdTime"),
        "last_update": _required_time(order_id, order, "lastUpdatedTime"),
        "status": _status(order_id, fulfillment),
        "fulfillment_channel": _channel(order_id, fulfillment),
        "currency": (grand_total or {}).get("currencyCode") or _first_currency(order),
        "buyer_name": _text(buyer.get("buyerName")),
        "buyer_email": _text(buyer.get("buyerEmail")),
        "shipping_address": _address((order.get("recipient") or {}).get("deliveryAddress")),
        "lines": [_line(item) for item in items],
        "shipping_price": _charge(proceeds, items, "SHIPPING"),
        "gift_wrap_price": _charge(proceeds, items, "GIFT_WRAP"),
        "tax": _charge(proceeds, items, "TAX"),
        "total": money(grand_total),
    }


def money(value: Mapping[str, Any] | None) -> Decimal | None:
    """The amount of a ``Money`` object (a decimal string) as ``Decimal``."""
    if not value or value.get("amount") in (None, ""):
        return None
    amount = Decimal(str(value["amount"]))
    if not amount.is_finite():
        raise OrderDataError(f"amount {value['amount']!r} is not a number")
    return amount


def _required_time(order_id: str, order: Mapping[str, Any], key: str) -> datetime:
    value = parse_time(order.get(key))
    if value is None:
        raise OrderDataError(f"order {order_id} has no {key}")
    return value


def _status(order_id: str, fulfillment: Mapping[str, Any]) -> str:
    raw = fulfillment.get("fulfillmentStatus")
    if raw is None:
        raise OrderDataError(
            f"order {order_id} has no fulfillment status: request includedData=FULFILLMENT")
    try:
        return STATUS[raw]
    except KeyError:
        raise OrderDataError(f"order {order_id}: unknown fulfillmentStatus {raw!r}") from None


def _channel(order_id: str, fulfillment: Mapping[str, Any]) -> str | None:
    raw = fulfillment.get("fulfilledBy")
    if raw is None:
        return None
    try:
        return CHANNEL[raw]
    except KeyError:
        raise OrderDataError(f"order {order_id}: unknown fulfilledBy {raw!r}") from None


def _text(value: Any) -> str | None:
    # Amazon sends "" for absent address parts; the importer wants None.
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def _address(address: Mapping[str, Any] | None) -> dict[str, str | None] | None:
    if not address:
        return None
    extra = [t for t in (_text(address.get("addressLine2")), _text(address.get("addressLine3")))
             if t]
    return {
        "name": _text(address.get("name")),
        "company": _text(address.get("companyName")),
        "street": _text(address.get("addressLine1")),
        "street2": ", ".join(extra) or None,
        "city": _text(address.get("city")),
        "state": _text(address.get("stateOrRegion")),
        "zip": _text(address.get("postalCode")),
        "country_code": _text(address.get("countryCode")),
        "phone": _text(address.get("phone")),
    }


def _breakdown_sum(proceeds: Mapping[str, Any] | None, kind: str) -> Decimal | None:
    """Sum of a proceeds object's breakdowns of ``kind``; None when it has no breakdowns."""
    breakdowns = (proceeds or {}).get("breakdowns")
    if not breakdowns:
        return None
    return sum((money(b.get("subtotal")) or ZERO for b in breakdowns if b.get("type") == kind),
               ZERO)


def _charge(proceeds: Mapping[str, Any], items: Iterable[Mapping[str, Any]],
            kind: str) -> Decimal:
    total = _breakdown_sum(proceeds, kind)
    if total is not None:
        return total
    # No order-level breakdowns: add up the items' own ones instead.
    return sum((_breakdown_sum(item.get("proceeds"), kind) or ZERO for item in items), ZERO)


def _line(item: Mapping[str, Any]) -> dict[str, Any]:
    product = item.get("product") or {}
    quantity = int(item.get("quantityOrdered") or 0)
    unit_price = money((product.get("price") or {}).get("unitPrice"))
    if unit_price is None:
        item_total = _breakdown_sum(item.get("proceeds"), "ITEM")
        unit_price = item_total / quantity if item_total is not None and quantity else ZERO
    return {
        "order_item_id": str(item.get("orderItemId") or ""),
        "sku": product.get("sellerSku") or "",
        "asin": product.get("asin") or None,
        "title": product.get("title") or "",
        "quantity": quantity,
        "unit_price": unit_price,
    }


def _first_currency(node: Any) -> str | None:
    """The currency of the first ``Money`` found anywhere in the order (depth first)."""
    if isinstance(node, Mapping):
        if "amount" in node and node.get("currencyCode"):
            return node["currencyCode"]
        values: Iterable[Any] = node.values()
    elif isinstance(node, list):
        values = node
    else:
        return None
    for value in values:
        found = _first_currency(value)
        if found:
            return found
    return None
