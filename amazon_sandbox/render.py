"""Orders as JSON: the v2026-01-01 shapes (ORDERS.md) and the deprecated v0 shapes."""
from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from decimal import Decimal

from .model import DAY, Order, OrderItem

V0_STATUS = {
    "PENDING_AVAILABILITY": "PendingAvailability", "PENDING": "Pending", "UNSHIPPED": "Unshipped",
    "PARTIALLY_SHIPPED": "PartiallyShipped", "SHIPPED": "Shipped", "CANCELLED": "Canceled",
    "UNFULFILLABLE": "Unfulfillable",
}
V0_CHANNEL = {"AMAZON": "AFN", "MERCHANT": "MFN"}


def fmt_time(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _amount(value: Decimal, order: Order) -> str:
    step = Decimal(1) if order.marketplace.decimals == 0 else Decimal("0.01")
    return str(value.quantize(step))


def money(value: Decimal, order: Order) -> dict:
    return {"amount": _amount(value, order), "currencyCode": order.marketplace.currency}


def _shipped_quantities(order: Order, status: str, now: float | None = None) -> list[int]:
    if order.shipments:  # confirmed by the seller's fulfillment feed
        shipped = order.shipped(float("inf") if now is None else now)
        return [shipped.get(i.order_item_id, 0) for i in order.items]
    if status == "SHIPPED":
        return [i.quantity for i in order.items]
    if status == "PARTIALLY_SHIPPED":  # the first line went out, the rest waits
        return [order.items[0].quantity] + [0] * (len(order.items) - 1)
    return [0] * len(order.items)


def totals(order: Order) -> tuple[Decimal, Decimal, Decimal]:
    """(items, tax, shipping) of the order."""
    items = sum((i.unit_price * i.quantity for i in order.items), Decimal(0))
    tax = sum((i.tax * i.quantity for i in order.items), Decimal(0))
    return items, tax, order.shipping_price


def _item_v2026(order: Order, item: OrderItem, shipped: int, status: str, included: set) -> dict:
    body = {
        "orderItemId": item.order_item_id,
        "quantityOrdered": item.quantity,
        "product": {
            "asin": item.asin, "title": item.title, "sellerSku": item.sku,
            "condition": {"conditionType": item.condition, "conditionSubtype": item.condition},
            "price": {"unitPrice": money(item.unit_price, order)},
        },
    }
    if "PROCEEDS" in included:
        subtotal, tax = item.unit_price * item.quantity, item.tax * item.quantity
        body["proceeds"] = {
            "proceedsTotal": money(subtotal + tax, order),
            "breakdowns": [
                {"type": "ITEM", "subtotal": money(subtotal, order)},
                {"type": "TAX", "subtotal": money(tax, order),
                 "detailedBreakdowns": [{"subtype": "ITEM", "value": money(tax, order)}]},
            ],
        }
    if "FULFILLMENT" in included:
        body["fulfillment"] = {"quantityFulfilled": shipped,
                               "quantityUnfulfilled": item.quantity - shipped}
    if "CANCELLATION" in included and status == "CANCELLED":
        body["cancellation"] = {"cancellationRequest": {"requester": "BUYER",
                                                        "cancelReason": "Buyer cancelled"}}
    return body


def _tracking(order: Order) -> str:
    return "1Z" + hashlib.sha1(order.order_id.encode()).hexdigest()[:16].upper()


def order_v2026(order: Order, now: float, included: set) -> dict:
    status, updated = order.state(now)
    shipped = _shipped_quantities(order, status, now)
    body: dict = {
        "orderId": order.order_id,
        "createdTime": fmt_time(order.created),
        "lastUpdatedTime": fmt_time(updated),
        "programs": list(order.programs),
        "salesChannel": {"channelName": "AMAZON", "marketplaceId": order.marketplace_id,
                         "marketplaceName": order.marketplace.name},
    }
    if order.seller_order_id:
        body["orderAliases"] = [{"aliasId": order.seller_order_id, "aliasType": "SELLER_ORDER_ID"}]
    if "BUYER" in included:
        buyer = dict(order.buyer)
        if order.fulfilled_by != "MERCHANT":
            buyer.pop("buyerEmail", None)  # only merchant-fulfilled orders show it
        body["buyer"] = buyer
    if "RECIPIENT" in included:
        body["recipient"] = {"deliveryAddress": dict(order.address)}
    if "PROCEEDS" in included:
        items, tax, shipping = totals(order)
        body["proceeds"] = {
            "grandTotal": money(items + tax + shipping, order),
            "breakdowns": [{"type": "ITEM", "subtotal": money(items, order)},
                           {"type": "SHIPPING", "subtotal": money(shipping, order)},
                           {"type": "TAX", "subtotal": money(tax, order)}],
        }
    if "FULFILLMENT" in included:
        body["fulfillment"] = {
            "fulfillmentStatus": status, "fulfilledBy": order.fulfilled_by,
            "fulfillmentServiceLevel": order.service_level,
            "shipByWindow": {"earliestDateTime": fmt_time(order.created),
                             "latestDateTime": fmt_time(order.created + 2 * DAY)},
            "deliverByWindow": {"earliestDateTime": fmt_time(order.created + 3 * DAY),
                                "latestDateTime": fmt_time(order.created + 7 * DAY)},
        }
    body["orderItems"] = [_item_v2026(order, item, n, status, included)
                          for item, n in zip(order.items, shipped, strict=True)]
    if "PACKAGES" in included and order.shipments:
        packages = [s for s in order.shipments if s.at <= now]
        if packages:
            body["packages"] = [{
                "packageReferenceId": str(n), "packageStatus": {"status": "IN_TRANSIT"},
                "carrier": s.carrier, "trackingNumber": s.tracking_number,
                "shipTime": fmt_time(s.at),
                "packageItems": [{"orderItemId": k, "quantity": v} for k, v in s.items.items()],
            } for n, s in enumerate(packages, start=1)]
    elif "PACKAGES" in included and order.fulfilled_by == "MERCHANT" and any(shipped):
        ship_time = next(at for at, s in order.events if s in ("SHIPPED", "PARTIALLY_SHIPPED"))
        body["packages"] = [{
            "packageReferenceId": "1", "packageStatus": {"status": "IN_TRANSIT"},
            "carrier": "UPS", "trackingNumber": _tracking(order), "shipTime": fmt_time(ship_time),
            "packageItems": [{"orderItemId": i.order_item_id, "quantity": n}
                             for i, n in zip(order.items, shipped, strict=True) if n],
        }]
    return body


def order_v0(order: Order, now: float) -> dict:
    status, updated = order.state(now)
    shipped = _shipped_quantities(order, status, now)
    body = {
        "AmazonOrderId": order.order_id,
        "PurchaseDate": fmt_time(order.created),
        "LastUpdateDate": fmt_time(updated),
        "OrderStatus": V0_STATUS[status],
        "FulfillmentChannel": V0_CHANNEL[order.fulfilled_by],
        "SalesChannel": order.marketplace.name,
        "ShipServiceLevel": "Std Dom",
        "NumberOfItemsShipped": sum(shipped),
        "NumberOfItemsUnshipped": sum(i.quantity for i in order.items) - sum(shipped),
        "PaymentMethod": "Other",
        "PaymentMethodDetails": ["Standard"],
        "MarketplaceId": order.marketplace_id,
        "ShipmentServiceLevelCategory": "Standard",
        "OrderType": "Preorder" if "PREORDER" in order.programs else "StandardOrder",
        "EarliestShipDate": fmt_time(order.created),
        "LatestShipDate": fmt_time(order.created + 2 * DAY),
        "IsBusinessOrder": False,
        "IsPrime": "PRIME" in order.programs,
        "IsPremiumOrder": False,
        "IsGlobalExpressEnabled": False,
        "IsReplacementOrder": "false",
        "IsSoldByAB": False,
        "IsISPU": False,
        "IsAccessPointOrder": False,
        "HasRegulatedItems": False,
    }
    # Pending and cancelled orders carry no total in v0.
    if status not in ("PENDING", "PENDING_AVAILABILITY", "CANCELLED"):
        items, tax, shipping = totals(order)
        body["OrderTotal"] = {"CurrencyCode": order.marketplace.currency,
                              "Amount": _amount(items + tax + shipping, order)}
        address = order.address
        body["ShippingAddress"] = {k: address[v] for k, v in (
            ("City", "city"), ("StateOrRegion", "stateOrRegion"), ("PostalCode", "postalCode"),
            ("CountryCode", "countryCode")) if address.get(v)}
    return body


def _money_v0(value: Decimal, order: Order) -> dict:
    return {"CurrencyCode": order.marketplace.currency, "Amount": _amount(value, order)}


def items_v0(order: Order, now: float) -> list[dict]:
    status, _ = order.state(now)
    shipped = _shipped_quantities(order, status, now)
    result = []
    for index, (item, n) in enumerate(zip(order.items, shipped, strict=True)):
        body = {
            "ASIN": item.asin, "SellerSKU": item.sku, "OrderItemId": item.order_item_id,
            "Title": item.title, "QuantityOrdered": item.quantity, "QuantityShipped": n,
            "ProductInfo": {"NumberOfItems": "1"}, "IsGift": "false",
            "ConditionId": "New", "ConditionSubtypeId": "New", "IsTransparency": False,
        }
        # Pending orders show no pricing in v0 (payment not yet authorized).
        if status not in ("PENDING", "PENDING_AVAILABILITY"):
            def m(value):
                return _money_v0(value, order)

            zero = Decimal(0)
            body.update({
                "ItemPrice": m(item.unit_price * item.quantity),
                "ItemTax": m(item.tax * item.quantity),
                "ShippingPrice": m(order.shipping_price if index == 0 else zero),
                "ShippingTax": m(zero), "ShippingDiscount": m(zero),
                "PromotionDiscount": m(zero), "PromotionDiscountTax": m(zero),
            })
        result.append(body)
    return result
