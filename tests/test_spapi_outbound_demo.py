"""``make demo``'s setup: a demo order's delivery, validated, is confirmed by the sandbox through the account's
"Send to Amazon" button (the demo's steps 5 and 6; linking goes through the private app here)."""
import datetime as dt

import pytest
from coquiapps.addons.sale_amazon_spapi.cli import demo

from amazon_sandbox.testing import running
from coquiapps import sql_db
from coquiapps.orm import SUPERUSER_ID, Environment, Registry

from .outbound_world import SHIPPING


def _env(cr):
    return Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(cr.dbname))


@pytest.mark.slow
def test_demo_delivery_is_confirmed_by_the_sandbox(new_db):
    name = new_db(modules=("sale_amazon",), demo=True, label="spdemo")
    with running(seed=1) as h:
        info = demo.prepare(name, h.url, h.state())
        demo.seed_sandbox(h.url, info["seller"])
        h.advance(600)                       # the first demo orders have arrived on Amazon
        spid = info["seller"]["selling_partner_id"]
        app_data, refresh = h.refresh_token("NA")
        with sql_db.cursor(name) as cr:
            env = _env(cr)
            account = env.ref("sale_amazon.demo_account_us")
            app = env["amazon.spapi.app"].create({
                "name": "Sandbox private", "kind": "private", "application_id": app_data["application_id"],
                "client_id": app_data["client_id"], "client_secret": app_data["client_secret"]})
            env["amazon.spapi.private.app"].create({"account_id": account.id, "spapi_app_id": app.id,
                                                    "refresh_token": refresh,
                                                    "selling_partner_id": spid}).action_authorize()
            now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
            account.write({"sp_ignore_orders_before": now - dt.timedelta(minutes=1),
                           "last_orders_sync": now - dt.timedelta(minutes=1)})
        with sql_db.cursor(name) as cr:
            env = _env(cr)
            # the demo data's orders may share the second of ``now``: the new ones are those the sync adds
            before = env["sale.order"].search([]).ids
            account = env.ref("sale_amazon.demo_account_us")
            account.action_sync_orders()
        with sql_db.cursor(name) as cr:
            env = _env(cr)
            account = env.ref("sale_amazon.demo_account_us")
            order = env["sale.order"].search([("amazon_account_id", "=", account.id),
                                              ("id", "not in", before)], order="id", limit=1)
            assert order, "no demo order arrived"
            picking = order.picking_ids
            picking.write({"carrier_id": env.ref("stock.carrier_ups").id, "carrier_tracking_ref": "1ZDEMO0001"})
            picking.button_validate()
            assert picking.amazon_sync_state == "pending"
            account.action_amazon_send_outbound()          # step 6: "Send to Amazon"
            assert picking.amazon_sync_state == "processing"
            amazon_ref = order.amazon_order_ref
        h.advance(demo.DEMO_FEED_QUEUE + demo.DEMO_FEED_PROCESSING)   # "about 15 seconds later"
        with sql_db.cursor(name) as cr:
            env = _env(cr)
            env.ref("sale_amazon.demo_account_us").action_amazon_send_outbound()   # ... "again"
            assert env["stock.picking"].browse(picking.id).amazon_sync_state == "done"
            from coquiapps.addons.sale_amazon_spapi.spapi import OrdersAPI

            shipped = OrdersAPI(env.ref("sale_amazon.demo_account_us")._sp_client()).get_order(amazon_ref, SHIPPING)
        assert shipped["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
        assert shipped["packages"][0]["trackingNumber"] == "1ZDEMO0001"
