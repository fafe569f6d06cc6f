"""Guide 003 (``../shared/seeds/003_*.txt``), "updating an expired token", in the browser.

An administrator whose timezone is not UTC follows the guide's steps:

1. *Checking alerts*: the top bar counts the notices the credential-health run raised
   (the client secret and the authorization both expire in 5 days);
2. *Important notices*: the list shows severity, date (the admin's zone) and the record
   each notice concerns; its link opens the Amazon account's form;
7. *Renewing the token*: Re-authorize, sign in at Amazon (the sandbox), confirm;
   the secret notice's link opens the application: Rotate Client Secret;
8. *Re-enable accounts*: the account is still enabled; tick *Don't Fetch Orders*, save;
   **Sync Orders** imports nothing and says why (issue #13 problem 4);
9. *Confirming the token update*: the expiry dates shown have changed.

The world around the admin (the sandbox standing in for Amazon, the account linked a
year ago, orders waiting at Amazon) is set up directly; everything the guide says to
do goes through the web UI. Screenshots: ``test-output/guides/003_alerts/<tz>/``.
"""
import contextlib
import datetime as dt
import re
import zoneinfo
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from amazon_sandbox.testing import running
from coquiapps import fields, sql_db
from coquiapps.orm import SUPERUSER_ID, Environment, Registry
from coquiapps.testing import databases
from coquiapps.testing.browser import MARKS, chromium, served_app

from .walk import TIMEZONES, Shots, admin_page

pytestmark = [*MARKS, pytest.mark.slow]

ACCOUNT = "Amazon US"
APP = "Sandbox public app"
US = "ATVPDKIKX0DER"
DAYS_LEFT = 5


@contextlib.contextmanager
def env_of(db):
    with sql_db.cursor(db) as cr:
        yield Environment(cr, SUPERUSER_ID, {"amazon_sync_commit": False}, registry=Registry.get(db))


def field(page, name: str) -> str:
    """The shown value of a form field (without its label)."""
    node = page.locator(f"[data-name={name}]").first
    inputs = node.locator("input:not([type=hidden]), select, textarea")
    if inputs.count():
        return inputs.first.input_value().strip()
    return node.inner_text().strip()


def counter(page) -> int:
    return int(page.locator(".o_notif_counter .o_notif_count").inner_text())


def shows_time(text: str, moment: dt.datetime) -> bool:
    """Whether ``text`` shows the hour and minute of ``moment`` (12- or 24-hour clock)."""
    return any(re.search(rf"(?<!\d){re.escape(moment.strftime(pattern))}(?!\d)", text)
               for pattern in ("%-I:%M", "%H:%M"))


# -- the world around the admin ------------------------------------------------------------
def linked_a_year_ago(db: str, server: str, harness) -> int:
    """An account linked through the sandbox's public app 360 days ago; its secret 175 days old."""
    public = harness.app("public")
    harness.control("PUT", f"apps/{public['client_id']}/redirect-uris",
                    {"redirect_uris": [f"{server}/amazon_spapi/callback"]})
    with env_of(db) as env:
        endpoints = harness.state()["endpoints"]
        params = env["ir.config_parameter"]
        params.set_param("web.base.url", server)
        params.set_param("sale_amazon_spapi.lwa_token_url", endpoints["lwa_token"])
        params.set_param("sale_amazon_spapi.consent_base_url", endpoints["consent_base"])
        for region in ("na", "eu", "fe"):
            params.set_param(f"sale_amazon_spapi.endpoint_{region}", endpoints[region])
        app = env["amazon.spapi.app"].create({
            "name": APP, "kind": "public", "application_id": public["application_id"],
            "client_id": public["client_id"], "client_secret": public["client_secret"]})
        account = env["amazon.account"].create({
            "name": ACCOUNT, "company_id": env.ref("base.main_company").id,
            "base_marketplace_id": env.ref("sale_amazon.marketplace_us").id, "spapi_app_id": app.id})
        consent_url = account.action_sp_link()["url"]
        account_id = account.id
    # the seller confirms at Amazon; Amazon sends the browser back to the callback
    seller = harness.seller("NA")
    query = {k: v[0] for k, v in parse_qs(urlsplit(consent_url).query).items()}
    answer = harness.http.post(f"{harness.url}/apps/authorize/consent", allow_redirects=False, timeout=30, data={
        **query, "selling_partner_id": seller["selling_partner_id"], "password": seller["password"],
        "action": "confirm"})
    assert answer.status_code == 302, answer.text
    browser = requests.Session()
    browser.get(f"{server}/web/login?db={db}", timeout=30)  # the callback needs to know the database
    back = browser.get(answer.headers["Location"], timeout=30)
    assert 'data-outcome="connected"' in back.text, back.text[:2000]
    with env_of(db) as env:
        account = env["amazon.account"].browse(account_id)
        assert account.sp_state == "connected"
        year_ago = fields.Datetime.now() - dt.timedelta(days=365 - DAYS_LEFT)
        account.sudo().write({"sp_authorized_on": year_ago, "sp_last_success": fields.Datetime.now()})
        account.spapi_app_id.write({"secret_issued_on": fields.Date.today() - dt.timedelta(days=180 - DAYS_LEFT)})
    return account_id


def credential_health_run(db: str) -> list:
    with env_of(db) as env:
        return env["amazon.account"]._cron_credential_health()


def orders_waiting_at_amazon(harness) -> None:
    seller = harness.seller("NA")
    harness.control("POST", "orders", {"selling_partner_id": seller["selling_partner_id"], "orders": [
        {"marketplace_id": US, "status": "UNSHIPPED",
         "items": [{"sku": "CQ-MUG-BLUE", "title": "Blue Coqui Mug", "quantity": 1, "unit_price": "12.50"}]}
        for _ in range(2)]})
    harness.advance(600)


# -- the walk -----------------------------------------------------------------------------------
@pytest.mark.parametrize("tz", TIMEZONES)
def test_guide_003_alerts(full_db, tz):
    shots = Shots("003_alerts", tz)
    db = databases.copy_of(full_db, "guide003")
    with running(seed=31) as harness, served_app() as server, chromium() as browser:
        account_id = linked_a_year_ago(db, server, harness)
        sent = credential_health_run(db)
        assert {kind for kind, _name, _threshold in sent} >= {"secret", "authorization"}
        orders_waiting_at_amazon(harness)
        with env_of(db) as env:
            account = env["amazon.account"].browse(account_id)
            due_before = account.sp_reauth_due_on
            secret_expires_before = account.spapi_app_id.secret_expires_on
            created = {n.title: n.create_date for n in env["res.notice"].search(
                [("user_id", "=", env.ref("base.user_admin").id)])}
        assert due_before == fields.Date.today() + dt.timedelta(days=DAYS_LEFT)

        with admin_page(browser, server, db, tz) as page:
            page.on("dialog", lambda dialog: dialog.accept())

            # 1. Checking alerts: the top bar counts them, on every page
            unread = counter(page)
            assert unread >= 2
            shots(page, "checking alerts")

            # 2. Important notices: severity, date in the admin's zone, the record concerned
            page.click(".o_notif_counter")
            page.wait_for_selector(".o_notif_row")
            reauth = page.locator(".o_notif_row:has-text('needs re-authorization soon')")
            assert reauth.count() == 1
            assert reauth.locator(".o_notif_level").inner_text() == "Danger"
            title = next(t for t in created if "needs re-authorization soon" in t)
            local = created[title].replace(tzinfo=dt.UTC).astimezone(zoneinfo.ZoneInfo(tz))
            shown = reauth.locator(".o_notif_date").inner_text()
            assert shows_time(shown, local) and not shows_time(shown, created[title]), (shown, local)
            assert f"{DAYS_LEFT} days" in page.locator(".o_notif_row:has-text('client secret')").inner_text()
            shots(page, "important notices")

            # the notice's link: straight to the Amazon account
            reauth.locator(f".o_notif_record a:has-text('{ACCOUNT}')").click()
            page.wait_for_selector("form.o_form")
            assert page.locator("#field_name").input_value() == ACCOUNT
            assert page.locator(".o_menu_app.active").inner_text() == "Sales"  # in its app, with its menus
            due_shown_before = field(page, "sp_reauth_due_on")
            assert due_shown_before
            shots(page, "account opened from the notice")

            # 7. Renewing the token: Re-authorize, sign in at Amazon, confirm
            page.click("button:has-text('Re-authorize')")
            page.wait_for_url(f"{harness.url}/apps/authorize/consent*")
            seller = harness.seller("NA")
            page.select_option("select[name=selling_partner_id]", seller["selling_partner_id"])
            page.fill("#password", seller["password"])
            shots(page, "renewing at amazon")
            page.click("#confirm")
            page.wait_for_selector("#amazon_spapi_result[data-outcome=connected]")
            shots(page, "renewed")
            page.click("#amazon_spapi_back")
            page.wait_for_selector("form.o_form")
            assert "Connected" in field(page, "sp_state")

            # 8. Re-enable accounts: still enabled; Don't Fetch Orders ticked and saved
            page.check("#field_sp_no_fetch")
            page.click("button.o_form_save")
            page.wait_for_selector(".o_notice_success")
            assert page.locator("#field_sp_no_fetch").is_checked()
            shots(page, "dont fetch orders saved")
            page.click("button[value='object:action_sync_orders']:visible")
            message = page.locator(".o_notices .o_notice").first
            message.wait_for()
            assert "Don't Fetch Orders is ticked" in message.inner_text() and ACCOUNT in message.inner_text()
            assert "o_notice_warning" in message.get_attribute("class")  # a warning, not an error
            shots(page, "sync orders not fetching")

            # 9. Confirming the token update: the expiry date shown changed
            due_shown_after = field(page, "sp_reauth_due_on")
            assert due_shown_after and due_shown_after != due_shown_before
            shots(page, "authorization expiry changed")

            # the secret's notice: its link opens the application, Rotate Client Secret
            page.click(".o_notif_counter")
            secret_row = page.locator(".o_notif_row:has-text('client secret')")
            secret_row.locator(f".o_notif_record a:has-text('{APP}')").click()
            page.wait_for_selector("form.o_form")
            expires_shown_before = field(page, "secret_expires_on")
            client_id = field(page, "client_id")
            new_secret = harness.control("POST", f"apps/{client_id}/rotate-secret", {})["client_secret"]
            page.click("button:has-text('Rotate Client Secret')")
            page.fill("#field_new_secret", new_secret)
            shots(page, "rotate client secret")
            page.click(".o_dialog button:has-text('Verify and Save')")
            page.wait_for_selector(".o_notice_success")
            expires_shown_after = field(page, "secret_expires_on")
            assert expires_shown_after and expires_shown_after != expires_shown_before
            shots(page, "secret expiry changed")

            # done: the notices are dismissed, the counter says so
            page.click(".o_notif_counter")
            page.click("button.o_notif_dismiss_all")
            page.wait_for_selector(".o_notice_success")
            assert counter(page) == 0 and page.locator(".o_notif_row").count() == 0
            shots(page, "notices dismissed")

    with env_of(db) as env:
        account = env["amazon.account"].browse(account_id)
        assert account.active and account.sp_state == "connected" and account.sp_no_fetch
        assert account.sp_reauth_due_on == fields.Date.today() + dt.timedelta(days=365)
        assert account.sp_reauth_due_on != due_before
        assert account.spapi_app_id.secret_expires_on == fields.Date.today() + dt.timedelta(days=180)
        assert account.spapi_app_id.secret_expires_on != secret_expires_before
        # Sync Orders with Don't Fetch Orders: nothing imported, not even tried
        assert env["sale.order"].search_count([("amazon_account_id", "=", account_id)]) == 0
        assert env["amazon.sync.log"].search_count([("account_id", "=", account_id)]) == 0
        assert not env["res.notice"].search([("user_id", "=", env.ref("base.user_admin").id),
                                             ("dismissed", "=", False)])
