"""Inventory: a confirmed order's delivery, validation with carrier and tracking, backorders, cancel."""
import pytest

from coquiapps.exceptions import UserError


@pytest.fixture
def products(env):
    Product = env["product.product"]
    return (Product.create({"name": "Mug", "default_code": "ST-MUG", "list_price": 10}),
            Product.create({"name": "Plate", "default_code": "ST-PLATE", "list_price": 5}),
            Product.create({"name": "Shipping", "default_code": "ST-SHIP", "type": "service"}))


@pytest.fixture
def stock(env):
    return env.ref("stock.warehouse0").lot_stock_id


@pytest.fixture
def order(env, products):
    mug, plate, ship = products
    customer = env["res.partner"].create({"name": "Stock Customer"})
    return env["sale.order"].create({"partner_id": customer.id, "order_line": [
        (0, 0, {"product_id": mug.id, "product_uom_qty": 3}),
        (0, 0, {"product_id": plate.id, "product_uom_qty": 2}),
        (0, 0, {"product_id": ship.id, "product_uom_qty": 1}),
    ]})


def _on_hand(env, product, location):
    return env["stock.quant"]._quantities(product, location).get(product.id, 0.0)


def test_confirm_creates_delivery_of_goods(env, order, products, stock):
    assert order.delivery_count == 0
    order.action_confirm()
    picking = order.picking_ids
    assert len(picking) == 1 and order.delivery_count == 1
    assert picking.state == "assigned" and picking.name.startswith("WH/OUT/")
    assert picking.origin == order.name and picking.partner_id == order.partner_id
    assert picking.location_id == stock
    assert picking.location_dest_id == env.ref("stock.stock_location_customers")
    # services are not delivered
    assert picking.move_ids.mapped("product_id") == products[0] | products[1]
    assert picking.move_ids.mapped("product_uom_qty") == [3, 2]
    action = order.action_view_delivery()
    assert action["res_model"] == "stock.picking" and action["res_id"] == picking.id


def test_validate_with_carrier_and_tracking_moves_quants(env, order, products, stock):
    mug, plate, _ship = products
    env["stock.quant"].create({"product_id": mug.id, "location_id": stock.id, "quantity": 10})
    assert mug.qty_available == 10
    order.action_confirm()
    picking = order.picking_ids
    picking.write({"carrier_id": env.ref("stock.carrier_ups").id, "carrier_tracking_ref": "1Z999"})
    assert picking.button_validate() is True
    assert picking.state == "done" and picking.date_done
    assert set(picking.move_ids.mapped("state")) == {"done"}
    assert _on_hand(env, mug, stock) == 7
    assert _on_hand(env, plate, stock) == -2     # shipped without stock counted: negative, as in Odoo
    assert mug.qty_available == 7
    # the customers location keeps no on-hand quantity
    assert not env["stock.quant"].search([("location_id", "=", env.ref("stock.stock_location_customers").id)])
    with pytest.raises(UserError, match="already done"):
        picking.button_validate()
    with pytest.raises(UserError, match="cannot be cancelled"):
        picking.action_cancel()


def test_partial_delivery_makes_a_backorder(env, order, products, stock):
    mug, plate, _ship = products
    order.action_confirm()
    picking = order.picking_ids
    mug_move = picking.move_ids.filtered(lambda m: m.product_id == mug)
    plate_move = picking.move_ids - mug_move
    mug_move.quantity = 1
    plate_move.quantity = 0
    result = picking.button_validate()
    backorder = order.picking_ids - picking
    assert len(backorder) == 1 and backorder.backorder_id == picking
    assert backorder.name in result["params"]["message"]
    assert picking.state == "done" and picking.move_ids == mug_move
    assert mug_move.product_uom_qty == 1 and mug_move.quantity == 1
    assert backorder.state == "assigned"
    rest = {m.product_id: (m.product_uom_qty, m.quantity) for m in backorder.move_ids}
    assert rest == {mug: (2, 2), plate: (2, 2)}
    assert _on_hand(env, mug, stock) == -1
    backorder.button_validate()
    assert backorder.state == "done" and _on_hand(env, mug, stock) == -3 and _on_hand(env, plate, stock) == -2
    assert order.delivery_count == 2


def test_clear_errors(env, order, products):
    order.action_confirm()
    picking = order.picking_ids
    picking.move_ids.write({"quantity": 0})
    with pytest.raises(UserError, match="Nothing to validate"):
        picking.button_validate()
    picking.move_ids[0].quantity = 99
    with pytest.raises(UserError, match="only 3.0 were asked for"):
        picking.button_validate()
    empty = env["stock.picking"].create({"location_id": picking.location_id.id,
                                         "location_dest_id": picking.location_dest_id.id})
    with pytest.raises(UserError, match="no products to move"):
        empty.button_validate()


def test_cancel_order_cancels_open_delivery(env, order, products, stock):
    order.action_confirm()
    picking = order.picking_ids
    order.action_cancel()
    assert picking.state == "cancel" and set(picking.move_ids.mapped("state")) == {"cancel"}
    with pytest.raises(UserError, match="already cancelled"):
        picking.button_validate()
    # back to quotation and confirmed again: a new delivery for everything
    order.action_draft()
    order.action_confirm()
    assert len(order.picking_ids) == 2
    assert (order.picking_ids - picking).state == "assigned"
    assert _on_hand(env, products[0], stock) == 0


def test_done_delivery_stays_when_order_cancelled(env, order):
    order.action_confirm()
    picking = order.picking_ids
    picking.button_validate()
    order.action_cancel()
    assert picking.state == "done"


def test_warehouse_per_company_and_user_rights(env, products):
    company = env["res.company"].create({"name": "Second Co"})
    warehouse = env["stock.warehouse"]._get_for_company(company)
    assert warehouse.company_id == company and warehouse.lot_stock_id.usage == "internal"
    assert env["stock.warehouse"]._get_for_company(company) == warehouse
    salesman = env["res.users"].create({
        "login": "stock_salesman", "name": "Stock Salesman", "company_id": env.ref("base.main_company").id,
        "groups_id": [(6, 0, [env.ref("sale.group_sale_salesman").id])]})
    customer = env["res.partner"].create({"name": "Someone"})
    order = env["sale.order"].with_user(salesman).create({
        "partner_id": customer.id, "order_line": [(0, 0, {"product_id": products[0].id, "product_uom_qty": 1})]})
    order.action_confirm()
    picking = order.picking_ids
    assert picking and picking.with_user(salesman).button_validate() is True
    with pytest.raises(UserError, match="not an internal location"):
        env["stock.quant"].create({"product_id": products[0].id, "quantity": 1,
                                   "location_id": env.ref("stock.stock_location_customers").id})
