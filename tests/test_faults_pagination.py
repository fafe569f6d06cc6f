"""SP-API 5xx and dropped connections in the middle of searchOrders pagination: every order once."""
import datetime as dt

import pytest

from .amazon_sandbox.testing import running
from .faults_world import doubles, expected_orders, imported_refs
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
    spid = h.seller("NA")["selling_partner_id"]
    h.control("POST", "orders", {"selling_partner_id": spid, "count": 640, "created_from": -2 * 86400,
                                 "created_to": -300, "marketplace_ids": [US]})
    start = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=3)
    with world.env() as env:
        account = world.make_account(env)
        world.connect_private(env, account)
        account.write({"last_orders_sync": start,
                       "active_marketplace_ids": [(6, 0, [env.ref("sale_amazon.marketplace_us").id])]})
        account_id = account.id
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
