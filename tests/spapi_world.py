"""A world for the module's tests: the Amazon sandbox, a private database pointed at it,
and shortcuts to make applications and accounts (committed: the token code uses its
own short transactions, as in production)."""
from __future__ import annotations

import contextlib
import re
from urllib.parse import parse_qs, urlsplit

from amazon_sandbox.testing import Harness
from coquiapps import fields, sql_db
from coquiapps.orm import SUPERUSER_ID, Environment, Registry
from coquiapps.testing import databases

BASE_URL = "http://localhost"
CALLBACK = f"{BASE_URL}/amazon_spapi/callback"
HOME_MARKETPLACE = {"NA": "sale_amazon.marketplace_us", "EU": "sale_amazon.marketplace_de",
                    "FE": "sale_amazon.marketplace_jp"}


class World:
    """The sandbox harness plus one database configured to use it."""

    def __init__(self, harness: Harness, dbname: str):
        self.h = harness
        self.db = dbname
        with self.env() as env:
            endpoints = harness.state()["endpoints"]
            params = env["ir.config_parameter"]
            params.set_param("sale_amazon_spapi.lwa_token_url", endpoints["lwa_token"])
            params.set_param("sale_amazon_spapi.consent_base_url", endpoints["consent_base"])
            for region in ("na", "eu", "fe"):
                params.set_param(f"sale_amazon_spapi.endpoint_{region}", endpoints[region])
            params.set_param("web.base.url", BASE_URL)
        for app in harness.state()["apps"]:
            if app["kind"] == "public":
                harness.control("PUT", f"apps/{app['client_id']}/redirect-uris", {"redirect_uris": [CALLBACK]})

    @contextlib.contextmanager
    def env(self, uid=SUPERUSER_ID, context=None):
        """An environment whose transaction commits at the end of the block."""
        with sql_db.cursor(self.db) as cr:
            yield Environment(cr, uid, dict(context or {}, amazon_sync_commit=False),
                              registry=Registry.get(self.db))

    # -- records -----------------------------------------------------------------------
    def make_app(self, env, kind="public", draft=False):
        data = self.h.app(kind, draft)
        return env["amazon.spapi.app"].create({
            "name": f"Sandbox {kind}{' draft' if draft else ''}", "kind": kind,
            "application_id": data["application_id"], "client_id": data["client_id"],
            "client_secret": data["client_secret"], "draft": draft,
            "secret_issued_on": fields.Date.today()})  # the sandbox issued it when it started

    def make_account(self, env, app=None, region="NA", name=None, **values):
        return env["amazon.account"].create({
            "name": name or f"Amazon {region} {len(env['amazon.account'].search([]))}",
            "company_id": env.ref("base.main_company").id,
            "base_marketplace_id": env.ref(HOME_MARKETPLACE[region]).id,
            "spapi_app_id": app.id if app else False, **values})

    def connect_private(self, env, account, region="NA"):
        """Self-authorize the sandbox's private app for the region's seller and store the grant."""
        app_data, refresh = self.h.refresh_token(region)
        seller = self.h.seller(region)
        app = env["amazon.spapi.app"].search([("client_id", "=", app_data["client_id"])]) or \
            self.make_app(env, "private")
        wizard = env["amazon.spapi.private.app"].create({
            "account_id": account.id, "spapi_app_id": app.id, "refresh_token": refresh,
            "selling_partner_id": seller["selling_partner_id"]})
        wizard.action_authorize()
        return seller

    def lwa_calls(self, grant_type="refresh_token") -> int:
        calls = self.h.control("GET", "calls")["lwa"].get(grant_type, {})
        return sum(sum(statuses.values()) for statuses in calls.values())

    def op_calls(self, operation: str, status: str | None = None) -> int:
        statuses = self.h.control("GET", "calls")["operations"].get(operation, {})
        return statuses.get(status, 0) if status else sum(statuses.values())


def new_world(harness: Harness, full_db: str) -> World:
    return World(harness, databases.copy_of(full_db, "spapi"))


def confirm_on_amazon(h: Harness, consent_url: str, region="NA", seller=None, password=None,
                      action="confirm") -> dict:
    """Play the seller on the sandbox consent page; returns the callback query Amazon sends back."""
    query = {k: v[0] for k, v in parse_qs(urlsplit(consent_url).query).items()}
    seller = seller or h.seller(region)
    response = h.http.post(f"{h.url}/apps/authorize/consent", allow_redirects=False, timeout=10, data={
        **query, "selling_partner_id": seller["selling_partner_id"],
        "password": password or seller["password"], "action": action})
    assert response.status_code == 302, response.text
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == CALLBACK
    return {k: v[0] for k, v in parse_qs(location.query).items()}


def page_outcome(response) -> str:
    found = re.search(r'data-outcome="([^"]*)"', response.get_data(as_text=True))
    return found.group(1) if found else ""
