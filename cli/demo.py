"""``coquiapps demo`` (``make demo``): the product on the embedded PostgreSQL, with a local Amazon.

Creates the demo database (once) with the Amazon Connector and its demo data
(the Amazon/Selling Partner API Patch installs automatically), starts the
Amazon sandbox, points the database at it, and serves the web client.
"""
# pylint: disable=print-used  # a command-line tool reports on stdout
from __future__ import annotations

import argparse
import socket
from pathlib import Path

from coquiapps.cli.command import Command

SANDBOX_PORT = 8111
HTTP_PORT = 8069
BASE_URL = f"http://127.0.0.1:{HTTP_PORT}"
DEMO_FEED_QUEUE, DEMO_FEED_PROCESSING = 5, 10   # sandbox seconds a feed waits, then is processed


LINK_STEPS = """\
  1. Sales > Amazon > Accounts > "Amazon US (MWS)": it is marked "MWS retired".
  2. Click "Move to Selling Partner API", choose "Amazon sandbox (public app)", keep "Link with Amazon now".
  3. At the sandbox's consent page, sign in with the seller above and confirm."""
LINKED_STEPS = """\
  1-3. Sales > Amazon > Accounts > "Amazon US (MWS)" is already linked (a previous run of make demo):
     it says "Connected". To link again, click "Link with Amazon" and sign in with the seller above."""


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def _say(message: str = "") -> None:
    print(message, flush=True)


def prepare(dbname: str, sandbox_url: str, state: dict, base_url: str = BASE_URL) -> dict:
    """Create the database if needed and point it at the sandbox; returns what to print."""
    from coquiapps import fields, sql_db
    from coquiapps.cli.module import upgrade_outdated
    from coquiapps.orm import SUPERUSER_ID, Environment, Registry
    from coquiapps.service import db

    if not db.exists(dbname):
        _say(f"... creating the demo database {dbname!r} (Amazon Connector with demo data)")
        db.create_database(dbname, demo=True, modules=["sale_amazon"], progress=lambda m: _say(f"... {m}"))
    else:
        upgrade_outdated(dbname, say=_say)
    public = next(a for a in state["apps"] if a["kind"] == "public" and not a["draft"])
    seller = next(s for s in state["sellers"] if s["region"] == "NA")
    with sql_db.cursor(dbname) as cr:
        env = Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(dbname))
        params = env["ir.config_parameter"]
        params.set_param("web.base.url", base_url)
        # a staging copy of this database takes the sandbox's app again from here (Use an Amazon Sandbox)
        params.set_param("sale_amazon_spapi.sandbox_url", sandbox_url)
        endpoints = state["endpoints"]
        params.set_param("sale_amazon_spapi.lwa_token_url", endpoints["lwa_token"])
        params.set_param("sale_amazon_spapi.consent_base_url", endpoints["consent_base"])
        for region in ("na", "eu", "fe"):
            params.set_param(f"sale_amazon_spapi.endpoint_{region}", endpoints[region])
        App = env["amazon.spapi.app"].with_context(active_test=False)
        app = App.search([("client_id", "=", public["client_id"])])
        values = {"name": "Amazon sandbox (public app)", "kind": "public",
                  "application_id": public["application_id"], "client_id": public["client_id"],
                  "client_secret": public["client_secret"]}
        # the sandbox issues its secrets when it starts: today is the true issue date here
        if app:
            app.write(values)
        else:
            App.create({**values, "secret_issued_on": fields.Date.today()})
        # the demo seller of the MWS era is the sandbox's North-America seller
        account = env["amazon.account"].search([("name", "=", "Amazon US (MWS)")])
        account.write({"seller_key": seller["selling_partner_id"]})
        linked = bool(account) and account.sp_state == "connected"
    return {"seller": seller, "linked": linked}


def seed_sandbox(sandbox_url: str, seller: dict) -> None:
    """New orders for the next hour, and feeds processed in seconds (the demo's Amazon only)."""
    import requests

    # new orders keep arriving, one a minute for the next hour, after the move off MWS
    requests.post(f"{sandbox_url}/_sandbox/orders", timeout=10, json={
        "selling_partner_id": seller["selling_partner_id"], "orders": [
            {"created": 60 * (i + 1), "status": "UNSHIPPED", "marketplace_id": "ATVPDKIKX0DER",
             "items": [{"sku": "COQUI-MUG-01", "title": "Coqui mug", "quantity": 1 + i % 3,
                        "unit_price": "12.90"}]} for i in range(60)]})
    # Amazon processes a feed in minutes; the demo's Amazon takes seconds
    requests.put(f"{sandbox_url}/_sandbox/feeds/settings", timeout=10,
                 json={"queue_delay": DEMO_FEED_QUEUE, "processing_time": DEMO_FEED_PROCESSING})


class DemoCommand(Command):
    name = "demo"
    help = "Run the demo: the Amazon Connector's demo database, the Amazon sandbox and the web client"

    def run(self, args: list[str]) -> int:
        parser = argparse.ArgumentParser(prog=f"coquiapps {self.name}", description=self.help)
        parser.add_argument("database", nargs="?", default="demo")
        parser.add_argument("--http-port", type=int, default=HTTP_PORT)
        parser.add_argument("--sandbox-port", type=int, default=SANDBOX_PORT)
        options = parser.parse_args(args)
        return run(options.database, options.http_port, options.sandbox_port)


def run(dbname: str, http_port: int = HTTP_PORT, sandbox_port: int = SANDBOX_PORT) -> int:
    """Serve the demo database and the sandbox until stopped; returns the exit status."""
    base_url = f"http://127.0.0.1:{http_port}"
    for port in (http_port, sandbox_port):
        if not _port_free(port):
            _say(f"make demo: port {port} on 127.0.0.1 is already in use; stop what uses it and run make demo again")
            return 1
    from amazon_sandbox import Sandbox, serve
    from coquiapps.service import server
    from coquiapps.sql_db import postgres
    from coquiapps.tools import config

    _say(f"... using {postgres.describe()}")
    # the sandbox's world (apps, sellers, links, orders) is kept here: links survive a restart
    sandbox_dir = Path(config.current().data_dir) / "amazon-sandbox"
    sandbox = serve(Sandbox(seed=1, data_dir=sandbox_dir), host="127.0.0.1", port=sandbox_port)
    import requests

    state = requests.get(f"{sandbox.url}/_sandbox/state", timeout=10).json()
    for app in state["apps"]:
        if app["kind"] == "public":
            requests.put(f"{sandbox.url}/_sandbox/apps/{app['client_id']}/redirect-uris",
                         json={"redirect_uris": [f"{base_url}/amazon_spapi/callback"]}, timeout=10)
    info = prepare(dbname, sandbox.url, state, base_url)
    seller = info["seller"]
    seed_sandbox(sandbox.url, seller)
    link_steps = LINKED_STEPS if info["linked"] else LINK_STEPS
    _say(f"""
CoquiAPPs is running: {base_url}/web?db={dbname}
  log in as admin / admin

Amazon sandbox (stands in for Amazon): {sandbox.url}
  seller to sign in with at the consent page: {seller['name']} ({seller['selling_partner_id']}),
  password {seller['password']}

The sandbox keeps its state (apps, sellers, links, orders) in {sandbox_dir}:
  a link made before a restart of make demo still works after it.

What to try:
{link_steps}
  4. Back on the account, click "Sync Orders": new orders arrive every minute; none from before the move
     is imported twice. Apps (remove the "Apps" filter, search "Amazon") shows the patch installed.
  5. Open one of these orders (Sales > Amazon > Orders), click "Delivery", choose a Carrier (e.g. UPS),
     type a Tracking Reference and click "Validate": its Amazon Sync says "To Send".
  6. On the account, click "Send to Amazon": the delivery goes to Amazon in a shipment feed ("Sent,
     Awaiting Amazon"). About {DEMO_FEED_QUEUE + DEMO_FEED_PROCESSING} seconds later click "Send to Amazon" again (or wait for
     the scheduled actions, every 5 minutes): the delivery says "Confirmed by Amazon" and the account's
     "Feeds" button lists the feed with the document sent and Amazon's processing report.
Stop with Ctrl+C.
""")
    # the database manager (Duplicate for a staging copy) opens only with a master password
    from coquiapps.cli.server import first_master_password, wsgi_application

    first_master_password(config.current())
    try:
        # every database is served: the staging copy made in the database manager opens beside it
        return server.serve(wsgi_application, "127.0.0.1", http_port, 0, [dbname], cron=True, restrict=False)
    finally:
        sandbox.stop()
