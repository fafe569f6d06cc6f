"""Two cron runners and a manual "Sync Orders" at the same moment on one account: one sync at a time."""
import datetime as dt
import subprocess

import pytest

from amazon_sandbox.testing import running

from .faults_world import cli, doubles, expected_orders, imported_refs, shell
from .spapi_world import new_world


@pytest.fixture
def world(full_db):
    with running(seed=31) as h:
        yield new_world(h, full_db)


MANUAL = """
account = env["amazon.account"].browse({account_id})
try:
    account.action_sync_orders()
    print("MANUAL done")
except Exception as exc:
    print("MANUAL refused:", exc)
env.cr.commit()
"""


def test_one_sync_at_a_time_and_no_doubles(world):
    h = world.h
    seller = h.seller("NA")
    h.control("POST", "orders", {"selling_partner_id": seller["selling_partner_id"], "count": 450,
                                 "created_from": -2 * 86400, "created_to": -600,
                                 "marketplace_ids": ["ATVPDKIKX0DER"]})
    with world.env() as env:
        account = world.make_account(env)
        world.connect_private(env, account)
        start = dt.datetime.now() - dt.timedelta(days=3)
        account.write({"last_orders_sync": start})
        account._sp_access_token()
        account_id = account.id
        cron = env.ref("sale_amazon.ir_cron_sync_amazon_orders")
        cron.write({"active": True, "nextcall": dt.datetime.now() - dt.timedelta(minutes=1)})
    # each page takes a while: the three syncs would overlap without a lock
    h.control("PUT", "faults", {"rules": [{"operation": "searchOrders", "latency_ms": 400}], "replace": True})
    procs = [subprocess.Popen(cli("cron", "-d", world.db, "--once"), stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True) for _ in range(2)]
    procs.append(shell(world.db, MANUAL.format(account_id=account_id)))
    outputs = [proc.communicate(timeout=600)[0] for proc in procs]  # bounds a hang only
    assert all(proc.returncode == 0 for proc in procs), outputs
    manual = outputs[2]
    assert "MANUAL done" in manual or "is already running" in manual, manual
    h.control("DELETE", "faults")
    with world.env() as env:
        env.cr.execute("""SELECT date_start, date_end, state FROM amazon_sync_log
                           WHERE account_id = %s ORDER BY date_start""", (account_id,))
        runs = env.cr.fetchall()
        assert runs and all(state == "done" for *_, state in runs), runs
        for (_s1, end1, _), (start2, _e2, _) in zip(runs, runs[1:], strict=False):
            assert start2 >= end1, f"two syncs overlapped: {runs}"
        refs = imported_refs(env, account_id)
        assert not doubles(refs)
        until = env["amazon.account"].browse(account_id).last_orders_sync
        assert expected_orders(h, seller["selling_partner_id"], until, start.replace(tzinfo=dt.UTC),
                               "ATVPDKIKX0DER") <= set(refs)
        cron = env.ref("sale_amazon.ir_cron_sync_amazon_orders")
        assert cron.active and cron.nextcall > dt.datetime.now()


def test_a_second_sync_is_refused_while_one_runs(world):
    """In one process: the button says a sync is running; the scheduled action skips the account."""
    from coquiapps import sql_db

    with world.env() as env:
        account = world.make_account(env, name="Busy account")
        world.connect_private(env, account)
        account_id = account.id
    holder = sql_db.cursor(world.db)
    try:
        holder.execute("SELECT pg_advisory_lock(%s, %s)", (0x5353, account_id))
        with world.env() as env:
            account = env["amazon.account"].browse(account_id)
            with pytest.raises(Exception, match="A sync of Busy account is already running"):
                account.action_sync_orders()
            env["amazon.account"]._cron_sync_orders()
            assert not env["amazon.sync.log"].search([("account_id", "=", account_id)])
    finally:
        holder.execute("SELECT pg_advisory_unlock_all()")
        holder.close()
    with world.env() as env:
        assert env["amazon.account"].browse(account_id)._sync_orders().state == "done"
