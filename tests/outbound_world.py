"""A connected account, its orders imported from the sandbox, and the scheduled actions run as production runs
them (commits included): the shared setup of the outbound tests through SP-API feeds."""
from __future__ import annotations

import datetime as dt
import itertools

from coquiapps.addons.sale_amazon_spapi.spapi import OrdersAPI

from .spapi_world import new_world

US = "ATVPDKIKX0DER"
SKUS = ("SKU-0001", "SKU-0002")
SHIPPING = ("FULFILLMENT", "PACKAGES")
_item_ids = itertools.count(80000000000001)


class OutboundWorld:
    """The spapi world plus one connected NA account with products for ``SKUS``."""

    def __init__(self, harness, full_db):
        self.world = new_world(harness, full_db)
        self.h = harness
        self.env = self.world.env
        with self.env() as env:
            account = self.world.make_account(env, name="Feeds US")
            self.seller = self.world.connect_private(env, account)
            # linking starts the order sync now: look back a day for the orders each test creates
            account.write({"active_marketplace_ids": [(6, 0, [env.ref("sale_amazon.marketplace_us").id])],
                           "last_orders_sync": dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=1)})
            for sku in SKUS:
                env["product.product"].create({"name": f"Product {sku}", "default_code": sku})
            self.account_id = account.id
        self.spid = self.seller["selling_partner_id"]

    # -- Amazon's side ----------------------------------------------------------------------------
    def new_order(self, items=((2, "SKU-0001"), (1, "SKU-0002")), fulfilled_by="MERCHANT",
                  status="UNSHIPPED") -> tuple[str, list[str]]:
        ids = [str(next(_item_ids)) for _ in items]
        body = self.h.control("POST", "orders", {"selling_partner_id": self.spid, "orders": [{
            "status": status, "fulfilled_by": fulfilled_by, "created": -3600, "marketplace_id": US,
            "items": [{"sku": sku, "quantity": qty, "unit_price": "10.00", "order_item_id": i}
                      for (qty, sku), i in zip(items, ids, strict=True)]}]})
        return body["order_ids"][0], ids

    def amazon_order(self, order_id: str) -> dict:
        """The order as Amazon now tells it (getOrder through the account's own client)."""
        with self.env() as env:
            return OrdersAPI(self.account(env)._sp_client()).get_order(order_id, SHIPPING)

    def process_feeds(self) -> None:
        """Let the sandbox finish every feed in flight (its queue and processing delays, one after another)."""
        self.h.advance(3600)

    # -- our side -------------------------------------------------------------------------------
    def account(self, env):
        return env["amazon.account"].browse(self.account_id)

    def sync(self) -> None:
        with self.env() as env:
            self.account(env)._sync_orders()

    def order(self, env, amazon_order_id):
        return env["sale.order"].search([("amazon_order_ref", "=", amazon_order_id)])

    def send(self) -> None:
        """The scheduled action "Amazon: send deliveries, cancellations and stock" (it commits)."""
        with self.env(context={"amazon_sync_commit": True}) as env:
            env["amazon.account"].with_context(amazon_sync_commit=True)._cron_amazon_send_outbound()

    def read(self) -> None:
        """The scheduled action "Amazon: read feed results" (it commits)."""
        with self.env() as env:
            env["amazon.account"].with_context(amazon_sync_commit=True)._cron_amazon_read_outbound_results()

    def send_and_confirm(self) -> None:
        self.send()
        self.process_feeds()
        self.read()

    def validate(self, env, picking, carrier_xmlid="stock.carrier_ups", tracking="1Z999AA10000000001",
                 quantities=None):
        for move in picking.move_ids:
            if quantities and move.sale_line_id.amazon_item_ref in quantities:
                move.quantity = quantities[move.sale_line_id.amazon_item_ref]
        picking.write({"carrier_id": env.ref(carrier_xmlid).id, "carrier_tracking_ref": tracking})
        return picking.button_validate()

    def feeds(self, env, kind=None):
        domain = [("account_id", "=", self.account_id)] + ([("kind", "=", kind)] if kind else [])
        return env["amazon.spapi.feed"].search(domain)
