"""Demo data: the MWS-era account with two years of orders, built deterministically.

How fast it is built is measured by ``bench/``, not asserted here: a busy machine is no bug.
"""
import datetime as dt

import pytest

from coquiapps.testing.databases import RollbackEnv


@pytest.mark.slow
def test_demo_database(new_db):
    name = new_db(modules=("sale_amazon",), demo=True, label="amzdemo")
    holder = RollbackEnv(name)
    try:
        env = holder.env
        account = env.ref("sale_amazon.demo_account_us")
        assert account.name == "Amazon US (MWS)" and account.seller_key == "A1B2C3D4E5F6G7"
        assert account.base_marketplace_id.code == "US"
        assert account.active_marketplace_ids.mapped("code") == ["CA", "US"]
        assert account.mws_auth_token.startswith("amzn.mws.FAKE")
        assert account.last_orders_sync == dt.datetime(2022, 7, 31)
        orders = account.order_ids
        assert 250 <= len(orders) <= 300
        dates = orders.mapped("date_order")
        assert min(dates) >= dt.datetime(2021, 1, 1) and max(dates) <= dt.datetime(2022, 7, 31)
        assert set(orders.mapped("state")) == {"sale", "cancel"}
        assert set(orders.mapped("currency_id.name")) == {"USD", "CAD"}
        assert env["amazon.offer"].search([("sku", "=", "CQ-MUG-RED")]).product_id.default_code == "CQ-MUG-RED"
        assert orders.mapped("order_line").filtered(
            lambda line: line.product_id == env.ref("sale_amazon.default_product"))
        assert account.offer_count == 10
    finally:
        holder.close()
