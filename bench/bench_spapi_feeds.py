"""Shipment confirmations at volume: N deliveries validated over one hour of Amazon's time, one account.

    python bench/bench_spapi_feeds.py [--deliveries 10000] [--scale 20] [--baseline-deliveries N]

The sandbox and the module run ``--scale`` times faster than wall time (an hour
of Amazon's time is 3600/scale wall seconds; usage plans, feed processing and
the pacing buckets all count in Amazon's seconds). Deliveries are validated
evenly over the hour; the two scheduled actions run every 5 minutes of Amazon's
time: sending every 5 minutes (in its own thread, as a cron worker would), reading every minute, as
their data says. Prints: deliveries confirmed, HTTP 429s, createFeed
calls against what the usage plan allows over the run (burst 15 + 0.0083/s),
and p50/p95 of the Amazon time from validation to *done* (observed when the
read action settles it). Then the same with a baseline sink sending one feed
per delivery (the module's sink without batching), over the same hour plus the
same drain time; what it could not confirm is reported as such.
"""
import argparse
import datetime as dt
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import line  # noqa: E402

from coquiapps.modules import discovery  # noqa: E402

discovery.discover()
from coquiapps.addons.sale_amazon_spapi.models import spapi_outbound_sink  # noqa: E402

from amazon_sandbox import Sandbox, serve  # noqa: E402
from amazon_sandbox.testing import Harness  # noqa: E402
from coquiapps import sql_db  # noqa: E402
from coquiapps.orm import SUPERUSER_ID, Environment, Registry  # noqa: E402
from coquiapps.service import db  # noqa: E402

US = "ATVPDKIKX0DER"
HOUR = 3600.0
SEND_EVERY = 300.0           # "Amazon: send deliveries, cancellations and stock": every 5 minutes
READ_EVERY = 60.0            # "Amazon: read feed results": every minute with the patch
DRAIN = 1800.0               # Amazon seconds allowed after the hour for the last feeds
CREATE_FEED_RATE, CREATE_FEED_BURST = 0.0083, 15
IMPORT_SCALE = 600.0         # searchOrders pacing while the orders are imported (not measured)


class OneFeedPerDelivery(spapi_outbound_sink.SpapiOutboundSink):
    """The baseline: every delivery in its own feed, as soon as the plan lets (no in-flight limit)."""

    deadline = None          # wall time after which a send stops taking deliveries

    class lock(spapi_outbound_sink.FeedLock):
        """Readers are not kept out while the sender waits for the plan (one sender: the bench's thread)."""

        def __enter__(self):
            return True

        def __exit__(self, *exc):
            return None

    def _recover(self, account, api, feed):
        return False         # a feed without id is being submitted by the sender thread: not dead

    def _in_flight(self, account):
        return False

    def send(self, account, records):
        for record in records:   # each feed on its own (the reader is not kept out while the plan paces)
            if time.time() >= self.deadline:
                break
            super().send(account, record)
        # each outcome was written and committed as its feed went out; answering them again now would
        # overwrite what the reader settled meanwhile
        return {}


def env_of(cr):
    return Environment(cr, SUPERUSER_ID, {"amazon_sync_commit": True}, registry=Registry.get(cr.dbname))


def setup(h, dbname, n):
    """A connected account with ``n`` FBM orders imported (each one delivery to validate)."""
    endpoints = h.state()["endpoints"]
    app, seller = h.app("private"), h.seller("NA")
    spid = seller["selling_partner_id"]
    wanted = n + n // 50 + 10      # a few generated orders are not importable as FBM deliveries
    for chunk in range(0, wanted, 5000):
        h.control("POST", "orders", {"selling_partner_id": spid, "count": min(5000, wanted - chunk),
                                     "created_from": -2 * 86400, "created_to": -3600, "statuses": ["UNSHIPPED"],
                                     "fulfilled_by": ["MERCHANT"], "marketplace_ids": [US]})
    refresh = h.control("POST", "self-authorize", {"client_id": app["client_id"],
                                                    "selling_partner_id": spid})["refresh_token"]
    db.create_database(dbname, modules=["sale_amazon_spapi"])
    with sql_db.cursor(dbname) as cr:
        env = env_of(cr)
        params = env["ir.config_parameter"]
        params.set_param("sale_amazon_spapi.lwa_token_url", endpoints["lwa_token"])
        for region in ("na", "eu", "fe"):
            params.set_param(f"sale_amazon_spapi.endpoint_{region}", endpoints[region])
        params.set_param("sale_amazon_spapi.time_scale", str(IMPORT_SCALE))
        spapp = env["amazon.spapi.app"].create({"name": "Bench", "kind": "private", "application_id":
                                                app["application_id"], "client_id": app["client_id"],
                                                "client_secret": app["client_secret"]})
        account = env["amazon.account"].create({"name": "Bench US", "company_id": env.ref("base.main_company").id,
                                                "base_marketplace_id": env.ref("sale_amazon.marketplace_us").id,
                                                "spapi_app_id": spapp.id})
        env["amazon.spapi.private.app"].create({"account_id": account.id, "spapi_app_id": spapp.id,
                                                "refresh_token": refresh,
                                                "selling_partner_id": spid}).action_authorize()
        account.write({"last_orders_sync": dt.datetime.now() - dt.timedelta(days=3),
                       "active_marketplace_ids": [(6, 0, [env.ref("sale_amazon.marketplace_us").id])]})
        account_id = account.id
    h.control("POST", "clock", {"time_scale": IMPORT_SCALE})
    with sql_db.cursor(dbname) as cr:
        env_of(cr)["amazon.account"].browse(account_id)._sync_orders()
    with sql_db.cursor(dbname) as cr:
        cr.execute("SELECT p.id FROM stock_picking p JOIN sale_order o ON o.id = p.sale_id "
                   "WHERE p.amazon_account_id = %s AND p.state = 'assigned' AND o.amazon_channel = 'fbm' "
                   "ORDER BY p.id", (account_id,))
        pickings = [row[0] for row in cr.fetchall()]
        carrier = env_of(cr).ref("stock.carrier_ups").id
    return account_id, pickings[:n], carrier


def send_cron(dbname):
    """The send action in its own cron worker: the baseline's pacing must not hold validations back."""
    with sql_db.cursor(dbname) as cr:
        env_of(cr)["amazon.account"]._cron_amazon_send_outbound()


def run_hour(h, dbname, account_id, pickings, carrier, scale, sink_cls=None):
    """Validate ``pickings`` evenly over an hour of Amazon time and run the scheduled actions."""
    h.control("POST", "clock", {"time_scale": scale})
    with sql_db.cursor(dbname) as cr:
        env_of(cr)["ir.config_parameter"].set_param("sale_amazon_spapi.time_scale", str(scale))
    h.control("DELETE", "calls")
    Account = None
    with sql_db.cursor(dbname) as cr:
        Account = type(env_of(cr)["amazon.account"])
    original_sink = Account._get_outbound_sink
    if sink_cls is not None:
        def chosen(self, kind):
            return sink_cls(kind, self)
        Account._get_outbound_sink = chosen
    clock = h.sandbox.clock
    start = clock.time()
    n = len(pickings)
    validated_at, done_at = {}, {}
    next_send, next_read = start + SEND_EVERY, start + READ_EVERY
    wall_end = time.time() + (HOUR + DRAIN) / scale
    if sink_cls is not None:
        sink_cls.deadline = wall_end
    index, sender = 0, None
    try:
        while True:
            now = clock.time() - start
            due = min(n, int(now / HOUR * n) + 1) if now < HOUR else n
            if due > index:
                with sql_db.cursor(dbname) as cr:
                    batch = env_of(cr)["stock.picking"].browse(pickings[index:due])
                    for picking in batch:
                        picking.write({"carrier_id": carrier, "carrier_tracking_ref": f"1ZBENCH{picking.id:08d}"})
                    batch.button_validate()
                stamp = clock.time() - start
                validated_at.update({pid: stamp for pid in pickings[index:due]})
                index = due
            if clock.time() >= next_send:
                next_send += SEND_EVERY
                if sender is None or not sender.is_alive():   # a cron job never runs twice at once
                    sender = threading.Thread(target=send_cron, args=(dbname,))
                    sender.start()
            if clock.time() >= next_read:
                next_read += READ_EVERY
                with sql_db.cursor(dbname) as cr:
                    env_of(cr)["amazon.account"]._cron_amazon_read_outbound_results()
                    cr.execute("SELECT id FROM stock_picking WHERE id = ANY(%s) AND amazon_sync_state IN "
                               "('done', 'error')", (pickings,))
                    stamp = clock.time() - start
                    for (pid,) in cr.fetchall():
                        done_at.setdefault(pid, stamp)
            if len(done_at) == n or time.time() >= wall_end:
                break
            time.sleep(min(0.05, max(0.0, (min(next_send, next_read) - clock.time()) / scale)))
    finally:
        if sender is not None:
            sender.join()
        Account._get_outbound_sink = original_sink
    elapsed = clock.time() - start
    with sql_db.cursor(dbname) as cr:
        cr.execute("SELECT amazon_sync_state, count(*) FROM stock_picking WHERE id = ANY(%s) GROUP BY 1",
                   (pickings,))
        states = dict(cr.fetchall())
    ops = h.control("GET", "calls")["operations"]
    throttled = sum(statuses.get("429", 0) for statuses in ops.values())
    feeds = ops.get("createFeed", {}).get("202", 0)
    latencies = sorted(done_at[p] - validated_at[p] for p in done_at if p in validated_at)
    allowed = CREATE_FEED_BURST + CREATE_FEED_RATE * elapsed
    return dict(states=states, throttled=throttled, feeds=feeds, allowed=allowed, elapsed=elapsed,
                latencies=latencies, validated=len(validated_at), calls=sum(sum(v.values()) for v in ops.values()))


def pct(values, q):
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def report(title, r, n):
    print(f"\n{title}")
    line("deliveries validated", f"{r['validated']}")
    line("confirmed by Amazon (done)", f"{r['states'].get('done', 0)}", f"of {n}")
    line("refused (error) / still waiting", f"{r['states'].get('error', 0)} / "
         f"{n - r['states'].get('done', 0) - r['states'].get('error', 0)}")
    line("HTTP 429 (all operations)", f"{r['throttled']}", "target 0")
    line("SP-API + storage calls", f"{r['calls']}")
    line("createFeed calls / allowed by the plan", f"{r['feeds']} / {r['allowed']:.0f}",
         f"{r['feeds'] / r['allowed']:.1%} of the plan over {r['elapsed'] / 60:.0f} Amazon min")
    lat = r["latencies"]
    line("validation -> done p50 (Amazon min)", f"{pct(lat, .5) / 60:.1f}")
    line("validation -> done p95 (Amazon min)", f"{pct(lat, .95) / 60:.1f}")
    if lat:
        line("validation -> done mean (Amazon min)", f"{statistics.mean(lat) / 60:.1f}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--deliveries", type=int, default=10000)
    parser.add_argument("--scale", type=float, default=20)
    parser.add_argument("--baseline-deliveries", type=int, default=None,
                        help="deliveries of the one-feed-per-delivery baseline (default: --deliveries)")
    parser.add_argument("--only", choices=("batched", "baseline"), help="run one of the two")
    args = parser.parse_args()
    n, scale = args.deliveries, args.scale
    nb = args.baseline_deliveries or n
    stamp = int(time.time())
    for label, count, sink in (("batched", n, None), ("baseline", nb, OneFeedPerDelivery)):
        if args.only and args.only != label:
            continue
        sandbox = Sandbox(seed=11, time_scale=1.0)
        server = serve(sandbox, host="127.0.0.1", port=0)
        h = Harness(server)
        try:
            started = time.perf_counter()
            account_id, pickings, carrier = setup(h, f"bench_feeds_{label}_{stamp}", count)
            print(f"{label}: {len(pickings)} FBM orders imported in {time.perf_counter() - started:.0f} s "
                  f"(setup, not measured); time scale {scale:g} (an Amazon hour = {HOUR / scale:.0f} wall s)",
                  flush=True)
            result = run_hour(h, f"bench_feeds_{label}_{stamp}", account_id, pickings, carrier, scale, sink)
            title = ("SP-API sink: one feed per kind per account, batched" if sink is None else
                     "Baseline: one feed per delivery (same plan, same hour + drain)")
            report(title, result, len(pickings))
        finally:
            h.http.close()
            server.stop()
            if db.exists(f"bench_feeds_{label}_{stamp}"):
                db.drop_database(f"bench_feeds_{label}_{stamp}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
