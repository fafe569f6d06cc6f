"""Token economy: 1,000 accounts, 4 sync worker processes and the refresh cron over 6 simulated hours.

    python bench/bench_spapi_tokens.py [--accounts 1000] [--workers 4] [--hours 6] [--scale 60]
                                       [--baseline naive|none] [--worker-nice 10]

The local Amazon sandbox (amazon_sandbox/) serves 1,000 distinct sellers, one connected
account each, self-authorized through the module's Private App Authorization. The sandbox runs
``--scale`` times faster than the wall clock (it ages LWA access tokens, usage plans and orders by
that clock) and the database is told so through ``sale_amazon_spapi.time_scale``.

Time scale and wall time: at the default scale of 60 an hour of Amazon time lasts a wall
minute, so each phase's 6 simulated hours last 6 wall minutes and the whole run (setup of the
1,000 accounts, the module's phase, the baseline's phase) about 13 minutes. A scale compresses
the refresh cron's work too -- 1,000 tokens an hour is 0.3 LWA refreshes a second in
production, 17 a second at scale 60, 33 at 120 -- and every phase starts with all 1,000 tokens
issued in the same second, the hardest case for the cron: it must spread their renewals out
(see ``renewal_starts`` in models/amazon_account_tokens.py). ``--scale 120`` or ``--hours 2``
give a quicker run. The sync workers run at ``--worker-nice`` (10): the sandbox stands for
Amazon, whose answers do not slow down when our workers are busy.

Each phase starts the same way: every account's cached access token is dropped and fetched
again (as connecting an account does), then the sandbox's call log is cleared; what follows
is measured.

* **module**: ``--workers`` worker processes loop over their share of the accounts calling
  ``account._sync_orders()`` (each in its own transaction, as the order cron does), while the
  real scheduled-action runner (``coquiapps cron -d DB``) runs "Amazon SP-API: refresh access
  tokens" beside them (every other scheduled action is switched off so only the token cron runs).
* **baseline** (``naive``): the same workers, no refresh cron: every token is refreshed on use
  when a sync finds it (about to be) expired -- the "refresh on use" strategy of a connector
  without a scheduled refresh.

Printed, per phase: LWA refresh-token requests per account-hour counted from the sandbox's call
log (``GET /_sandbox/calls``; target <= 1.05), syncs that waited on LWA (the
``AccountTokenProvider.waited_on_lwa`` counter of every sync, summed by the workers; target 0),
403s for expired tokens from SP-API (target 0), 429s, syncs and failed syncs, and the ratios of
the module to the baseline. Each run creates and drops its own database.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).parent))
from _common import line  # noqa: E402

from coquiapps.modules import discovery  # noqa: E402
from coquiapps.tools import config  # noqa: E402

discovery.discover(config.current().addons_paths)
from coquiapps import fields, sql_db  # noqa: E402
from coquiapps.orm import SUPERUSER_ID, Environment, Registry  # noqa: E402
from coquiapps.service import db  # noqa: E402

US = "ATVPDKIKX0DER"
REFRESH_CRON = "sale_amazon_spapi.cron_refresh_tokens"


def env_of(cr, dbname):
    return Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(dbname))


# -- the worker processes ---------------------------------------------------------------------
def worker(dbname: str, index: int, workers: int, until: float, nice: int) -> None:
    """Sync this worker's accounts round after round until ``until`` (wall clock); print counts as JSON."""
    os.nice(nice)
    from coquiapps.addons.sale_amazon_spapi.models import amazon_account_tokens

    providers = []
    original_init = amazon_account_tokens.AccountTokenProvider.__init__

    def remembering_init(self, account):
        original_init(self, account)
        providers.append(self)  # read the module's own waited_on_lwa counter after each sync

    amazon_account_tokens.AccountTokenProvider.__init__ = remembering_init
    with sql_db.cursor(dbname) as cr:
        ids = env_of(cr, dbname)["amazon.account"].search([("sp_state", "=", "connected")], order="id").ids
    mine = ids[index::workers]
    counts = {"syncs": 0, "waited_syncs": 0, "lwa_waits": 0, "failed": 0, "rounds": 0, "errors": {}}
    while time.time() < until:
        for account_id in mine:
            if time.time() >= until:
                break
            providers.clear()
            with sql_db.cursor(dbname) as cr:
                log = env_of(cr, dbname)["amazon.account"].browse(account_id)._sync_orders()
                state, error = log.state, log.error
            waited = sum(p.waited_on_lwa for p in providers)
            counts["syncs"] += 1
            counts["lwa_waits"] += waited
            counts["waited_syncs"] += int(waited > 0)
            if state != "done":
                counts["failed"] += 1
                key = (error or "?").splitlines()[0][:120]
                counts["errors"][key] = counts["errors"].get(key, 0) + 1
        counts["rounds"] += 1
    print("RESULT " + json.dumps(counts), flush=True)


# -- setup ------------------------------------------------------------------------------------
def configure(h, dbname: str) -> None:
    """Point the database at the sandbox; register the sandbox's private app."""
    endpoints = h.state()["endpoints"]
    app = h.app("private")
    with sql_db.cursor(dbname) as cr:
        env = env_of(cr, dbname)
        params = env["ir.config_parameter"]
        params.set_param("sale_amazon_spapi.lwa_token_url", endpoints["lwa_token"])
        for region in ("na", "eu", "fe"):
            params.set_param(f"sale_amazon_spapi.endpoint_{region}", endpoints[region])
        env["amazon.spapi.app"].create({"name": "Bench private app", "kind": "private",
                                        "application_id": app["application_id"], "client_id": app["client_id"],
                                        "client_secret": app["client_secret"]})
        # only the token cron runs in the measured phases: the syncs are the workers' job
        cr.execute("UPDATE ir_cron SET active = false")


def connect(sandbox_url: str, dbname: str, numbers: range, orders_per_seller: int) -> None:
    """A new sandbox seller per account, connected through Private App Authorization (LWA + a call)."""
    from amazon_sandbox.testing import Harness

    h = Harness(SimpleNamespace(sandbox=None, url=sandbox_url))
    app = h.app("private")
    for i in numbers:
        seller = h.control("POST", "sellers", {"region": "NA", "marketplace_ids": [US], "name": f"Bench seller {i}"})
        refresh = h.control("POST", "self-authorize", {"client_id": app["client_id"],
                                                        "selling_partner_id": seller["selling_partner_id"]})
        if orders_per_seller:
            h.control("POST", "orders", {"selling_partner_id": seller["selling_partner_id"],
                                         "count": orders_per_seller, "created_from": -86400, "created_to": -3600,
                                         "statuses": ["UNSHIPPED"], "marketplace_ids": [US]})
        with sql_db.cursor(dbname) as cr:
            env = env_of(cr, dbname)
            spapp = env["amazon.spapi.app"].search([("client_id", "=", app["client_id"])])
            account = env["amazon.account"].create({
                "name": f"Bench account {i}", "company_id": env.ref("base.main_company").id,
                "base_marketplace_id": env.ref("sale_amazon.marketplace_us").id, "spapi_app_id": spapp.id})
            env["amazon.spapi.private.app"].create({
                "account_id": account.id, "spapi_app_id": spapp.id, "refresh_token": refresh["refresh_token"],
                "selling_partner_id": seller["selling_partner_id"]}).action_authorize()


def spawn(args, *extra: str, log) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, __file__, *extra], stdout=subprocess.PIPE, stderr=log, text=True)


def setup(h, dbname: str, args, log) -> None:
    configure(h, dbname)
    procs = [spawn(args, "--connect", str(i), "--workers", str(args.workers), "--accounts", str(args.accounts),
                   "--orders-per-seller", str(args.orders_per_seller), "--db", dbname, "--sandbox", h.url, log=log)
             for i in range(args.workers)]
    for proc in procs:
        proc.communicate(timeout=1800)
        if proc.returncode:
            raise RuntimeError(f"connecting accounts failed (see {log.name})")
    with sql_db.cursor(dbname) as cr:
        connected = env_of(cr, dbname)["amazon.account"].search_count([("sp_state", "=", "connected")])
    if connected != args.accounts:
        raise RuntimeError(f"{connected} of {args.accounts} accounts connected (see {log.name})")


def set_scale(h, dbname: str, scale: float) -> None:
    h.control("POST", "clock", {"time_scale": scale})
    with sql_db.cursor(dbname) as cr:
        env_of(cr, dbname)["ir.config_parameter"].set_param("sale_amazon_spapi.time_scale", str(scale))


def fetch_tokens(dbname: str, index: int, workers: int) -> None:
    with sql_db.cursor(dbname) as cr:
        ids = env_of(cr, dbname)["amazon.account"].search([("sp_state", "=", "connected")], order="id").ids
    for account_id in ids[index::workers]:
        with sql_db.cursor(dbname) as cr:
            env_of(cr, dbname)["amazon.account"].browse(account_id)._sp_access_token()


def fresh_tokens(args, dbname: str, log) -> None:
    """Every account starts the phase with a token of its own, fetched now (as connecting does)."""
    with sql_db.cursor(dbname) as cr:
        cr.execute("DELETE FROM amazon_spapi_token")
        cr.execute("DELETE FROM ir_cron_trigger")
    procs = [spawn(args, "--fetch-tokens", str(i), "--workers", str(args.workers), "--db", dbname, log=log)
             for i in range(args.workers)]
    for proc in procs:
        proc.communicate(timeout=600)
    with sql_db.cursor(dbname) as cr:
        cr.execute("SELECT count(*) FROM amazon_spapi_token")
        if cr.fetchone()[0] != args.accounts:
            raise RuntimeError(f"not every account got its first token (see {log.name})")


# -- one phase ----------------------------------------------------------------------------------
def run_phase(h, dbname: str, args, with_cron: bool, log) -> dict:
    fresh_tokens(args, dbname, log)
    with sql_db.cursor(dbname) as cr:
        env = env_of(cr, dbname)
        cron = env.ref(REFRESH_CRON)
        cron.write({"active": with_cron, "nextcall": fields.Datetime.now()})
    wall_seconds = args.hours * 3600 / args.scale
    runner = None
    if with_cron:
        runner = subprocess.Popen([sys.executable, "-m", "coquiapps.cli.main", "cron", "-d", dbname],
                                  stdout=log, stderr=log)
    h.control("DELETE", "calls")
    clock_start = h.control("GET", "clock")["time"]
    until = time.time() + wall_seconds
    procs = [spawn(args, "--worker", str(i), "--workers", str(args.workers), "--db", dbname, "--until", repr(until),
                   "--worker-nice", str(args.worker_nice), log=log) for i in range(args.workers)]
    outputs = [proc.communicate(timeout=wall_seconds + 600)[0] for proc in procs]
    calls = h.control("GET", "calls")
    clock_end = h.control("GET", "clock")["time"]
    if runner is not None:
        runner.send_signal(signal.SIGTERM)
        runner.wait(timeout=60)
    totals = {"syncs": 0, "waited_syncs": 0, "lwa_waits": 0, "failed": 0, "rounds": 0, "errors": {}}
    for out in outputs:
        found = [row for row in out.splitlines() if row.startswith("RESULT ")]
        if not found:
            raise RuntimeError(f"a worker printed no result (see {log.name})")
        counts = json.loads(found[-1][len("RESULT "):])
        for key in ("syncs", "waited_syncs", "lwa_waits", "failed", "rounds"):
            totals[key] += counts[key]
        for error, n in counts["errors"].items():
            totals["errors"][error] = totals["errors"].get(error, 0) + n
    refresh_grants = calls["lwa"].get("refresh_token", {})
    lwa = sum(sum(statuses.values()) for statuses in refresh_grants.values())
    lwa_failed = sum(n for statuses in refresh_grants.values() for status, n in statuses.items() if status != "200")
    spapi_ops = {op: statuses for op, statuses in calls["operations"].items() if op != "lwaToken"}
    return dict(totals, lwa=lwa, lwa_failed=lwa_failed,
                forbidden=sum(statuses.get("403", 0) for statuses in spapi_ops.values()),
                throttled=sum(statuses.get("429", 0) for statuses in spapi_ops.values()),
                spapi_calls=sum(sum(statuses.values()) for statuses in spapi_ops.values()),
                sim_hours=(clock_end - clock_start) / 3600)


def report(label: str, r: dict, accounts: int, targets: bool) -> float:
    per_hour = r["lwa"] / (accounts * r["sim_hours"])
    line(f"{label}: simulated hours (sandbox clock)", f"{r['sim_hours']:.2f}")
    line(f"{label}: syncs (worker rounds)", f"{r['syncs']} ({r['rounds']})")
    line(f"{label}: SP-API calls", str(r["spapi_calls"]))
    line(f"{label}: LWA token requests", f"{r['lwa']} ({r['lwa_failed']} failed)")
    line(f"{label}: LWA requests per account-hour", f"{per_hour:.3f}", "target <= 1.05" if targets else "")
    line(f"{label}: syncs that waited on LWA", f"{r['waited_syncs']} ({r['lwa_waits']} LWA calls)",
         "target 0" if targets else "")
    line(f"{label}: 403s (expired token) from SP-API", str(r["forbidden"]), "target 0" if targets else "")
    line(f"{label}: 429s", str(r["throttled"]))
    line(f"{label}: failed syncs", str(r["failed"]))
    for error, n in sorted(r["errors"].items(), key=lambda item: -item[1])[:3]:
        print(f"    {n} x {error}")
    return per_hour


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--hours", type=float, default=6.0)
    parser.add_argument("--scale", type=float, default=60.0)
    parser.add_argument("--orders-per-seller", type=int, default=1)
    parser.add_argument("--baseline", choices=("naive", "none"), default="naive")
    parser.add_argument("--worker-nice", type=int, default=10,
                        help="CPU niceness of the sync workers (the sandbox plays Amazon on the same 2 cores)")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--until", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--connect", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--sandbox", help=argparse.SUPPRESS)
    parser.add_argument("--fetch-tokens", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker is not None:
        worker(args.db, args.worker, args.workers, args.until, args.worker_nice)
        return
    if args.fetch_tokens is not None:
        fetch_tokens(args.db, args.fetch_tokens, args.workers)
        return
    if args.connect is not None:
        connect(args.sandbox, args.db, range(args.connect, args.accounts, args.workers), args.orders_per_seller)
        return

    from amazon_sandbox import Sandbox, serve
    from amazon_sandbox.testing import Harness

    server = serve(Sandbox(seed=17, time_scale=1.0), host="127.0.0.1", port=0)
    h = Harness(server)
    name = f"bench_spapi_tokens_{os.getpid()}"
    started = time.perf_counter()
    log = tempfile.NamedTemporaryFile("w", prefix="bench_spapi_tokens_", suffix=".log", delete=False)
    try:
        db.create_database(name, modules=["sale_amazon_spapi"])
        setup(h, name, args, log)
        set_scale(h, name, args.scale)
        setup_s = time.perf_counter() - started
        print(f"token economy: {args.accounts} accounts, {args.workers} worker processes, "
              f"{args.hours:g} simulated hours per phase at time scale {args.scale:g} "
              f"(setup {setup_s:.0f} s, load {os.getloadavg()[0]:.2f})")
        module = run_phase(h, name, args, with_cron=True, log=log)
        load_module = os.getloadavg()[0]
        module_rate = report("module", module, args.accounts, targets=True)
        print(f"  (load average after the module's phase: {load_module:.2f})")
        if args.baseline == "naive":
            print("baseline: the same workers, no refresh cron, tokens refreshed on use when (about to be) expired")
            base = run_phase(h, name, args, with_cron=False, log=log)
            base_rate = report("baseline", base, args.accounts, targets=False)
            line("LWA requests per account-hour: module / baseline", f"{module_rate / base_rate:.2f}")
            line("syncs that waited on LWA: module / baseline",
                 f"{module['waited_syncs']} / {base['waited_syncs']}")
            line("403s: module / baseline", f"{module['forbidden']} / {base['forbidden']}")
        print(f"(wall time {time.perf_counter() - started:.0f} s, cores {os.cpu_count()}, "
              f"load average {os.getloadavg()[0]:.2f})")
        print(f"(processes' logs: {log.name})")
    finally:
        log.close()
        server.stop()
        db.drop_database(name)


if __name__ == "__main__":
    main()
