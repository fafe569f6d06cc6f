"""The account form through the web client (server-rendered pages, no browser)."""
import re

import pytest

from coquiapps import sql_db
from coquiapps.addons.web.tests.common import WebClient, text
from coquiapps.orm import SUPERUSER_ID, Environment, Registry


@pytest.fixture(scope="module")
def amazon_db():
    """A database of this module's tests (they commit): sale_amazon and an account."""
    from coquiapps.service import db
    from coquiapps.testing import databases

    name = databases.unique_name("amzweb")
    databases.register(name)
    db.create_database(name, modules=["sale_amazon"])
    with sql_db.cursor(name) as cr:
        env = Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(name))
        env["amazon.account"].create({
            "name": "Web Amazon", "base_marketplace_id": env.ref("sale_amazon.marketplace_us").id,
            "seller_key": "AWEBSELLER", "aws_secret_key": "very-secret-value"})
    return name


def _patch_state(db, state):
    with sql_db.cursor(db) as cr:
        cr.execute("UPDATE ir_module_module SET state = %s WHERE name = 'sale_amazon_spapi'", (state,))
        cr.execute("SELECT id FROM amazon_account WHERE name = 'Web Amazon'")
        return cr.fetchone()[0]


def test_account_form(amazon_db):
    admin = WebClient()
    admin.login(amazon_db)
    account_id = _patch_state(amazon_db, "uninstalled")
    form = text(admin.get(f"/web/action/sale_amazon.action_amazon_account/{account_id}"))
    for label in ("Credentials", "Marketplaces", "Order Follow-up", "Sync Orders"):
        assert label in form
    assert "object:action_sync_orders" in form and "object:action_install_spapi_patch" in form
    assert "retired MWS" in form
    assert "very-secret-value" not in form
    secret = re.search(r'<input[^>]*name="aws_secret_key"[^>]*>', form).group(0)
    assert 'type="password"' in secret and "value=" not in secret
    _patch_state(amazon_db, "installed")
    form = text(admin.get(f"/web/action/sale_amazon.action_amazon_account/{account_id}"))
    assert "retired MWS" not in form and "object:action_install_spapi_patch" not in form


def test_amazon_menus(amazon_db):
    admin = WebClient()
    admin.login(amazon_db)
    for action in ("action_amazon_account", "action_amazon_marketplace", "action_amazon_offer",
                   "action_amazon_orders"):
        response = admin.get(f"/web/action/sale_amazon.{action}")
        assert response.status_code == 200, action
    assert "amazon.co.jp" in text(admin.get("/web/action/sale_amazon.action_amazon_marketplace"))
