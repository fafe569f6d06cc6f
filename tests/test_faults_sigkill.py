"""Sync workers killed with SIGKILL at random points, 50 times: no double, nothing missing, cron alive."""
import datetime as dt
import random
import signal
import subprocess
import time

import pytest

from .amazon_sandbox.testing import running
from .faults_world import account_with_backlog, cli, doubles, expected_orders, imported_refs, shell
from .spapi_world import new_world

KILLS = int(__import__("os").environ.get("FAULT_KILLS", 50))
US = "ATVPDKIKX0DER"
CRON_XMLID = "sale_amazon.ir_cron_sync_amazon_orders"
SYNC = """
from coquiapps.addons.sale_amazon_spapi.models import spapi_order_source
spapi_order_source.PAGE_SIZE = 10  # small pages: many commits to die between
env["amazon.account"].browse({account_id})._sync_orders()
env.cr.commit()
print("SYNC finished")
"""


@pytest.fixture
def world(full_db):
    with running(seed=34) as h:
        yield new_world(h, full_db)


def make_cron_due(world):
    with world.env() as env:
        env.cr.execute("SET LOCAL lock_timeout = '5s'")
        env.cr.execute("UPDATE ir_cron SET nextcall = now() at time zone 'UTC' - interval '1 minute', active = true "
                       "WHERE id = %s", (env.ref(CRON_XMLID).id,))


@pytest.mark.slow
def test_sigkilled_syncs_lose_nothing_and_double_nothing(world):
    h = world.h
    # Amazon's usage plan, 600x faster on both sides: dozens of syncs must not wait minutes for a token
    h.control("POST", "clock", {"time_scale": 600})
    with world.env() as env:
        env["ir.config_parameter"].set_param("sale_amazon_spapi.time_scale", "600")
    spid, start, account_id = account_with_backlog(world, 300)
    with world.env() as env:
        env["amazon.account"].browse(account_id)._sp_access_token()
    h.control("PUT", "faults", {"rules": [{"operation": "searchOrders", "latency_ms": 60}], "replace": True})
    rng = random.Random(20260101)
    outcomes = {"killed": 0, "finished": 0}
    began = time.monotonic()
    for i in range(KILLS):
        if i % 5 == 4:  # every fifth victim is a cron runner in the middle of the scheduled sync
            make_cron_due(world)
            proc = subprocess.Popen(cli("cron", "-d", world.db, "--once"), stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
        else:
            proc = shell(world.db, SYNC.format(account_id=account_id))
        time.sleep(rng.uniform(0.25, 1.1))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            outcomes["killed"] += 1
        else:
            outcomes["finished"] += 1
        proc.wait(timeout=30)
        if proc.stdout:
            proc.stdout.close()
        if i == 20:  # new orders arrive while workers keep dying
            h.control("POST", "orders", {"selling_partner_id": spid, "count": 30, "created_from": -250,
                                         "created_to": -130, "marketplace_ids": [US]})
        with world.env() as env:
            assert not doubles(imported_refs(env, account_id)), f"a double after kill {i}"
    assert outcomes["killed"] >= KILLS // 2, outcomes
    assert time.monotonic() - began < 120
    h.control("DELETE", "faults")
    h.advance(300)
    with world.env() as env:  # the final clean sync
        account = env["amazon.account"].browse(account_id)
        assert account._sync_orders().state == "done"
        refs = imported_refs(env, account_id)
        until = account.last_orders_sync.replace(tzinfo=dt.UTC)
        expected = expected_orders(h, spid, until, start.replace(tzinfo=dt.UTC), US)
        assert not doubles(refs)
        assert expected <= set(refs), f"missing: {sorted(expected - set(refs))[:5]}"
        assert len(expected) > 150
        # the runs that died are closed as interrupted, not left "running" for ever
        logs = env["amazon.sync.log"].search([("account_id", "=", account_id)])
        assert logs and all(log.state == "done" or (log.state == "failed" and log.error.startswith("Interrupted"))
                            for log in logs), [(log.state, log.error) for log in logs]
    # the scheduled action runs again after all those deaths
    make_cron_due(world)
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(seconds=1)
    done = subprocess.run(cli("cron", "-d", world.db, "--once"), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    with world.env() as env:
        env.cr.execute("SELECT active, lastcall, nextcall, failure_count FROM ir_cron WHERE id = %s",
                       (env.ref(CRON_XMLID).id,))
        active, lastcall, nextcall, failures = env.cr.fetchone()
        assert active and lastcall and lastcall >= before, (active, lastcall, before)
        assert nextcall > lastcall and nextcall > dt.datetime.now(dt.UTC).replace(tzinfo=None)
        assert not failures
        assert not doubles(imported_refs(env, account_id))
