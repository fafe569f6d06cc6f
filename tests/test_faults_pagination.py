"""SP-API 5xx and dropped connections in the middle of searchOrders pagination: every order once."""
import datetime as dt

import pytest

from amazon_sandbox.testing import running

from .faults_world import account_with_backlog, doubles, expected_orders, imported_refs
from .spapi_world import new_world

US = "ATVPDKIKX0DER"
FAULTS = [{"operation": "searchOrders", "error_rate": 0.2, "status": 500},
          {"operation": "searchOrders", "error_rate": 0.1, "status": 503},
          {"operation": "searchOrders", "drop_rate": 0.15}]


@pytest.fixture
def world(full_db):
    with running(seed=32) as h:
        yield new_world(h, full_db)


@pytest.mark.parametrize("fault_seed", [1, 2])
def test_faults_mid_pagination_import_every_order_once(world, fault_seed):
    h = world.h
    spid, start, account_id = account_with_backlog(world, 640)
    h.control("PUT", "faults", {"rules": FAULTS, "seed": fault_seed, "replace": True})
    states = []
    for round_ in range(6):
        with world.env() as env:
            states.append(env["amazon.account"].browse(account_id)._sync_orders().state)
            assert not doubles(imported_refs(env, account_id))
        if round_ == 2:  # orders keep arriving while Amazon misbehaves
            h.control("POST", "orders", {"selling_partner_id": spid, "count": 40, "created_from": -200,
                                         "created_to": -130, "marketplace_ids": [US]})
    faults = h.control("GET", "calls")["faults"].get("searchOrders", {})
    assert sum(faults.values()) >= 3, faults  # the faults did happen
    h.control("DELETE", "faults")
    h.advance(300)  # past the 2-minute edge that Amazon keeps out of searches
    with world.env() as env:
        account = env["amazon.account"].browse(account_id)
        assert account._sync_orders().state == "done"
        refs = imported_refs(env, account_id)
        until = account.last_orders_sync.replace(tzinfo=dt.UTC)
        expected = expected_orders(h, spid, until, start.replace(tzinfo=dt.UTC), US)
        assert not doubles(refs), f"imported twice: {doubles(refs)}"
        assert expected <= set(refs), f"missing: {sorted(expected - set(refs))[:5]}"
        known = {row["order_id"] for row in h.control("GET", "orders", params={"selling_partner_id": spid})["orders"]}
        assert set(refs) <= known
        assert len(expected) > 400


def test_a_search_outliving_its_pagination_token_is_finished_in_halves(world, monkeypatch):
    """More orders than a day of searchOrders can page through: Amazon refuses the token after
    24 hours; the rest is searched again in halves, every order imported once, the cursor moved."""
    from coquiapps.addons.sale_amazon_spapi.spapi import OrdersAPI

    h = world.h
    spid, start, account_id = account_with_backlog(world, 450)
    searches, cursors, seen = [], [], {}
    original = OrdersAPI.search_orders

    def a_day_passes_after_the_second_page(self, query):
        searches.append(query)
        seen["env"].cr.execute("SELECT last_orders_sync FROM amazon_account WHERE id = %s", (account_id,))
        cursors.append(seen["env"].cr.fetchone()[0])  # the account's cursor as each call goes out
        page = original(self, query)
        if len(searches) == 2:
            h.advance(25 * 3600)  # the sync is slow: Amazon's clock moves past the token's 24 hours
        return page

    monkeypatch.setattr(OrdersAPI, "search_orders", a_day_passes_after_the_second_page)
    with world.env() as env:
        seen["env"] = env
        account = env["amazon.account"].browse(account_id)
        log = account._sync_orders()
        assert log.state == "done", log.error
        refs = imported_refs(env, account_id)
        until = account.last_orders_sync.replace(tzinfo=dt.UTC)
    expected = expected_orders(h, spid, until, start.replace(tzinfo=dt.UTC), US)
    assert len(expected) > 300 and not doubles(refs)
    first_half_end = searches[3].last_updated_before.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
    # once the first half was read whole (and a page after it imported), the cursor stood at its end
    assert first_half_end in cursors and cursors == sorted(cursors) and cursors[0] == start.replace(microsecond=0)
    assert expected <= set(refs), f"missing: {sorted(expected - set(refs))[:5]}"
    # the third call (the refused token) was followed by a bounded search for the first half
    assert searches[2].pagination_token and searches[3].pagination_token is None
    assert searches[3].last_updated_before is not None and searches[-1].last_updated_before is None
    assert until > dt.datetime.now(dt.UTC)  # up to Amazon's clock, a day ahead now


def test_invalid_input_on_a_first_page_fails_the_sync_without_splitting(world, monkeypatch):
    """InvalidInput before any page was read is not a token's age: the sync fails and says so."""
    from coquiapps.addons.sale_amazon_spapi.spapi import InvalidInput, OrdersAPI

    with world.env() as env:
        account = world.make_account(env)
        world.connect_private(env, account)
        account_id, cursor = account.id, account.last_orders_sync
    searches = []

    def refused(self, query):
        searches.append(query)
        raise InvalidInput("Invalid lastUpdatedAfter.", status=400, code="InvalidInput",
                           operation="searchOrders")

    monkeypatch.setattr(OrdersAPI, "search_orders", refused)
    with world.env() as env:
        account = env["amazon.account"].browse(account_id)
        log = account._sync_orders()
        assert log.state == "failed" and "Invalid lastUpdatedAfter" in log.error
        assert account.last_orders_sync == cursor
    assert len(searches) == 1
