"""Deliveries, cancellations and FBM quantities go to the Amazon sandbox through SP-API feeds, end to end
(real HTTP; the scheduled actions run as in production, commits included)."""
import pytest

from amazon_sandbox.testing import running

from .outbound_world import US, OutboundWorld


@pytest.fixture
def ow(full_db):
    with running(seed=41) as h:
        yield OutboundWorld(h, full_db)


def _picking(ow, env, order_id):
    return ow.order(env, order_id).picking_ids.filtered(lambda p: p.state != "cancel")


def test_validated_deliveries_go_in_one_feed_and_amazon_ships_them(ow):
    (first, (a, b)), (second, (_c, _d)) = ow.new_order(), ow.new_order()
    ow.sync()
    with ow.env() as env:
        ow.validate(env, _picking(ow, env, first), tracking="1ZFIRST0001")
        ow.validate(env, _picking(ow, env, second), carrier_xmlid="stock.carrier_dhl", tracking="DHL-0002")
    ow.send()
    with ow.env() as env:
        [feed] = ow.feeds(env)
        assert (feed.feed_type, feed.state, feed.message_count) == ("POST_ORDER_FULFILLMENT_DATA", "IN_QUEUE", 2)
        pickings = _picking(ow, env, first) | _picking(ow, env, second)
        assert set(pickings.mapped("amazon_sync_state")) == {"processing"}
        assert set(pickings.mapped("amazon_feed_ref")) == {feed.feed_id}
        assert b"<ShipperTrackingNumber>1ZFIRST0001</ShipperTrackingNumber>" in feed.document
    ow.send()   # nothing new: the deliveries in flight are not sent again
    assert ow.world.op_calls("createFeed") == 1
    ow.read()   # Amazon still processing: nothing settles
    with ow.env() as env:
        assert _picking(ow, env, first).amazon_sync_state == "processing"
    ow.process_feeds()
    ow.read()
    with ow.env() as env:
        feed = ow.feeds(env)
        assert feed.state == "DONE" and feed.report and feed.summary == "2 of 2 messages accepted."
        for order_id in (first, second):
            picking = _picking(ow, env, order_id)
            assert (picking.state, picking.amazon_sync_state) == ("done", "done"), picking.amazon_sync_message
    shipped = ow.amazon_order(first)
    assert shipped["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    [package] = shipped["packages"]
    assert (package["carrier"], package["trackingNumber"]) == ("UPS", "1ZFIRST0001")
    assert {(p["orderItemId"], p["quantity"]) for p in package["packageItems"]} == {(a, 2), (b, 1)}
    assert ow.amazon_order(second)["packages"][0]["trackingNumber"] == "DHL-0002"
    ow.read()
    ow.send()
    assert ow.world.op_calls("createFeed") == 1 and ow.world.op_calls("createFeed", "429") == 0


def test_partial_delivery_then_its_backorder(ow):
    order_id, (a, b) = ow.new_order()
    ow.sync()
    with ow.env() as env:
        ow.validate(env, _picking(ow, env, order_id), tracking="PART-1", quantities={b: 0})
    ow.send_and_confirm()
    amazon = ow.amazon_order(order_id)
    assert amazon["fulfillment"]["fulfillmentStatus"] == "PARTIALLY_SHIPPED"
    with ow.env() as env:
        done, rest = ow.order(env, order_id).picking_ids.sorted("id")
        assert (done.amazon_sync_state, rest.state, rest.amazon_sync_state) == ("done", "assigned", "none")
        ow.validate(env, rest, tracking="PART-2")
    ow.send_and_confirm()
    amazon = ow.amazon_order(order_id)
    assert amazon["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    assert [p["trackingNumber"] for p in amazon["packages"]] == ["PART-1", "PART-2"]
    with ow.env() as env:
        assert ow.order(env, order_id).picking_ids.mapped("amazon_sync_state") == ["done", "done"]


def test_each_report_error_is_shown_on_its_delivery_and_retry_sends_it_again(ow):
    orders = [ow.new_order() for _ in range(4)]
    ow.sync()
    with ow.env() as env:
        good, unknown, bad_item, warned = (_picking(ow, env, o) for o, _items in orders)
        # data that drifted from Amazon's: an order id Amazon does not know, an item not in the order
        env.cr.execute("UPDATE sale_order SET amazon_order_ref = '999-0000000-0000000' WHERE id = %s",
                       (unknown.sale_id.id,))
        env.cr.execute("UPDATE sale_order_line SET amazon_item_ref = '99999999999999' WHERE id = %s",
                       (bad_item.move_ids[0].sale_line_id.id,))
        env.invalidate_all()
        carrier = env["delivery.carrier"].create({"name": "Coqui Couriers"})
        for picking in (good, unknown, bad_item):
            ow.validate(env, picking, tracking=f"T-{picking.id}")
        warned.write({"carrier_id": carrier.id, "carrier_tracking_ref": "CC-1"})
        warned.button_validate()
        ids = {"good": good.id, "unknown": unknown.id, "bad_item": bad_item.id, "warned": warned.id}
    ow.send_and_confirm()
    with ow.env() as env:
        picks = {key: env["stock.picking"].browse(pid) for key, pid in ids.items()}
        assert picks["good"].amazon_sync_state == "done" and not picks["good"].amazon_sync_message
        assert picks["warned"].amazon_sync_state == "done"
        assert "Coqui Couriers" in picks["warned"].amazon_sync_message
        assert picks["unknown"].amazon_sync_state == "error"
        assert "not found" in picks["unknown"].amazon_sync_message
        assert picks["bad_item"].amazon_sync_state == "error"
        assert "is not an item" in picks["bad_item"].amazon_sync_message
        assert ow.feeds(env).error_count == 2
        # the admin fixes the order id and presses Retry
        env.cr.execute("UPDATE sale_order SET amazon_order_ref = %s WHERE id = %s",
                       (orders[1][0], picks["unknown"].sale_id.id))
        picks["unknown"].action_amazon_retry()
        assert picks["unknown"].amazon_sync_state == "pending"
    ow.send_and_confirm()
    with ow.env() as env:
        assert env["stock.picking"].browse(ids["unknown"]).amazon_sync_state == "done"
        assert len(ow.feeds(env)) == 2
    assert ow.amazon_order(orders[1][0])["fulfillment"]["fulfillmentStatus"] == "SHIPPED"


def test_fatal_feed_errors_every_delivery_and_retry_recovers(ow):
    order_id, _items = ow.new_order()
    ow.sync()
    ow.h.control("POST", "feeds/fatal-next", {"selling_partner_id": ow.spid})
    with ow.env() as env:
        ow.validate(env, _picking(ow, env, order_id))
    ow.send_and_confirm()
    with ow.env() as env:
        picking = _picking(ow, env, order_id)
        assert picking.amazon_sync_state == "error"
        assert "(FATAL)" in picking.amazon_sync_message and "Retry" in picking.amazon_sync_message
        assert ow.feeds(env).state == "FATAL"
        picking.action_amazon_retry()
    assert ow.amazon_order(order_id)["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"
    ow.send_and_confirm()
    with ow.env() as env:
        assert _picking(ow, env, order_id).amazon_sync_state == "done"
    assert ow.amazon_order(order_id)["fulfillment"]["fulfillmentStatus"] == "SHIPPED"


def test_cancellations_both_ways(ow):
    ours, _items = ow.new_order()
    theirs, _items2 = ow.new_order()
    ow.sync()
    with ow.env() as env:
        order = ow.order(env, ours)
        order.amazon_cancel_reason = "NoInventory"
        order.action_cancel()
        assert order.amazon_cancel_state == "pending"
    ow.send_and_confirm()
    with ow.env() as env:
        [feed] = ow.feeds(env, "cancellations")
        assert feed.feed_type == "POST_ORDER_ACKNOWLEDGEMENT_DATA" and feed.state == "DONE"
        assert ow.order(env, ours).amazon_cancel_state == "done"
    assert ow.amazon_order(ours)["fulfillment"]["fulfillmentStatus"] == "CANCELLED"
    # cancelled on Amazon: the order and its delivery are cancelled here, nothing is sent back
    ow.h.control("POST", f"orders/{theirs}/status", {"status": "CANCELLED"})
    ow.h.advance(300)
    ow.sync()
    with ow.env() as env:
        order = ow.order(env, theirs)
        assert order.state == "cancel" and order.picking_ids.mapped("state") == ["cancel"]
        assert order.amazon_cancel_state == "none"
    ow.send()
    with ow.env() as env:
        assert len(ow.feeds(env, "cancellations")) == 1


def _listing_quantity(ow, sku):
    from coquiapps.addons.sale_amazon_spapi.spapi import ListingsAPI, fbm_quantity

    with ow.env() as env:
        item = ListingsAPI(ow.account(env)._sp_client()).get_listings_item(
            ow.spid, sku, [US], ("summaries", "fulfillmentAvailability"))
    return fbm_quantity(item)


def test_stock_changes_reach_the_listing_quantity(ow):
    ow.new_order()          # the sandbox knows the SKUs as listings
    with ow.env() as env:
        account = ow.account(env)
        stock = account._amazon_warehouse().lot_stock_id
        offers = env["amazon.offer"]
        for sku, qty in (("SKU-0001", 12), ("SKU-0002", 5)):
            product = env["product.product"].search([("default_code", "=", sku)])
            offers |= env["amazon.offer"].create({"account_id": account.id, "sku": sku, "product_id": product.id,
                                                  "fulfillment_channel": "fbm", "sync_stock": True})
            env["stock.quant"]._update_quantity(product, stock, qty)
    ow.send_and_confirm()
    assert (_listing_quantity(ow, "SKU-0001"), _listing_quantity(ow, "SKU-0002")) == (12, 5)
    with ow.env() as env:
        [feed] = ow.feeds(env, "stock")
        assert feed.feed_type == "JSON_LISTINGS_FEED" and feed.message_count == 2
        product = env["product.product"].search([("default_code", "=", "SKU-0001")])
        env["stock.quant"]._update_quantity(product, ow.account(env)._amazon_warehouse().lot_stock_id, -4)
    ow.send_and_confirm()
    assert (_listing_quantity(ow, "SKU-0001"), _listing_quantity(ow, "SKU-0002")) == (8, 5)
    with ow.env() as env:
        latest = ow.feeds(env, "stock")[0]
        assert latest.message_count == 1     # only the quantity that changed
        offer = env["amazon.offer"].search([("sku", "=", "SKU-0001"), ("account_id", "=", ow.account_id)])
        assert (offer.amazon_stock_state, offer.amazon_qty_sent) == ("done", 8)


def test_fba_order_is_a_done_delivery_from_the_fba_location_and_nothing_is_sent(ow):
    order_id, _items = ow.new_order(fulfilled_by="AMAZON", status="SHIPPED")
    ow.sync()
    with ow.env() as env:
        order = ow.order(env, order_id)
        picking = order.picking_ids
        assert order.amazon_channel == "fba"
        assert picking.state == "done" and picking.amazon_sync_state == "none"
        assert picking.location_id == ow.account(env)._amazon_fba_location()
    ow.send()
    assert ow.world.op_calls("createFeed") == 0


def test_scheduled_actions_send_every_five_minutes_and_read_every_minute(env):
    send = env.ref("sale_amazon.ir_cron_amazon_send_outbound")
    read = env.ref("sale_amazon.ir_cron_amazon_read_outbound_results")
    assert (send.active, send.interval_number, send.interval_type) == (True, 5, "minutes")
    assert (read.active, read.interval_number, read.interval_type) == (True, 1, "minutes")


def test_a_feed_that_never_reached_amazon_leaves_its_deliveries_pending(ow):
    order_id, _items = ow.new_order()
    ow.sync()
    with ow.env() as env:
        ow.validate(env, _picking(ow, env, order_id))
    # the document storage fails every upload: createFeed is never called
    ow.h.control("PUT", "faults", {"rules": [{"operation": "uploadFeedDocument", "error_rate": 1.0,
                                              "status": 503}], "replace": True})
    ow.send()
    with ow.env() as env:
        assert ow.feeds(env).state == "abandoned"
        assert _picking(ow, env, order_id).amazon_sync_state == "pending"
    ow.h.control("DELETE", "faults")
    ow.send_and_confirm()
    with ow.env() as env:
        assert _picking(ow, env, order_id).amazon_sync_state == "done"
    assert ow.world.op_calls("createFeed") == 1
