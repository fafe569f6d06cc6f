"""Access tokens: reused, refreshed before expiry or on a 403, once across processes; LWA errors."""
import datetime as dt
import subprocess
import sys
import textwrap
import time

import pytest

from amazon_sandbox.testing import running
from coquiapps.tools import config

from .spapi_world import new_world


@pytest.fixture
def harness():
    with running(seed=12) as h:
        yield h


@pytest.fixture
def world(harness, full_db):
    harness.control("DELETE", "faults")
    return new_world(harness, full_db)


@pytest.fixture
def account_id(world):
    with world.env() as env:
        account = world.make_account(env)
        world.connect_private(env, account)
        return account.id


def utcnow():
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def set_between(moment, before, after, low, high) -> bool:
    """Whether ``moment`` lies ``low`` (exclusive) to ``high`` after some instant of [before, after]:
    the window of a value computed while the test waited, however long that took."""
    return before + low < moment <= after + high


def token_of(world, account_id):
    with world.env() as env:
        return env["amazon.account"].browse(account_id)._sp_access_token()


def test_token_is_reused_until_the_margin(world, account_id):
    before = world.lwa_calls()
    first, refreshed = token_of(world, account_id)
    second, refreshed_again = token_of(world, account_id)
    assert first == second and first.startswith("Atza|")
    assert world.lwa_calls() - before <= 1 and not refreshed_again
    with world.env() as env:
        env.cr.execute("UPDATE amazon_spapi_token SET expires_at = now() at time zone 'UTC' + interval '30 seconds'")
    third, refreshed = token_of(world, account_id)
    assert refreshed and third != first  # inside the 60 s margin: a new one


def test_token_rejected_by_amazon_is_refreshed_once(world, account_id):
    token_of(world, account_id)
    world.h.advance(3700)  # Amazon's clock: our cached token has lapsed there
    before = world.lwa_calls()
    with world.env() as env:
        account = env["amazon.account"].browse(account_id)
        account.action_sp_test_connection()
        assert account.sp_state == "connected"
    assert world.lwa_calls() - before == 1
    assert world.op_calls("getMarketplaceParticipations", "403") >= 1


def test_concurrent_refresh_in_two_processes_calls_lwa_once(world, account_id, tmp_path):
    with world.env() as env:
        env.cr.execute("DELETE FROM amazon_spapi_token")
    world.h.control("PUT", "faults", {"rules": [{"operation": "lwaToken", "latency_ms": 800}], "replace": True})
    script = textwrap.dedent(f"""
        account = env["amazon.account"].browse({account_id})
        token, refreshed = account._sp_access_token()
        print("TOKEN", token[:12], refreshed)
    """)
    command = [sys.executable, "-m", "coquiapps.cli.main", "--addons-path", config.current()["addons_path"],
               "shell", "-d", world.db]
    script_file = tmp_path / "refresh.py"
    script_file.write_text(script)
    before = world.lwa_calls()
    procs = []
    for _ in range(2):
        with open(script_file) as stdin:
            procs.append(subprocess.Popen(command, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                          text=True))
    outputs = [proc.communicate(timeout=120)[0] for proc in procs]
    world.h.control("DELETE", "faults")
    tokens = {line.split()[1] for out in outputs for line in out.splitlines() if line.startswith("TOKEN")}
    assert len(tokens) == 1, outputs
    assert world.lwa_calls() - before == 1
    assert sorted(out.strip().endswith("True") for out in outputs) == [False, True]


def test_revoked_grant_needs_reauthorization(world, account_id):
    with world.env() as env:
        seller = env["amazon.account"].browse(account_id).sp_selling_partner_id
        env.cr.execute("DELETE FROM amazon_spapi_token")
        client_id = env["amazon.account"].browse(account_id).spapi_app_id.client_id
    world.h.control("POST", "revoke", {"client_id": client_id, "selling_partner_id": seller})
    with world.env() as env, pytest.raises(Exception, match="re-authorize|authorize the application again"):
        env["amazon.account"].browse(account_id)._sp_access_token()
    with world.env() as env:
        account = env["amazon.account"].browse(account_id)
        account._sp_mark_reauthorization_needed("invalid_grant")  # what the failed call did, committed here
        assert account.sp_state == "reauth" and not account._sp_may_sync()
        assert account.sp_has_refresh_token  # kept: nothing is lost, a new consent replaces it
        notice = env["res.notice"].search([("res_model", "=", "amazon.account"), ("res_id", "=", account.id)])
        assert notice and "re-authorization" in notice[0].title


def test_expired_secret_flags_every_account_of_the_app(world, account_id):
    with world.env() as env:
        account = env["amazon.account"].browse(account_id)
        other = world.make_account(env, account.spapi_app_id, name="Second account")
        other.write({"sp_state": "connected"})
        client_id = account.spapi_app_id.client_id
        env.cr.execute("DELETE FROM amazon_spapi_token")
    world.h.control("POST", f"apps/{client_id}/expire-secret", {})
    with world.env() as env, pytest.raises(Exception, match="client secret"):
        env["amazon.account"].browse(account_id)._sp_access_token()
    with world.env() as env:
        app = env["amazon.account"].browse(account_id).spapi_app_id
        app._mark_secret_rejected("invalid_client")
        assert set(app.account_ids.mapped("sp_state")) == {"error"}
        assert env["res.notice"].search([("title", "ilike", "client secret rejected")])


def test_lwa_hiccups_are_retried_and_the_account_stays_connected(world, account_id):
    with world.env() as env:
        env.cr.execute("DELETE FROM amazon_spapi_token")
    world.h.control("PUT", "faults", {"rules": [{"operation": "lwaToken", "status": 503, "error_rate": 1.0,
                                                 "remaining": 2}], "replace": True})
    token, refreshed = token_of(world, account_id)
    assert token.startswith("Atza|") and refreshed
    with world.env() as env:
        assert env["amazon.account"].browse(account_id).sp_state == "connected"


def expiry_and_trigger(env):
    env.cr.execute("SELECT expires_at FROM amazon_spapi_token")
    expires = env.cr.fetchone()[0]
    cron = env.ref("sale_amazon_spapi.cron_refresh_tokens")
    env.cr.execute("SELECT call_at FROM ir_cron_trigger WHERE cron_id = %s AND call_at > now() at time zone 'UTC'",
                   (cron.id,))
    return expires, [row[0] for row in env.cr.fetchall()]


def test_refresh_cron_renews_tokens_shortly_before_expiry(world, account_id):
    token_of(world, account_id)
    with world.env() as env:
        assert env["amazon.account"]._cron_refresh_access_tokens() == 0  # fresh: nothing to do
        expires, triggers = expiry_and_trigger(env)
        # the next run is due in 15 minutes (the interval), well before the token needs renewing
        assert len(triggers) == 1 and dt.timedelta(minutes=14) < triggers[0] - utcnow() <= dt.timedelta(minutes=15)
        env.cr.execute("UPDATE amazon_spapi_token SET expires_at = now() at time zone 'UTC' + interval '10 minutes'")
    with world.env() as env:
        # 10 minutes left: renewing now would waste a sixth of the token; the next run is set for
        # 2 minutes before it lapses (one trigger: the earlier one replaced)
        assert env["amazon.account"]._cron_refresh_access_tokens() == 0
        expires, triggers = expiry_and_trigger(env)
        assert triggers == [expires - dt.timedelta(seconds=120)]
        env.cr.execute("UPDATE amazon_spapi_token SET expires_at = now() at time zone 'UTC' + interval '100 seconds'")
    before = world.lwa_calls()
    with world.env() as env:
        assert env["amazon.account"]._cron_refresh_access_tokens() == 1
        expires, triggers = expiry_and_trigger(env)
        assert expires - utcnow() > dt.timedelta(minutes=59)
        assert len(triggers) == 1 and triggers[0] - utcnow() > dt.timedelta(minutes=14)
    assert world.lwa_calls() - before == 1


def test_refresh_cron_runs_again_soon_after_a_failed_refresh(world, account_id):
    with world.env() as env:
        env.cr.execute("DELETE FROM amazon_spapi_token")
        client_id = env["amazon.account"].browse(account_id).spapi_app_id.client_id
    world.h.control("POST", f"apps/{client_id}/expire-secret", {})
    before = utcnow()
    with world.env() as env:
        assert env["amazon.account"]._cron_refresh_access_tokens() == 0
        env.cr.execute("SELECT call_at FROM ir_cron_trigger WHERE call_at > now() at time zone 'UTC'")
        [(call_at,)] = env.cr.fetchall()
        # RETRY_AFTER, no spin
        assert set_between(call_at, before, utcnow(), dt.timedelta(seconds=50), dt.timedelta(seconds=60))


def test_token_lifetimes_follow_a_time_scaled_sandbox(world, account_id):
    world.h.control("POST", "clock", {"time_scale": 60})
    with world.env() as env:
        env["ir.config_parameter"].set_param("sale_amazon_spapi.time_scale", "60")
        env.cr.execute("DELETE FROM amazon_spapi_token")
    before = utcnow()
    first, refreshed = token_of(world, account_id)
    with world.env() as env:
        expires, _triggers = expiry_and_trigger(env)
    # Amazon's hour lasts a wall minute here: the cached expiry says so, to the sub-second
    assert refreshed and set_between(expires, before, utcnow(), dt.timedelta(seconds=58), dt.timedelta(seconds=60))
    assert expires.microsecond or expires.second  # not truncated to a whole minute
    assert token_of(world, account_id) == (first, False)
    before = utcnow()
    with world.env() as env:
        assert env["amazon.account"]._cron_refresh_access_tokens() == 0
        _expires, [trigger] = expiry_and_trigger(env)
        # 15 minutes / 60
        assert set_between(trigger, before, utcnow(), dt.timedelta(seconds=14), dt.timedelta(seconds=15))
        env.cr.execute("UPDATE amazon_spapi_token SET expires_at = now() at time zone 'UTC' + interval '10.25 seconds'")
    with world.env() as env:
        assert env["amazon.account"]._cron_refresh_access_tokens() == 0
        expires, [trigger] = expiry_and_trigger(env)
        assert trigger == expires - dt.timedelta(seconds=2)  # the lead, 120 s / 60, to the microsecond
        env.cr.execute("UPDATE amazon_spapi_token SET expires_at = now() at time zone 'UTC' + interval '1.5 seconds'")
    with world.env() as env:
        assert env["amazon.account"]._cron_refresh_access_tokens() == 1  # 1.5 wall s = 90 s of Amazon's time
    time.sleep(1.2)
    # 1.2 wall seconds later Amazon's clock moved 72 s: the token is still good there, and here
    assert token_of(world, account_id)[1] is False
    with world.env() as env:
        assert env["amazon.account"].browse(account_id).action_sp_test_connection()
    assert world.op_calls("getMarketplaceParticipations", "403") == 0


def test_refresh_cron_renews_many_due_tokens_in_threads_once_each(world, account_id):
    from .faults_world import connect_new_seller

    with world.env() as env:
        ids = [account_id] + [connect_new_seller(world, env, f"Due together {i}")[0].id for i in range(8)]
    for other in ids:
        token_of(world, other)
    with world.env() as env:  # connected together: every token lapses within the lead now
        env.cr.execute("UPDATE amazon_spapi_token SET expires_at = now() at time zone 'UTC' + interval '100 seconds'")
    before = world.lwa_calls()
    with world.env() as env:
        assert env["amazon.account"]._cron_refresh_access_tokens() == len(ids)
        env.cr.execute("SELECT account_id, expires_at, refresh_count FROM amazon_spapi_token")
        rows = env.cr.fetchall()
    assert world.lwa_calls() - before == len(ids)
    assert sorted(row[0] for row in rows) == sorted(ids)
    assert all(row[1] - utcnow() > dt.timedelta(minutes=59) and row[2] == 2 for row in rows)
    with world.env() as env:  # nothing left to do: a second run calls LWA for none
        assert env["amazon.account"]._cron_refresh_access_tokens() == 0
    assert world.lwa_calls() - before == len(ids)
    from coquiapps.addons.sale_amazon_spapi.models import amazon_account_tokens as tokens

    assert tokens._renewal_costs[world.db] > 0  # the threaded run measured how long a renewal takes


def test_renewal_starts_spread_a_bunch_and_leave_spread_tokens_alone():
    from coquiapps.addons.sale_amazon_spapi.models.amazon_account_tokens import renewal_starts

    t0, lead, spacing = dt.datetime(2026, 12, 1, 12), dt.timedelta(seconds=120), dt.timedelta(seconds=2)
    apart = [t0 + dt.timedelta(seconds=10 * i) for i in range(5)]
    assert renewal_starts(apart, lead, spacing) == [e - lead for e in apart]  # room enough: each at its lead
    together = [t0] * 4 + [t0 + dt.timedelta(seconds=1)]
    starts = renewal_starts(together, lead, spacing)
    # the last one at its lead; each one before it `spacing` earlier, so the last is not late
    assert starts[-1] == together[-1] - lead
    assert [b - a for a, b in zip(starts, starts[1:], strict=False)] == [spacing] * 4
    assert all(start <= expiry - lead for start, expiry in zip(starts, together, strict=True))
    # renewed at those moments, the tokens lapse an hour later just as far apart: no early renewal again
    renewed = [start + dt.timedelta(hours=1) for start in starts]
    assert renewal_starts(renewed, lead, spacing) == [e - lead for e in renewed]
    assert renewal_starts([], lead, spacing) == []


def test_tokens_lapsing_together_are_renewed_spread_out(world, account_id, monkeypatch):
    from coquiapps.addons.sale_amazon_spapi.models import amazon_account_tokens as tokens

    from .faults_world import connect_new_seller

    with world.env() as env:
        ids = [account_id] + [connect_new_seller(world, env, f"Bunch {i}")[0].id for i in range(11)]
    for other in ids:
        token_of(world, other)
    monkeypatch.setitem(tokens._renewal_costs, world.db, 10.0)  # renewals 15 s apart (10 s, times the safety)
    since = utcnow()  # before the transaction whose now() the second UPDATE below uses
    with world.env() as env:  # the 12 tokens lapse in the same second, in 10 minutes
        env.cr.execute("UPDATE amazon_spapi_token SET expires_at = now() at time zone 'UTC' + interval '10 minutes'")
    with world.env() as env:
        assert env["amazon.account"]._cron_refresh_access_tokens() == 0
        expires, [trigger] = expiry_and_trigger(env)
        # not 2 minutes before they lapse, when the last could only be renewed 165 s late, but 11 spacings earlier
        assert trigger == expires - dt.timedelta(seconds=120 + 11 * 15)
        env.cr.execute("UPDATE amazon_spapi_token SET expires_at = now() at time zone 'UTC' + interval '240 seconds'")
    before = world.lwa_calls()
    with world.env() as env:
        # starts: 120 s from now for the last, 15 s earlier for each one before it; those starting
        # within the 30-s window (6 of them) are renewed now, the next run is set for the 7th
        assert env["amazon.account"]._cron_refresh_access_tokens() == 6
        env.cr.execute("SELECT expires_at FROM amazon_spapi_token ORDER BY expires_at")
        expiries = [row[0] for row in env.cr.fetchall()]
        _expires, [trigger] = expiry_and_trigger(env)
    assert world.lwa_calls() - before == 6
    assert all(e - utcnow() > dt.timedelta(minutes=59) for e in expiries[6:])
    assert trigger == expiries[0] - dt.timedelta(seconds=120 + 5 * 15)
    assert set_between(trigger, since, utcnow(), dt.timedelta(seconds=35), dt.timedelta(seconds=45))
