"""Sync workers killed with SIGKILL at random points, 50 times: no double, nothing missing, cron alive.

Each victim freezes at a kill point drawn at random (a statement on sale orders or a
commit, counted from the start of its sync; see ``kill_point.py``) and is killed
there: every kill lands mid-sync, whatever the machine's speed.
"""
import datetime as dt
import random
import signal
import subprocess
import time

import pytest

from amazon_sandbox.testing import running

from .faults_world import (
    account_with_backlog,
    cli,
    cli_frozen_at,
    doubles,
    expected_orders,
    imported_refs,
    shell,
)
from .spapi_world import new_world

KILLS = int(__import__("os").environ.get("FAULT_KILLS", 50))
# Kill points of a sync that re-reads the whole backlog (measured: 161 with pages of 10 in the
# shell, 25 with the cron's pages of 100); drawn below those, so no victim finishes and moves
# the cursor, and every later victim still has the whole window to read.
SHELL_POINTS, CRON_POINTS = 140, 20
WAIT = 120  # seconds: bounds a hang only
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
        env.cr.execute("SET LOCAL lock_timeout = '120s'")  # a killed runner's row lock goes with its backend
        env.cr.execute("UPDATE ir_cron SET nextcall = now() at time zone 'UTC' - interval '1 minute', active = true "
                       "WHERE id = %s", (env.ref(CRON_XMLID).id,))


def wait_for(condition, what: str):
    """Poll ``condition`` until true; the deadline only bounds a hang."""
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, f"still waiting for {what} after {WAIT} s"
        time.sleep(0.05)


def sync_lock_free(world, account_id) -> bool:
    """Whether no backend holds the account's sync lock (a killed victim's is gone with its backend)."""
    from coquiapps.addons.sale_amazon_spapi.models.amazon_account_orders import SYNC_LOCK_NAMESPACE

    with world.env() as env:
        env.cr.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = %s "
                       "AND objid = %s AND objsubid = 2", (SYNC_LOCK_NAMESPACE, account_id))
        return not env.cr.fetchone()[0]


@pytest.mark.slow
def test_sigkilled_syncs_lose_nothing_and_double_nothing(world, tmp_path):
    h = world.h
    # Amazon's usage plan, 600x faster on both sides: dozens of syncs must not wait minutes for a token
    h.control("POST", "clock", {"time_scale": 600})
    with world.env() as env:
        env["ir.config_parameter"].set_param("sale_amazon_spapi.time_scale", "600")
    spid, start, account_id = account_with_backlog(world, 300)
    with world.env() as env:
        env["amazon.account"].browse(account_id)._sp_access_token()
    rng = random.Random(20260101)
    killed = 0
    for i in range(KILLS):
        marker = tmp_path / f"victim-{i}"
        if i % 5 == 4:  # every fifth victim is a cron runner in the middle of the scheduled sync
            make_cron_due(world)
            proc = subprocess.Popen(cli_frozen_at(marker, rng.randint(1, CRON_POINTS), "cron", "-d", world.db,
                                                  "--once"), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                    text=True)
        else:
            point = rng.randint(1, SHELL_POINTS)
            proc = shell(world.db, SYNC.format(account_id=account_id),
                         command=cli_frozen_at(marker, point, "shell", "-d", world.db))
        try:
            wait_for(lambda proc=proc, marker=marker: marker.exists() or proc.poll() is not None,
                     f"victim {i} to reach its kill point")
            assert proc.poll() is None, f"victim {i} ended before its kill point:\n{proc.stdout.read()[-3000:]}"
            proc.send_signal(signal.SIGKILL)
            killed += 1
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait(WAIT)
            proc.stdout.close()
        if i == 20:  # new orders arrive while workers keep dying
            h.control("POST", "orders", {"selling_partner_id": spid, "count": 30, "created_from": -250,
                                         "created_to": -130, "marketplace_ids": [US]})
        with world.env() as env:
            assert not doubles(imported_refs(env, account_id)), f"a double after kill {i}"
        # PostgreSQL ends the dead process's backend, and with it the account's sync lock
        wait_for(lambda: sync_lock_free(world, account_id), f"the sync lock of victim {i} to go")
    assert killed == KILLS
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
