"""LWA answering 500/503, timing out and dropping connections for a simulated day of token refreshes."""
import datetime as dt

import pytest

from amazon_sandbox.testing import running

from .faults_world import connect_new_seller, fast_network
from .spapi_world import new_world

ACCOUNTS = 6
ROUNDS = 48  # a day of refresh runs, one every simulated half hour
LWA_FAULTS = [{"operation": "lwaToken", "error_rate": 0.12, "status": 500},
              {"operation": "lwaToken", "error_rate": 0.08, "status": 503},
              {"operation": "lwaToken", "drop_rate": 0.05},
              {"operation": "lwaToken", "timeout_rate": 0.05, "timeout_s": 1.0}]


@pytest.fixture
def world(full_db):
    with running(seed=33) as h:
        yield new_world(h, full_db)


def credentials(world):
    with world.env() as env:
        accounts = env["amazon.account"].search([("sp_state", "!=", "not_connected")])
        return {a.id: (a.sp_state, a.sudo().sp_refresh_token) for a in accounts}


def test_a_day_of_flaky_lwa_loses_no_grant(world, monkeypatch):
    h = world.h
    with world.env() as env:
        ids = [connect_new_seller(world, env, f"Flaky LWA {i}")[0].id for i in range(ACCOUNTS)]
        for account_id in ids:
            env["amazon.account"].browse(account_id).write(
                {"last_orders_sync": dt.datetime.now() - dt.timedelta(hours=1)})
    before = credentials(world)
    assert len(before) == ACCOUNTS and all(state == "connected" for state, _ in before.values())
    # short client timeouts only while LWA misbehaves: the injected 1-s timeouts must time out, and
    # a slow machine's answers that do too are just more faults; setup and catching up need none
    fast_network(monkeypatch, read_timeout=0.4)
    h.control("PUT", "faults", {"rules": LWA_FAULTS, "seed": 7, "replace": True})
    failures = 0
    for _round in range(ROUNDS):
        h.advance(1800)
        with world.env() as env:  # every cached token is about to lapse: the run must refresh them all
            env.cr.execute("UPDATE amazon_spapi_token SET expires_at = now() at time zone 'UTC' + interval '2 minutes'")
        with world.env() as env:
            refreshed = env["amazon.account"]._cron_refresh_access_tokens()
            failures += ACCOUNTS - refreshed
        with world.env() as env:  # a sync now and then, on whatever token the cron left
            account = env["amazon.account"].browse(ids[_round % ACCOUNTS])
            try:
                account._sp_access_token()
            except Exception as exc:
                assert "stays connected and will retry" in str(exc), exc
    faults = h.control("GET", "calls")["faults"].get("lwaToken", {})
    assert sum(faults.values()) > 20, faults  # LWA really misbehaved
    after = credentials(world)
    assert after == before, "a refresh token was lost or an account marked for re-authorization"
    with world.env() as env:
        assert not env["amazon.account"].search([("sp_state", "=", "reauth")])
    # the faults stop: the next run and syncs catch up
    h.control("DELETE", "faults")
    fast_network(monkeypatch, read_timeout=120)
    h.advance(1800)
    with world.env() as env:
        env.cr.execute("UPDATE amazon_spapi_token SET expires_at = now() at time zone 'UTC' + interval '2 minutes'")
    with world.env() as env:
        assert env["amazon.account"]._cron_refresh_access_tokens() == ACCOUNTS
    for account_id in ids:
        with world.env() as env:
            log = env["amazon.account"].browse(account_id)._sync_orders()
            assert log.state == "done", log.error
            assert env["amazon.account"].browse(account_id).sp_state == "connected"
