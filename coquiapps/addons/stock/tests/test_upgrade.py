"""A database whose module starts depending on Inventory gets Inventory when that module is upgraded
(as sale_amazon does: databases made before it depended on stock)."""
import pytest

from coquiapps import sql_db
from coquiapps.modules import loading
from coquiapps.orm import SUPERUSER_ID, Environment, Registry
from coquiapps.testing.addon_factory import unique, write_addon
from coquiapps.tools import config


@pytest.fixture
def addons_dir(tmp_path, monkeypatch):
    values = config.current().values
    monkeypatch.setitem(values, "addons_path", ",".join([values["addons_path"], str(tmp_path)]))
    return tmp_path


def run(dbname, func):
    cr = sql_db.cursor(dbname)
    try:
        result = func(Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(dbname)))
        cr.commit()
        return result
    finally:
        cr.close()


def test_upgrade_installs_a_new_dependency(new_db, addons_dir):
    db = new_db(modules=("sale",), label="stockupgrade")
    name = unique("connector")
    write_addon(addons_dir, name, {"name": "Connector", "depends": ["sale"]})
    run(db, lambda env: loading.install_modules(env, [name]))
    assert run(db, lambda env: env["ir.module.module"].search([("name", "=", "stock")]).state) == "uninstalled"

    write_addon(addons_dir, name, {"name": "Connector", "depends": ["sale", "stock"], "version": "1.1"})
    run(db, lambda env: env["ir.module.module"].update_list())
    report = run(db, lambda env: loading.upgrade_modules(env, [name]))
    assert report.installed == ["stock"] and name in report.upgraded

    def check(env):
        assert env["ir.module.module"].search([("name", "=", "stock")]).state == "installed"
        # its data is there: a confirmed order gets its delivery from the main warehouse
        product = env["product.product"].create({"name": "Upgraded Mug"})
        order = env["sale.order"].create({"partner_id": env.ref("base.main_partner").id,
                                          "order_line": [(0, 0, {"product_id": product.id})]})
        order.action_confirm()
        assert order.picking_ids.location_id == env.ref("stock.warehouse0").lot_stock_id
    run(db, check)
