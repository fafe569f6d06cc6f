"""The install guide and the MWS migration, end to end, as an administrator in a real browser.

The database is created **before the patch existed**: while it is created,
module discovery does not see ``sale_amazon_spapi`` (its entry point is left
out, as on a server whose CoquiAPPs source predates the patch). That is the
most honest stand-in for an old database: the patch is neither installed nor
known to ``ir.module.module`` (no row at all, not an uninstalled one), exactly
what the guide's step "Update the list of available modules" is for. Once the
database exists, discovery sees the patch again: the administrator has
updated the source code (the guide's first step), and everything after that
goes through the web UI only:

1. a connector database of the MWS era (an MWS account with imported orders);
2. developer mode, Apps > Update Apps List, remove the "Apps" filter, search
   "Amazon": the patch is found, not installed;
3. database manager: Duplicate to a staging database, "Neutralize" ticked;
4. staging: install the patch (the web client has no dry run: that is the
   CLI's ``module install --dry-run``); the Amazon account is switched off there;
5. production: install the patch; the MWS account says "MWS retired";
6. Move to Selling Partner API (the sandbox's public app, "Link with Amazon now"),
   which records the switch-off moment as "Ignore Orders Before";
7. sign in at the sandbox's consent page and confirm: connected;
8. Sync Orders: the orders placed after the switch-off arrive, the MWS-era ones
   (which Amazon returns again, updated after the switch-off) are not imported a
   second time, and no order placed before the switch-off is imported.

Only the world around the user is set up directly: the MWS-era history (as the
connector's own demo data does it), the Amazon sandbox standing in for Amazon,
and the system parameters pointing the database at it. Screenshots:
``test-output/walkthrough/NN_step.png``.
"""
import contextlib
import datetime as dt
import re
from pathlib import Path
from unittest import mock

import pytest

from amazon_sandbox.testing import running
from coquiapps import sql_db
from coquiapps.modules import discovery
from coquiapps.orm import SUPERUSER_ID, Environment, Registry
from coquiapps.service import db as db_service
from coquiapps.testing import databases
from coquiapps.testing.browser import MARKS, chromium, login, served_app
from coquiapps.tools import config

OUTPUT = Path(__file__).resolve().parents[1] / "test-output" / "walkthrough"
PATCH = "sale_amazon_spapi"
PATCH_TITLE = "Amazon/Selling Partner API Patch"
ACCOUNT = "Amazon US (MWS)"
MASTER = "walkthrough-master"
US, CA = "ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"

pytestmark = [*MARKS, pytest.mark.slow]


# -- the world around the user -----------------------------------------------------------
@contextlib.contextmanager
def source_without_the_patch():
    """Discovery as on a server whose source code predates the patch (its entry point is absent)."""
    real = discovery.entry_point_addons

    def older():
        found = real()
        found.pop(PATCH, None)
        return found

    with mock.patch.object(discovery, "entry_point_addons", older):
        assert PATCH not in discovery.discover(config.current().addons_paths)
        yield


@contextlib.contextmanager
def env_of(dbname):
    with sql_db.cursor(dbname) as cr:
        yield Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(dbname))


def mws_era_database(seller_id: str) -> str:
    """A connector database created before the patch, with an MWS account and its imported orders."""
    name = databases.unique_name("walkprod")
    databases.register(name)
    with source_without_the_patch():
        db_service.create_database(name, modules=["sale_amazon"])
    with env_of(name) as env:
        us = env["amazon.marketplace"].search([("api_ref", "=", US)])
        ca = env["amazon.marketplace"].search([("api_ref", "=", CA)])
        account = env["amazon.account"].create({
            "name": ACCOUNT, "base_marketplace_id": us.id, "active_marketplace_ids": [(6, 0, [us.id, ca.id])],
            # the sandbox's North-America seller stands for this seller
            "seller_key": seller_id, "mws_auth_token": "amzn.mws.0000-walkthrough",
            "aws_access_key_id": "AKIAWALKTHROUGH00000", "aws_secret_key": "walkthrough/secret/0000",
            "user_id": env.ref("base.user_admin").id, "last_orders_sync": dt.datetime(2022, 7, 31)})
        for code, title, price in (("CQ-MUG-BLUE", "Blue Coqui Mug", 12.5), ("CQ-CAP", "Coqui Cap", 15.0)):
            product = env["product.product"].create({"name": title, "default_code": code, "list_price": price})
            env["amazon.offer"].create({"account_id": account.id, "marketplace_id": us.id, "sku": code,
                                        "product_id": product.id})
        # the MWS era's history, imported as the connector's demo data imports it
        assert account._demo_generate_orders(12, 2022) >= 10  # pending orders wait for confirmation
    with env_of(name) as env:
        env.cr.execute("SELECT count(*) FROM ir_module_module WHERE name = %s", (PATCH,))
        assert env.cr.fetchone()[0] == 0  # not installed, not even listed
    return name


def point_at_sandbox(dbname: str, harness, base_url: str) -> None:
    """The system parameters of README "Pointing a database at Amazon (or at a sandbox)"."""
    with env_of(dbname) as env:
        endpoints = harness.state()["endpoints"]
        params = env["ir.config_parameter"]
        params.set_param("web.base.url", base_url)
        params.set_param("sale_amazon_spapi.lwa_token_url", endpoints["lwa_token"])
        params.set_param("sale_amazon_spapi.consent_base_url", endpoints["consent_base"])
        for region in ("na", "eu", "fe"):
            params.set_param(f"sale_amazon_spapi.endpoint_{region}", endpoints[region])


def mws_orders(dbname: str) -> dict[str, dt.datetime]:
    with env_of(dbname) as env:
        env.cr.execute("SELECT o.amazon_order_ref, o.date_order FROM sale_order o "
                       "JOIN amazon_account a ON a.id = o.amazon_account_id WHERE a.name = %s", (ACCOUNT,))
        return dict(env.cr.fetchall())


def parse(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(dt.UTC).replace(tzinfo=None)


def iso(moment: dt.datetime) -> str:
    return moment.replace(tzinfo=dt.UTC).isoformat()


# -- the browser ---------------------------------------------------------------------------
def shot(page, name: str) -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"{name}.png"), full_page=True)


def open_account(page):
    page.click("a.o_menu_app:has-text('Sales')")
    page.click(".o_submenu summary:has-text('Amazon')")
    page.click(".o_submenu a:has-text('Accounts')")
    page.click(f"tr:has-text('{ACCOUNT}') .o_row_open a")
    page.wait_for_selector("form.o_form")
    assert page.locator("#field_name").input_value() == ACCOUNT


def field(page, name: str) -> str:
    """The shown value of a form field (without its label)."""
    node = page.locator(f"[data-name={name}]").first
    inputs = node.locator("input:not([type=hidden]), select, textarea")
    if inputs.count():
        if inputs.first.evaluate("e => e.tagName") == "SELECT":
            return inputs.first.locator("option:checked").inner_text().strip()
        return inputs.first.input_value().strip()
    value = node.locator(".o_field_widget, .o_field_readonly, .o_field_text, .o_field_html")
    return (value.first if value.count() else node).inner_text().strip()


def find_patch_in_apps(page):
    """Apps, the "Apps" filter removed, search "Amazon": the patch's card."""
    page.click("a.o_menu_app:has-text('Apps')")
    if page.locator(".o_chip[data-filter=app]").count():
        page.click(".o_chip[data-filter=app] .o_chip_remove")
    page.fill("input[name=q]", "Amazon")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector(".o_kanban_card")
    return page.locator(f".o_kanban_card:has-text('{PATCH_TITLE}')")


def install_patch(page):
    card = find_patch_in_apps(page)
    assert card.count() == 1 and card.get_attribute("data-state") == "uninstalled"
    card.click()
    page.click("button:has-text('Activate')")  # confirm= dialog accepted
    page.wait_for_selector(".o_arrow_button_current")
    assert page.locator(".o_arrow_button_current").inner_text() == "Installed"


@contextlib.contextmanager
def debug_on_failure(browser):
    """On a failure, every open page is kept (HTML and screenshot) beside the step screenshots."""
    for stale in OUTPUT.glob("failure_*"):
        stale.unlink()
    try:
        yield
    except BaseException:
        for i, ctx in enumerate(browser.contexts):
            for j, p in enumerate(ctx.pages):
                OUTPUT.mkdir(parents=True, exist_ok=True)
                (OUTPUT / f"failure_{i}_{j}.html").write_text(p.content())
                p.screenshot(path=str(OUTPUT / f"failure_{i}_{j}.png"), full_page=True)
        raise


@pytest.fixture
def master_config(tmp_path):
    """A server whose master password the administrator set with ``coquiapps db set-master-password``."""
    from coquiapps.testing.master import set_master_password

    previous = config.current()
    cfg = config.Config(values={**previous.values, "admin_passwd": ""}, path=tmp_path / "coquiapps.conf")
    config.set_current(cfg)
    set_master_password(cfg, MASTER)
    yield
    config.set_current(previous)


def test_walkthrough(master_config):
    with running(seed=21) as harness, served_app() as server, chromium() as browser, debug_on_failure(browser):
        seller = harness.seller("NA")
        public = harness.app("public")
        harness.control("PUT", f"apps/{public['client_id']}/redirect-uris",
                        {"redirect_uris": [f"{server}/amazon_spapi/callback"]})
        prod = mws_era_database(seller["selling_partner_id"])
        history = mws_orders(prod)
        assert len(history) >= 10 and max(history.values()) < dt.datetime(2022, 8, 1)
        staging = f"{prod}_staging"
        databases.register(staging)

        context = browser.new_context()
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())

        # 1. the MWS-era account: the patch is not on the apps list
        login(page, server, prod)
        open_account(page)
        notice = field(page, "spapi_notice")
        assert "not on the apps list" in notice and "<p>" not in notice  # shown as formatted text
        shot(page, "01_mws_account_patch_unknown")

        # 2. developer mode, Update Apps List, the patch is found, not installed
        page.goto(f"{server}/web?debug=1")
        assert page.locator(".o_debug_banner").is_visible()
        page.click("a.o_menu_app:has-text('Apps')")
        assert find_patch_in_apps(page).count() == 0  # not known yet
        page.click(".o_submenu a:has-text('Update Apps List')")
        shot(page, "02_update_apps_list")
        page.click(".o_dialog button:has-text('Update')")
        assert int(field(page, "added")) >= 1
        shot(page, "03_update_apps_list_done")
        page.click(".o_dialog button:has-text('Open Apps')")
        card = find_patch_in_apps(page)
        assert card.count() == 1 and card.get_attribute("data-state") == "uninstalled"
        assert "Not Installed" in card.inner_text()
        shot(page, "04_apps_patch_found_not_installed")

        # 3. database manager: a neutralized staging copy
        page.goto(f"{server}/web/database/manager")
        row = page.locator(f"tr[data-db='{prod}']")
        row.locator("summary:has-text('Duplicate')").click()
        row.locator("input[name=master_pwd]").first.fill(MASTER)
        row.locator("input[name=new_name]").fill(staging)
        assert row.locator("input[name=neutralize]").is_checked()
        shot(page, "05_database_manager_duplicate")
        row.locator("button:has-text('Duplicate')").click()
        assert "(neutralized)" in page.inner_text(".o_notice_success")
        shot(page, "06_staging_created")

        # 4. staging: install the patch (no dry run in the web client), accounts stay off
        staging_page = browser.new_context().new_page()
        staging_page.on("dialog", lambda dialog: dialog.accept())
        login(staging_page, server, staging)
        assert staging_page.locator(".o_neutralized_banner").is_visible()
        install_patch(staging_page)
        shot(staging_page, "07_staging_patch_installed")
        open_account(staging_page)
        assert staging_page.locator(".o_neutralized_banner").is_visible()
        assert staging_page.locator(".alert-warning:has-text('neutralized copy')").is_visible()
        shot(staging_page, "08_staging_account_switched_off")
        staging_page.context.close()
        with env_of(staging) as env:
            account = env["amazon.account"].search([("name", "=", ACCOUNT)])
            assert account.sp_neutralized and not account._sp_may_sync()
            assert not env["ir.cron"].search([])  # the patch's scheduled actions stay stopped too
        with env_of(prod) as env:
            env.cr.execute("SELECT state FROM ir_module_module WHERE name = %s", (PATCH,))
            assert env.cr.fetchone()[0] == "uninstalled"  # production untouched so far

        # 5. production: install the patch; the account says MWS retired
        page.goto(f"{server}/web")
        install_patch(page)
        shot(page, "09_production_patch_installed")
        point_at_sandbox(prod, harness, server)  # Amazon is the sandbox here
        open_account(page)
        assert "MWS retired" in field(page, "sp_state_reason")
        assert "Not Connected" in field(page, "sp_state")
        assert page.locator(".o_neutralized_banner").count() == 0
        shot(page, "10_account_mws_retired")

        # the sandbox's public app, as the administrator registers it (Sales > Amazon > SP-API Applications)
        page.click(".o_submenu summary:has-text('Amazon')")
        page.click(".o_submenu a:has-text('SP-API Applications')")
        page.click("a.o_btn:has-text('New')")
        page.fill("#field_name", "Amazon sandbox (public app)")
        page.select_option("#field_kind", "public")
        page.fill("#field_application_id", public["application_id"])
        page.fill("#field_client_id", public["client_id"])
        page.fill("#field_client_secret", public["client_secret"])
        page.click("button.o_form_save")
        assert page.locator(".o_notice_success").is_visible()
        page.click("button:has-text('Test Credentials')")
        assert page.locator(".o_notice_success").is_visible()
        shot(page, "11_spapi_application")

        # 6. Move to Selling Partner API, Link with Amazon now
        open_account(page)
        page.click("button:has-text('Move to Selling Partner API')")
        page.select_option("#field_spapi_app_id", label="Amazon sandbox (public app)")
        assert page.locator("#field_then").input_value() == "link"
        shot(page, "12_move_to_spapi_wizard")
        before = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
        page.click(".o_dialog .o_form_footer button:has-text('Move to Selling Partner API')")
        page.wait_for_url(f"{harness.url}/apps/authorize/consent*")
        after = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        with env_of(prod) as env:
            account = env["amazon.account"].search([("name", "=", ACCOUNT)])
            cutoff, account_id = account.sp_ignore_orders_before, account.id
            assert cutoff == account.sp_mws_switched_off and before <= cutoff <= after
        # what Amazon holds for this seller: the MWS era's orders (updated after the switch-off),
        # orders placed just before it that MWS never imported, and new orders after it
        refs = sorted(history)
        harness.control("POST", "orders", {"selling_partner_id": seller["selling_partner_id"], "orders": [
            *({"order_id": ref, "created": iso(history[ref]), "marketplace_id": US, "status": "UNSHIPPED",
               "items": [{"sku": "CQ-CAP", "quantity": 1, "unit_price": "15.00"}],
               "status_changes": [{"at": iso(cutoff + dt.timedelta(seconds=90)), "status": "SHIPPED"}]}
              for ref in refs[-4:]),
            *({"order_id": f"113-0000000-90000{i}", "created": iso(cutoff - dt.timedelta(minutes=2 + i)),
               "marketplace_id": US, "items": [{"sku": "CQ-CAP", "quantity": 1, "unit_price": "15.00"}]}
              for i in range(3))]})
        new_ids = set(harness.control("POST", "orders", {"selling_partner_id": seller["selling_partner_id"],
                                                         "orders": [
            {"created": iso(cutoff + dt.timedelta(minutes=1 + i)), "marketplace_id": US, "status": "UNSHIPPED",
             "items": [{"sku": "CQ-MUG-BLUE", "title": "Blue Coqui Mug", "quantity": 1 + i % 2,
                        "unit_price": "12.50"}]} for i in range(5)]})["order_ids"])
        shot(page, "13_amazon_consent")

        # 7. sign in at Amazon (the sandbox) and confirm
        page.select_option("select[name=selling_partner_id]", seller["selling_partner_id"])
        page.fill("#password", seller["password"])
        page.click("#confirm")
        page.wait_for_selector("#amazon_spapi_result[data-outcome=connected]")
        assert ACCOUNT in page.inner_text("#amazon_spapi_result")
        shot(page, "14_connected")
        page.click("#amazon_spapi_back")
        page.wait_for_url(f"{server}/web/action/**")
        assert "Connected" in field(page, "sp_state")
        assert field(page, "sp_ignore_orders_before").strip()
        shot(page, "15_account_connected")

        # 8. Sync Orders, once Amazon's clock has moved on past the new orders
        harness.advance(600)
        page.click("button[value='object:action_sync_orders']:visible")
        assert page.locator(".o_notice_success").is_visible(), page.inner_text(".o_content")
        orders_button = page.inner_text("button[value='object:action_view_orders']")
        assert int(re.sub(r"\D", "", orders_button)) == len(history) + len(new_ids)
        shot(page, "16_orders_synced")
        page.click("button[value='object:action_view_orders']")
        shot(page, "17_amazon_orders")
        context.close()
        truth = harness.control("GET", "orders", params={"selling_partner_id": seller["selling_partner_id"]})
        searches = harness.control("GET", "calls")["operations"].get("searchOrders", {})

    assert searches.get("200", 0) >= 1
    # Amazon handed the ERP orders placed before the switch-off: the MWS era's, updated since,
    # and the ones MWS never imported; only the cutoff keeps them out
    old_but_returned = {row["order_id"] for row in truth["orders"] if row["visible"]
                        and parse(row["created_time"]) < cutoff <= parse(row["last_updated_time"])
                        + dt.timedelta(minutes=10)}
    assert set(refs[-4:]) <= old_but_returned and len(old_but_returned - set(history)) >= 3
    assert {row["order_id"] for row in truth["orders"] if parse(row["created_time"]) >= cutoff} == new_ids
    with env_of(prod) as env:
        env.cr.execute("SELECT amazon_order_ref, count(*) FROM sale_order WHERE amazon_account_id = %s "
                       "GROUP BY amazon_order_ref HAVING count(*) > 1", (account_id,))
        assert env.cr.fetchall() == []  # no order twice
        env.cr.execute("SELECT amazon_order_ref, date_order FROM sale_order WHERE amazon_account_id = %s",
                       (account_id,))
        imported = dict(env.cr.fetchall())
        assert set(imported) == set(history) | new_ids  # the new ones, and nothing else
        assert all(imported[ref] == history[ref] for ref in history)  # the MWS ones untouched
        assert all(imported[ref] >= cutoff for ref in new_ids)
        log = env["amazon.sync.log"].search([("account_id", "=", account_id)], limit=1)
        assert log.state == "done" and log.orders_created == len(new_ids)
