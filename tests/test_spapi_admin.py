"""Applications, secret rotation, private apps, health notices, the install hook, unified accounts."""
import datetime as dt

import pytest

from amazon_sandbox.testing import running
from coquiapps import fields
from coquiapps.exceptions import UserError

from .spapi_world import new_world


@pytest.fixture
def harness():
    with running(seed=14) as h:
        yield h


@pytest.fixture
def world(harness, full_db):
    return new_world(harness, full_db)


def notices(env, record):
    return env["res.notice"].search([("res_model", "=", record._name), ("res_id", "=", record.id)])


def test_app_secret_is_write_only_and_tested_with_a_grantless_call(world):
    with world.env() as env:
        app = world.make_app(env)
        assert app.secret_expires_on == app.secret_issued_on + dt.timedelta(days=180)
        assert app.redirect_uri == "http://localhost/amazon_spapi/callback"
        admin = env.ref("base.user_admin")
        assert app.with_user(admin).read(["client_secret"])[0]["client_secret"] is False
        assert app.has_client_secret and not app.secret_unreadable
        app.action_test_credentials()
        app.sudo().write({"client_secret": "wrong"})
        with pytest.raises(UserError, match="refused the credentials"):
            app.action_test_credentials()
    assert world.lwa_calls("client_credentials") == 2


def test_rotation_keeps_the_old_secret_until_amazon_accepts_the_new_one(world):
    with world.env() as env:
        app = world.make_app(env)
        app.secret_issued_on = fields.Date.today() - dt.timedelta(days=170)
        wizard = env["amazon.spapi.rotate.secret"].create({"app_id": app.id, "new_secret": "not-it"})
        with pytest.raises(UserError, match="did not accept"):
            wizard.action_rotate()
        client_id = app.client_id
    rotated = world.h.control("POST", f"apps/{client_id}/rotate-secret", {})
    with world.env() as env:
        app = env["amazon.spapi.app"].search([("client_id", "=", client_id)])
        old = app.sudo().client_secret
        assert old != rotated["client_secret"]
        env["amazon.spapi.rotate.secret"].create({"app_id": app.id, "new_secret": rotated["client_secret"]}).action_rotate()
        assert app.sudo().client_secret == rotated["client_secret"]
        assert app.secret_issued_on == fields.Date.today()


def test_private_app_wizard_verifies_before_saving(world):
    with world.env() as env:
        account = world.make_account(env)
        app_data, refresh = world.h.refresh_token("NA")
        bad = env["amazon.spapi.private.app"].create({
            "account_id": account.id, "client_id": app_data["client_id"], "client_secret": "wrong",
            "refresh_token": refresh, "selling_partner_id": world.h.seller("NA")["selling_partner_id"]})
        with pytest.raises(UserError, match="nothing was saved"):
            bad.action_authorize()
        assert not env["amazon.spapi.app"].search([("client_id", "=", app_data["client_id"])])
        not_a_token = env["amazon.spapi.private.app"].create({
            "account_id": account.id, "client_id": app_data["client_id"],
            "client_secret": app_data["client_secret"], "refresh_token": "hello",
            "selling_partner_id": "X"})
        with pytest.raises(UserError, match="starts with 'Atzr|'"):
            not_a_token.action_authorize()
        seller = world.connect_private(env, account)
        assert account.sp_state == "connected" and account.spapi_app_id.kind == "private"
        assert set(account.active_marketplace_ids.mapped("api_ref")) == set(seller["marketplace_ids"])


@pytest.mark.parametrize("days_left,threshold", [(45, None), (30, 30), (20, 30), (7, 7), (1, 1), (-2, 0)])
def test_secret_expiry_notices_at_each_threshold(world, days_left, threshold):
    with world.env() as env:
        app = world.make_app(env)
        app.secret_issued_on = fields.Date.today() - dt.timedelta(days=180 - days_left)
        sent = env["amazon.account"]._cron_credential_health()
        mine = [s for s in sent if s[0] == "secret" and s[1] == app.name]
        if threshold is None:
            assert not mine and not notices(env, app)
            return
        assert mine == [("secret", app.name, threshold)]
        assert notices(env, app) and notices(env, app)[0].res_id == app.id  # links to the record to fix
        # told once per threshold, not every day
        assert not [s for s in env["amazon.account"]._cron_credential_health() if s[0] == "secret"]


def test_authorization_age_and_silence_notices(world):
    with world.env() as env:
        app = world.make_app(env)
        account = world.make_account(env, app)
        account.sudo().write({"sp_state": "connected",
                              "sp_authorized_on": fields.Datetime.now() - dt.timedelta(days=360),
                              "sp_last_success": fields.Datetime.now() - dt.timedelta(hours=30)})
        sent = env["amazon.account"]._cron_credential_health()
        kinds = {(kind, name) for kind, name, _ in sent}
        assert ("authorization", account.name) in kinds and ("quiet", account.name) in kinds
        assert account.sp_reauth_due_on == (account.sp_authorized_on + dt.timedelta(days=365)).date()
        titles = notices(env, account).mapped("title")
        assert any("re-authorization soon" in t for t in titles) and any("no successful call" in t for t in titles)
        account.sp_no_fetch = True  # paused on purpose: silence is expected
        account.sudo().write({"sp_quiet_notified_on": False})
        assert ("quiet", account.name) not in {(k, n) for k, n, _ in env["amazon.account"]._cron_credential_health()}


def test_unified_child_uses_the_parent_authorization(world):
    with world.env() as env:
        parent = world.make_account(env, name="Parent US")
        world.connect_private(env, parent)
        other_company = env["res.company"].create({"name": "Coqui Canada"})
        child = world.make_account(env, name="Child CA", company_id=other_company.id,
                                   base_marketplace_id=env.ref("sale_amazon.marketplace_ca").id,
                                   sp_parent_id=parent.id)
        assert child._sp_owner() == parent
        token, _ = child._sp_access_token()
        assert token == parent._sp_access_token()[0]
        with pytest.raises(UserError, match="link Parent US instead"):
            child._sp_consent_url()


def test_reauthorization_keeps_dont_fetch_orders(world):
    with world.env() as env:
        account = world.make_account(env)
        world.connect_private(env, account)
        account.sp_no_fetch = True
        account._sp_mark_reauthorization_needed("invalid_grant")
        assert account.sp_state == "reauth"
        world.connect_private(env, account)
        assert account.sp_state == "connected" and account.sp_no_fetch and not account._sp_may_sync()


def test_install_marks_mws_accounts_and_encrypts_their_keys(new_db):
    from coquiapps import sql_db
    from coquiapps.modules import loading
    from coquiapps.orm import SUPERUSER_ID, Environment, Registry

    db = new_db(modules=("sale_amazon",), demo=True)
    with sql_db.cursor(db) as cr:
        env = Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(db))
        if env["ir.module.module"].search([("name", "=", "sale_amazon_spapi"), ("state", "=", "installed")]):
            loading.uninstall_modules(env, ["sale_amazon_spapi"])
    with sql_db.cursor(db) as cr:
        cr.execute("SELECT mws_auth_token FROM amazon_account WHERE mws_auth_token IS NOT NULL LIMIT 1")
        assert not cr.fetchone()[0].startswith("enc1:")  # the connector kept them in clear
        env = Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(db))
        loading.install_modules(env, ["sale_amazon_spapi"])
    with sql_db.cursor(db) as cr:
        env = Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(db))
        account = env["amazon.account"].search([("name", "=", "Amazon US (MWS)")])
        assert account.sp_state == "not_connected" and "MWS retired" in account.sp_state_reason
        cr.execute("SELECT mws_auth_token FROM amazon_account WHERE id = %s", (account.id,))
        assert cr.fetchone()[0].startswith("enc1:")
        assert env["res.notice"].search([("title", "ilike", "still on MWS")])
        with pytest.raises(UserError, match="MWS is retired|SP-API application"):
            account.action_sync_orders()


def test_sync_orders_button_honours_dont_fetch_orders(world):
    """Problem 4 of issue #13: the button imported orders of a paused account."""
    with world.env() as env:
        account = world.make_account(env)
        seller = world.connect_private(env, account)
        account.sp_no_fetch = True
        account_id = account.id
    world.h.control("POST", "orders", {"selling_partner_id": seller["selling_partner_id"], "orders": [
        {"marketplace_id": "ATVPDKIKX0DER", "items": [{"sku": "SKU-1", "quantity": 1, "unit_price": "5.00"}]}]})
    world.h.advance(600)
    with world.env() as env:
        account = env["amazon.account"].browse(account_id)
        result = account.action_sync_orders()
        assert result["tag"] == "display_notification" and result["params"]["type"] == "warning"
        assert "Don't Fetch Orders is ticked" in result["params"]["message"]
        assert not env["sale.order"].search_count([("amazon_account_id", "=", account_id)])
        assert not env["amazon.sync.log"].search_count([("account_id", "=", account_id)])
        assert world.op_calls("searchOrders") == 0
        account.sp_no_fetch = False
        assert account.action_sync_orders() is True
        assert env["sale.order"].search_count([("amazon_account_id", "=", account_id)]) >= 1
