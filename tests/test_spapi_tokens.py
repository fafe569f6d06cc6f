"""Access tokens: reused, refreshed before expiry or on a 403, once across processes; LWA errors."""
import subprocess
import sys
import textwrap

import pytest

from coquiapps.tools import config

from .amazon_sandbox.testing import running
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


def test_refresh_cron_renews_tokens_about_to_expire(world, account_id):
    token_of(world, account_id)
    with world.env() as env:
        assert env["amazon.account"]._cron_refresh_access_tokens() == 0  # fresh: nothing to do
        env.cr.execute("UPDATE amazon_spapi_token SET expires_at = now() at time zone 'UTC' + interval '10 minutes'")
    with world.env() as env:
        assert env["amazon.account"]._cron_refresh_access_tokens() == 1
        env.cr.execute("SELECT expires_at > now() at time zone 'UTC' + interval '50 minutes' FROM amazon_spapi_token")
        assert env.cr.fetchone()[0]
