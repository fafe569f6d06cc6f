"""Shared pieces of the fault tests: subprocess commands, ground truth, what was imported."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
import tempfile
from pathlib import Path

from coquiapps.tools import config

PENDING = ("PENDING", "PENDING_AVAILABILITY")


def cli(*args: str) -> list[str]:
    """A ``coquiapps`` command line seeing the same addons as this process."""
    return [sys.executable, "-m", "coquiapps.cli.main", "--addons-path", config.current()["addons_path"], *args]


def cli_frozen_at(marker: Path, point: int, *args: str) -> list[str]:
    """``cli(*args)`` that freezes at the ``point``-th kill point of its order sync, having written
    ``marker`` (see ``kill_point.py``): the test kills it there, never too early or too late."""
    return [sys.executable, str(Path(__file__).with_name("kill_point.py")), str(marker), str(point), *cli(*args)[3:]]


def shell(db: str, script: str, command: list[str] | None = None, **popen) -> subprocess.Popen:
    """``coquiapps shell -d db`` (or ``command``) fed ``script`` on stdin (started, not waited for)."""
    with tempfile.TemporaryFile("w+") as stdin:
        stdin.write(script)
        stdin.seek(0)
        return subprocess.Popen(command or cli("shell", "-d", db), stdin=stdin, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, **popen)


def parse_time(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def expected_orders(harness, seller_id: str, until: dt.datetime, since: dt.datetime | None = None,
                    marketplace: str | None = None) -> set[str]:
    """Order ids a sync covering (since, until] must have imported, from the sandbox's ground truth."""
    rows = harness.control("GET", "orders", params={"selling_partner_id": seller_id})["orders"]
    until = until if until.tzinfo else until.replace(tzinfo=dt.UTC)
    keep = set()
    for row in rows:
        if row["status"] in PENDING or parse_time(row["last_updated_time"]) > until:
            continue
        if since and parse_time(row["last_updated_time"]) < since:
            continue
        if marketplace and row["marketplace_id"] != marketplace:
            continue
        keep.add(row["order_id"])
    return keep


def imported_refs(env, account_id: int) -> list[str]:
    """Amazon order ids of the account's sales orders, doubles included (read straight from SQL)."""
    env.cr.execute("SELECT amazon_order_ref FROM sale_order WHERE amazon_account_id = %s", (account_id,))
    return [row[0] for row in env.cr.fetchall()]


def doubles(refs: list[str]) -> set[str]:
    seen, twice = set(), set()
    for ref in refs:
        (twice if ref in seen else seen).add(ref)
    return twice


def account_with_backlog(world, count: int, marketplace: str = "ATVPDKIKX0DER"):
    """The NA seller with ``count`` orders of the last two days, on a connected account whose cursor
    is three days back; returns (selling partner id, that cursor, account id)."""
    h = world.h
    spid = h.seller("NA")["selling_partner_id"]
    h.control("POST", "orders", {"selling_partner_id": spid, "count": count, "created_from": -2 * 86400,
                                 "created_to": -300, "marketplace_ids": [marketplace]})
    start = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=3)
    with world.env() as env:
        account = world.make_account(env)
        world.connect_private(env, account)
        account.write({"last_orders_sync": start,
                       "active_marketplace_ids": [(6, 0, [env.ref("sale_amazon.marketplace_us").id])]})
        return spid, start, account.id


def connect_new_seller(world, env, name: str, region: str = "NA", marketplaces=("ATVPDKIKX0DER",)):
    """A new sandbox seller, self-authorized for the private app, on a new connected account."""
    seller = world.h.control("POST", "sellers", {"region": region, "marketplace_ids": list(marketplaces),
                                                  "name": name})
    app_data = world.h.app("private")
    refresh = world.h.control("POST", "self-authorize", {
        "client_id": app_data["client_id"], "selling_partner_id": seller["selling_partner_id"]})["refresh_token"]
    app = env["amazon.spapi.app"].search([("client_id", "=", app_data["client_id"])]) or world.make_app(env, "private")
    account = world.make_account(env, name=name, region=region)
    env["amazon.spapi.private.app"].create({
        "account_id": account.id, "spapi_app_id": app.id, "refresh_token": refresh,
        "selling_partner_id": seller["selling_partner_id"]}).action_authorize()
    return account, seller


def fast_network(monkeypatch, read_timeout: float = 0.5, backoff_scale: float = 0.02):
    """Short client timeouts and LWA backoff sleeps, so fault tests stay within seconds."""
    import time as real_time
    import types

    from coquiapps.addons.sale_amazon_spapi.models import amazon_account_tokens
    from coquiapps.addons.sale_amazon_spapi.spapi import transport

    original = transport.RequestsTransport.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.timeout = (2.0, read_timeout)

    monkeypatch.setattr(transport.RequestsTransport, "__init__", init)
    fake_time = types.SimpleNamespace(**{name: getattr(real_time, name) for name in dir(real_time)
                                         if not name.startswith("_")})
    fake_time.sleep = lambda seconds: real_time.sleep(seconds * backoff_scale)
    monkeypatch.setattr(amazon_account_tokens, "time", fake_time)
