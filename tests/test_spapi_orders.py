"""Orders through SP-API: whole orders 100 a page, the MWS cutoff, crashes, pacing, migration, staging."""
import datetime as dt

import pytest

from amazon_sandbox.testing import running
from coquiapps.service import db as db_service
from coquiapps.testing import databases

from .spapi_world import World, new_world


@pytest.fixture
def harness():
    with running(seed=13) as h:
        yield h


@pytest.fixture
def world(harness, full_db):
    return new_world(harness, full_db)


def ground_truth(world, seller_id, since=None):
    rows = world.h.control("GET", "orders", params={"selling_partner_id": seller_id})["orders"]
    keep = {}
    for row in rows:
        created = dt.datetime.fromisoformat(row["created_time"].replace("Z", "+00:00"))
        if row["status"] in ("PENDING", "PENDING_AVAILABILITY"):
            continue  # the connector imports no unconfirmed order
        if since and created < since:
            continue
        keep[row["order_id"]] = row
    return keep


def _updated(row):
    return dt.datetime.fromisoformat(row["last_updated_time"].replace("Z", "+00:00"))


def imported(env, account_id):
    orders = env["sale.order"].search([("amazon_account_id", "=", account_id)])
    refs = orders.mapped("amazon_order_ref")
    assert len(refs) == len(set(refs)), "an order was imported twice"
    return set(refs)


def connected_account(world, env, **values):
    account = world.make_account(env, **values)
    seller = world.connect_private(env, account)
    return account, seller


def test_sync_imports_every_page_once_with_the_cutoff(world):
    seller = world.h.seller("NA")
    world.h.control("POST", "orders", {"selling_partner_id": seller["selling_partner_id"], "count": 520,
                                       "created_from": -10 * 86400, "created_to": -600,
                                       "marketplace_ids": ["ATVPDKIKX0DER"]})
    cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(days=5)
    with world.env() as env:
        account, _ = connected_account(world, env)
        account.write({"sp_ignore_orders_before": cutoff.replace(tzinfo=None),
                       "last_orders_sync": (cutoff - dt.timedelta(days=1)).replace(tzinfo=None),
                       "active_marketplace_ids": [(6, 0, [env.ref("sale_amazon.marketplace_us").id])]})
        before = world.op_calls("searchOrders")
        log = account._sync_orders()
        assert log.state == "done", log.error
        until = account.last_orders_sync.replace(tzinfo=dt.UTC)  # where Amazon said the search ended
        expected = {oid for oid, row in ground_truth(world, seller["selling_partner_id"], cutoff).items()
                    if cutoff - dt.timedelta(days=1) <= _updated(row) <= until
                    and row["marketplace_id"] == "ATVPDKIKX0DER"}
        got = imported(env, account.id)
        assert got == expected and len(got) > 200
        calls = world.op_calls("searchOrders") - before
        assert calls == -(-len(got) // 100) or calls <= len(got) // 100 + 2  # 100 whole orders a call
        assert world.op_calls("getOrder") == 0
        assert account.last_orders_sync > cutoff.replace(tzinfo=None)
        # a second sync brings nothing twice
        account._sync_orders()
        assert imported(env, account.id) == got


def test_crash_between_pages_loses_nothing_and_doubles_nothing(world, monkeypatch):
    seller = world.h.seller("NA")
    world.h.control("POST", "orders", {"selling_partner_id": seller["selling_partner_id"], "count": 230,
                                       "created_from": -3 * 86400, "created_to": -600})
    with world.env() as env:
        account, _ = connected_account(world, env)
        account.write({"last_orders_sync": (dt.datetime.now() - dt.timedelta(days=4))})
        account_id, start = account.id, account.last_orders_sync
    Account = type(world_env_model(world))
    original = Account._import_orders_page
    calls = {"n": 0}

    def crash_on_second_page(self, page):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker died here")
        return original(self, page)

    monkeypatch.setattr(Account, "_import_orders_page", crash_on_second_page)
    with world.env() as env:
        log = env["amazon.account"].browse(account_id)._sync_orders()
        assert log.state == "failed" and "worker died" in log.error
        first_page = imported(env, account_id)
        assert 0 < len(first_page) <= 100
        # the cursor did not move past orders that were never imported
        assert env["amazon.account"].browse(account_id).last_orders_sync == start
    monkeypatch.setattr(Account, "_import_orders_page", original)
    with world.env() as env:
        assert env["amazon.account"].browse(account_id)._sync_orders().state == "done"
        got = imported(env, account_id)
        until = env["amazon.account"].browse(account_id).last_orders_sync.replace(tzinfo=dt.UTC)
        expected = {oid for oid, row in ground_truth(world, seller["selling_partner_id"],
                                                     dt.datetime.now(dt.UTC) - dt.timedelta(days=4)).items()
                    if _updated(row) <= until}
        assert first_page <= got and expected <= got


def world_env_model(world):
    with world.env() as env:
        return env["amazon.account"]


def test_searches_are_paced_without_429(harness, full_db):
    world = World(harness, databases.copy_of(full_db, "paced"))
    harness.control("POST", "clock", {"time_scale": 600})
    seller = harness.seller("NA")
    harness.control("POST", "orders", {"selling_partner_id": seller["selling_partner_id"], "count": 2150,
                                       "created_from": -2 * 86400, "created_to": -3600})
    with world.env() as env:
        env["ir.config_parameter"].set_param("sale_amazon_spapi.time_scale", "600")
        account, _ = connected_account(world, env)
        account.write({"last_orders_sync": dt.datetime.now() - dt.timedelta(days=3)})
        log = account._sync_orders()
        assert log.state == "done", log.error
        assert len(imported(env, account.id)) > 1500
    assert world.op_calls("searchOrders") > 20  # more than the burst: pacing was needed
    assert world.op_calls("searchOrders", "429") == 0


def test_migration_off_mws_never_imports_an_order_twice(world):
    seller = world.h.seller("NA")
    spid = seller["selling_partner_id"]
    with world.env() as env:
        app = world.make_app(env, "private")
        account = world.make_account(env, name="Amazon US (MWS)", seller_key=spid,
                                     mws_auth_token="amzn.mws.old", aws_secret_key="old-secret")
        # orders the MWS connector had already imported
        truth = ground_truth(world, spid)
        old_ids = sorted(truth)[:5]
        for oid in old_ids:
            env["sale.order"].create({"partner_id": env.ref("base.main_partner").id, "amazon_order_ref": oid,
                                      "amazon_account_id": account.id})
        wizard = env["amazon.spapi.migrate"].create({"account_id": account.id, "spapi_app_id": app.id,
                                                     "then": "later"})
        wizard.action_migrate()
        assert account.sp_ignore_orders_before == account.sp_mws_switched_off
        assert account.sp_state == "not_connected" and not account._sp_may_sync()
        assert not account.sudo().mws_auth_token  # the retired keys are gone
        switch = account.sp_mws_switched_off
    # new orders arrive after the switch; old ones get updated on Amazon's side
    world.h.control("POST", "orders", {"selling_partner_id": spid, "orders": [
        {"created": 5 + i, "status": "UNSHIPPED", "items": [{"sku": f"NEW-{i}", "quantity": 1, "unit_price": "9.90"}]}
        for i in range(12)]})
    for oid in old_ids:
        world.h.control("POST", f"orders/{oid}/status", {"status": "SHIPPED"})
    world.h.advance(400)  # past the 2-minute edge Amazon keeps out of searches
    with world.env() as env:
        account = env["amazon.account"].search([("name", "=", "Amazon US (MWS)")])
        world.connect_private(env, account)
        assert account.sp_state == "connected" and account._sp_may_sync()
        account.write({"last_orders_sync": switch - dt.timedelta(days=30)})
        assert account._sync_orders().state == "done"
        refs = imported(env, account.id)
        assert set(old_ids) <= refs  # kept, and never duplicated (imported() checks doubles)
        created_after = {oid for oid, row in ground_truth(world, spid).items()
                         if dt.datetime.fromisoformat(row["created_time"].replace("Z", "+00:00")).replace(
                             tzinfo=None) >= switch}
        assert created_after and created_after <= refs
        skipped_old = set(ground_truth(world, spid)) - created_after - set(old_ids)
        assert not (skipped_old & refs)  # orders from before the switch came through MWS, not again


def test_neutralized_duplicate_never_syncs_and_cannot_read_credentials(world):
    with world.env() as env:
        account, _ = connected_account(world, env)
        account._sp_access_token()
        account_id = account.id
    copy = databases.unique_name("staging")
    databases.register(copy)
    db_service.duplicate_database(world.db, copy, neutralize=True)
    staging = World.__new__(World)
    staging.h, staging.db = world.h, copy
    with staging.env() as env:
        account = env["amazon.account"].browse(account_id)
        assert account.sp_neutralized and account.sp_credentials_unreadable
        assert account.sudo().sp_refresh_token is False
        assert not account._sp_may_sync()
        env.cr.execute("SELECT count(*) FROM amazon_spapi_token")
        assert env.cr.fetchone()[0] == 0
        assert not env["ir.cron"].search([])  # every scheduled action is stopped
        # pointed at production, it refuses to call Amazon
        env["ir.config_parameter"].set_param("sale_amazon_spapi.lwa_token_url", "https://api.amazon.com/auth/o2/token")
        with pytest.raises(Exception, match="staging copy"):
            account._sp_check_usable()


def test_a_run_left_running_by_a_dead_process_is_closed(world):
    """A sync killed mid-way leaves its log "running"; the next sync (holding the lock) closes it."""
    with world.env() as env:
        account = world.make_account(env)
        world.connect_private(env, account)
        stale = env["amazon.sync.log"].sudo().create({"account_id": account.id})
        log = account._sync_orders()
        assert log.state == "done" and stale.state == "failed"
        assert stale.error.startswith("Interrupted") and stale.date_end
