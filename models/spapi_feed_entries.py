"""What each outbound record becomes in a feed document (pure mapping from records to the builders' inputs)."""
import datetime as dt

from ..spapi import (
    FeedContentError,
    OrderCancellation,
    QuantityUpdate,
    ShipFromAddress,
    ShipmentConfirmation,
    listings_quantity_feed,
    order_cancellation_feed,
    order_fulfillment_feed,
)

BUILDERS = {
    "shipments": order_fulfillment_feed,
    "cancellations": order_cancellation_feed,
    "stock": listings_quantity_feed,
}


def _utc(value) -> dt.datetime:
    return (value or dt.datetime.now(dt.UTC).replace(tzinfo=None)).replace(tzinfo=dt.UTC)


def _ship_from(picking):
    """The company's address of the warehouse the delivery leaves from (None when incomplete)."""
    warehouse = picking.location_id.warehouse_id
    partner = (warehouse.company_id or picking.company_id).partner_id
    if not (partner.street and partner.city and partner.country_code):
        return None
    return ShipFromAddress(name=partner.name or "", address_line1=partner.street, city=partner.city,
                           country_code=partner.country_code.upper(), address_line2=partner.street2 or "",
                           state_or_region=partner.state_name or "", postal_code=partner.zip or "",
                           phone=partner.phone or "")


def shipment(picking) -> ShipmentConfirmation:
    code, name = picking.carrier_id._amazon_carrier() if picking.carrier_id else ("", "")
    items = [(move.sale_line_id.amazon_item_ref or "", int(round(move.quantity)))
             for move in picking.move_ids if move.state == "done" and move.quantity > 0]
    return ShipmentConfirmation(key=picking.id, amazon_order_id=picking.sale_id.amazon_order_ref or "",
                                fulfillment_date=_utc(picking.date_done), carrier=code or name or "",
                                tracking_number=picking.carrier_tracking_ref or "", items=items,
                                ship_from=_ship_from(picking))


def cancellation(order) -> OrderCancellation:
    reason = order.amazon_cancel_reason or "NoInventory"
    items = [(line.amazon_item_ref, reason) for line in order.order_line if line.amazon_item_ref]
    return OrderCancellation(key=order.id, amazon_order_id=order.amazon_order_ref or "", items=items,
                             merchant_order_id=order.name or "")


def quantity(offer) -> QuantityUpdate:
    return QuantityUpdate(key=offer.id, sku=offer.sku or "", quantity=int(offer.amazon_qty_to_send))


ENTRY = {"shipments": shipment, "cancellations": cancellation, "stock": quantity}


def entries(kind: str, seller_id: str, records) -> tuple[list, dict]:
    """``(entries Amazon can read, {record id: why it cannot be sent})``.

    Each record is checked alone with the real builder, so one bad delivery is
    refused with its own reason instead of failing the whole feed.
    """
    good, refused = [], {}
    for record in records:
        try:
            entry = ENTRY[kind](record)
            BUILDERS[kind](seller_id, [entry])
        except FeedContentError as exc:
            refused[record.id] = str(exc).removeprefix("message 1: ")
            continue
        good.append(entry)
    return good, refused
