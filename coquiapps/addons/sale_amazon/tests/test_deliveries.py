"""Deliveries of imported Amazon orders: FBM queued for Amazon once validated, FBA done from the FBA
location, cancellations both ways."""
import datetime as dt
from decimal import Decimal

import pytest

from coquiapps.exceptions import UserError

from . import common
from .common import make_order

account, marketplace_us, mug = common.account, common.marketplace_us, common.mug

UTC = dt.UTC


@pytest.fixture
def plate(env, account):
    product = env["product.product"].create({"name": "Plate", "default_code": "PLATE-INT"})
    env["amazon.offer"].create({"account_id": account.id, "sku": "SKU-PLATE", "product_id": product.id})
    return product


def _import(account, **values):
    sale_order, _created = account._import_normalized_order(make_order(**values))
    return sale_order


def _update(account, ref, **values):
    values.setdefault("last_update", dt.datetime(2022, 5, 3, tzinfo=UTC))
    return _import(account, ref=ref, **values)


def _ship(env, picking, tracking="1Z999AA10123456784"):
    picking.write({"carrier_id": env.ref("stock.carrier_ups").id, "carrier_tracking_ref": tracking})
    return picking.button_validate()


def test_fbm_import_delivery_pending_after_validation(env, account, mug):
    order = _import(account)
    picking = order.picking_ids
    assert len(picking) == 1 and picking.state == "assigned"
    assert picking.amazon_account_id == account and picking.amazon_sync_state == "none"
    assert picking.location_id == env.ref("stock.warehouse0").lot_stock_id
    # shipping is charged, never delivered: only the mug moves
    assert picking.move_ids.mapped("product_id") == mug and picking.move_ids.product_uom_qty == 2
    assert picking.move_ids.sale_line_id.amazon_item_ref == "OI-1"
    _ship(env, picking)
    assert picking.state == "done" and picking.amazon_sync_state == "pending" and picking.amazon_sync_date
    assert env["stock.quant"]._quantities(mug, picking.location_id)[mug.id] == -2
    # the order is imported again (Amazon still says unshipped): nothing changes, nothing doubles
    _update(account, order.amazon_order_ref)
    assert order.picking_ids == picking and picking.amazon_sync_state == "pending"


def test_validate_requires_carrier_and_tracking(env, account):
    picking = _import(account).picking_ids
    with pytest.raises(UserError, match="set a carrier and a tracking reference before validating"):
        picking.button_validate()
    picking.carrier_id = env.ref("stock.carrier_usps")
    with pytest.raises(UserError, match="set a tracking reference before validating"):
        picking.button_validate()
    assert picking.state == "assigned" and picking.amazon_sync_state == "none"


def test_an_order_item_ships_in_one_delivery(env, account, mug, plate):
    lines = [{"order_item_id": "OI-1", "sku": "SKU-MUG", "title": "Mug", "quantity": 3, "unit_price": Decimal(5)},
             {"order_item_id": "OI-2", "sku": "SKU-PLATE", "title": "Plate", "quantity": 1,
              "unit_price": Decimal(9)}]
    order = _import(account, lines=lines, total=None)
    picking = order.picking_ids
    mug_move = picking.move_ids.filtered(lambda m: m.product_id == mug)
    mug_move.quantity = 2
    picking.write({"carrier_id": env.ref("stock.carrier_ups").id, "carrier_tracking_ref": "TRK-1"})
    with pytest.raises(UserError, match=r"Amazon confirms an order item once.*order item OI-1"):
        picking.button_validate()
    # the whole item in a backorder is fine: the plate ships now, the mugs later
    mug_move.quantity = 0
    picking.button_validate()
    backorder = order.picking_ids - picking
    assert picking.state == "done" and picking.move_ids.product_id == plate
    assert picking.amazon_sync_state == "pending"
    assert backorder.state == "assigned" and backorder.amazon_account_id == account
    assert backorder.amazon_sync_state == "none" and not backorder.carrier_tracking_ref
    assert backorder.move_ids.product_id == mug and backorder.move_ids.product_uom_qty == 3
    _ship(env, backorder, tracking="TRK-2")
    assert backorder.amazon_sync_state == "pending"


def test_fba_import_is_a_done_delivery_from_the_fba_location(env, account, mug):
    order = _import(account, ref="FBA-1", fulfillment_channel="AFN", status="shipped")
    picking = order.picking_ids
    fba = account.location_id
    assert fba and fba.usage == "internal" and fba.location_id == env.ref("sale_amazon.stock_location_amazon")
    assert picking.state == "done" and picking.location_id == fba
    assert picking.amazon_sync_state == "none"  # Amazon shipped it: nothing to confirm
    assert env["stock.quant"]._quantities(mug, fba)[mug.id] == -2
    # an FBA order not shipped yet waits in the FBA location, and is done when Amazon ships it
    later = _import(account, ref="FBA-2", fulfillment_channel="AFN", status="unshipped")
    assert later.picking_ids.state == "assigned" and later.picking_ids.location_id == fba
    _update(account, "FBA-2", fulfillment_channel="AFN", status="shipped")
    assert later.picking_ids.state == "done" and later.picking_ids.amazon_sync_state == "none"


def test_cancelled_on_amazon_cancels_order_and_delivery(env, account):
    order = _import(account, ref="C-1")
    picking = order.picking_ids
    _update(account, "C-1", status="canceled")
    assert order.state == "cancel" and picking.state == "cancel"
    assert order.amazon_cancel_state == "none"  # Amazon's own cancellation is not sent back


def test_cancelled_here_is_marked_for_amazon(env, account):
    order = _import(account, ref="C-2")
    picking = order.picking_ids
    order.amazon_cancel_reason = "ShippingAddressUndeliverable"
    order.action_cancel()
    assert order.state == "cancel" and picking.state == "cancel"
    assert order.amazon_cancel_state == "pending"
    # Amazon then reports it cancelled before it was sent: nothing left to send
    _update(account, "C-2", status="canceled")
    assert order.amazon_cancel_state == "done"


def test_cancel_here_refused_when_amazon_cannot(env, account):
    fba = _import(account, ref="C-3", fulfillment_channel="AFN")
    with pytest.raises(UserError, match="cancel the Amazon order C-3 in Seller Central"):
        fba.action_cancel()
    shipped = _import(account, ref="C-4")
    _ship(env, shipped.picking_ids)
    with pytest.raises(UserError, match="Amazon cannot cancel items that were shipped"):
        shipped.action_cancel()
    assert shipped.state == "sale" and shipped.amazon_cancel_state == "none"


def test_fbm_shipped_on_amazon_is_not_sent_again(env, account):
    order = _import(account, ref="S-9", status="shipped")
    picking = order.picking_ids
    assert picking.state == "done" and picking.amazon_sync_state == "done"
    assert "confirmed outside the ERP" in picking.amazon_sync_message
    # shipped in Seller Central after the import: the open delivery follows
    later = _import(account, ref="S-10")
    _update(account, "S-10", status="shipped")
    assert later.picking_ids.state == "done" and later.picking_ids.amazon_sync_state == "done"
