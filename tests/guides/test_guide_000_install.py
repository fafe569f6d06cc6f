"""Guide 000 (install the Amazon Selling Partner API update), in the browser, by an admin not in UTC.

The guide's steps through the web UI only: developer mode, Apps > Update Apps
List, the "Apps" filter removed, search "Amazon": the patch is there, not
installed; the database manager duplicates the database for staging (the copy
opens from the manager, with its banner, never the original in its place); the
patch is installed on the copy first; on the copy Link with Amazon is refused
(production endpoints) and offers a sandbox, which then links for real; last,
the patch is installed on production.

The world around the user is set up directly: a connector database of the MWS
era that predates the patch (as ``tests/test_walkthrough_browser.py`` makes it),
its base URL, and the Amazon sandbox.
"""
import pytest

from amazon_sandbox.testing import running
from coquiapps.testing.browser import MARKS, chromium, login, served_app
from coquiapps.tools import config

from ..test_walkthrough_browser import (
    ACCOUNT,
    PATCH,
    PATCH_TITLE,
    env_of,
    field,
    find_patch_in_apps,
    install_patch,
    mws_era_database,
    open_account,
)
from .walk import TIMEZONES, Shots, admin_page

MASTER = "guide-000-master"
pytestmark = [*MARKS, pytest.mark.slow]


@pytest.fixture
def master_password(tmp_path):
    """The database manager opens: the administrator set its master password (CLI)."""
    from coquiapps.testing.master import set_master_password

    previous = config.current()
    cfg = config.Config(values={**previous.values, "admin_passwd": ""}, path=tmp_path / "coquiapps.conf")
    config.set_current(cfg)
    set_master_password(cfg, MASTER)
    yield
    config.set_current(previous)


def module_state(dbname: str) -> str:
    with env_of(dbname) as env:
        env.cr.execute("SELECT state FROM ir_module_module WHERE name = %s", (PATCH,))
        row = env.cr.fetchone()
    return row[0] if row else "unknown"


def open_from_manager(page, server: str, dbname: str) -> None:
    """Database manager: click the database's name, sign in there."""
    page.goto(f"{server}/web/database/manager")
    page.click(f"tr[data-db='{dbname}'] td a")
    page.wait_for_selector("#login")
    assert dbname in page.inner_text(".o_login_db")  # the login page names the database chosen
    page.fill("#login", "admin")
    page.fill("#password", "admin")
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/web")


@pytest.mark.parametrize("tz", TIMEZONES)
def test_guide_000_install(tz, master_password):
    shots = Shots("000_install", tz)
    with running(seed=30) as sandbox, served_app() as server, chromium() as browser:
        seller = sandbox.seller("NA")
        prod = mws_era_database(seller["selling_partner_id"])
        with env_of(prod) as env:
            env["ir.config_parameter"].set_param("web.base.url", server)
        staging = f"{prod}_staging"
        from coquiapps.testing import databases

        databases.register(staging)
        with admin_page(browser, server, prod, tz) as page:
            page.on("dialog", lambda dialog: dialog.accept())

            # developer mode, Apps > Update Apps List: the patch appears, not installed
            page.goto(f"{server}/web?debug=1")
            assert page.locator(".o_debug_banner").is_visible()
            shots(page, "developer mode")
            page.click("a.o_menu_app:has-text('Apps')")
            assert find_patch_in_apps(page).count() == 0  # the source is new, the list is not
            page.click(".o_submenu a:has-text('Update Apps List')")
            shots(page, "update apps list")
            page.click(".o_dialog button:has-text('Update')")
            assert int(field(page, "added")) >= 1
            page.click(".o_dialog button:has-text('Open Apps')")
            card = find_patch_in_apps(page)
            assert card.count() == 1 and card.get_attribute("data-state") == "uninstalled"
            assert PATCH_TITLE in card.inner_text() and "Not Installed" in card.inner_text()
            shots(page, "apps filter removed search amazon")

            # the database manager: a neutralized duplicate for staging
            page.goto(f"{server}/web/database/manager")
            row = page.locator(f"tr[data-db='{prod}']")
            row.locator("summary:has-text('Duplicate')").click()
            row.locator("input[name=master_pwd]").first.fill(MASTER)
            row.locator("input[name=new_name]").fill(staging)
            assert row.locator("input[name=neutralize]").is_checked()
            shots(page, "duplicate for staging")
            row.locator("button:has-text('Duplicate')").click()
            assert "(neutralized)" in page.inner_text(".o_notice_success")
            shots(page, "staging copy made")

            # the copy opens from the manager: its banner, its apps (never the original instead)
            open_from_manager(page, server, staging)
            assert page.locator(".o_neutralized_banner").is_visible()
            shots(page, "staging opened with banner")
            install_patch(page)
            assert page.locator(".o_neutralized_banner").is_visible()
            shots(page, "patch installed on staging")
            assert module_state(staging) == "installed" and module_state(prod) == "uninstalled"

            # an SP-API application as Amazon's Developer Console gave it (production endpoints here)
            page.click("a.o_menu_app:has-text('Sales')")
            page.click(".o_submenu summary:has-text('Amazon')")
            page.click(".o_submenu a:has-text('SP-API Applications')")
            page.click("a.o_btn:has-text('New')")
            page.fill("#field_name", "Coqui Connector")
            page.select_option("#field_kind", "public")
            page.fill("#field_application_id", "amzn1.sp.solution.00000000-0000-4000-8000-000000000000")
            page.fill("#field_client_id", "amzn1.application-oa2-client.00000000000000000000000000000000")
            page.fill("#field_client_secret", "amzn1.oa2-cs.v1.guide-000")
            page.click("button.o_form_save")
            assert page.locator(".o_notice_success").is_visible()

            # Move to SP-API, Link with Amazon now: refused on staging, a sandbox offered
            open_account(page)
            page.click("button:has-text('Move to Selling Partner API')")
            page.select_option("#field_spapi_app_id", label="Coqui Connector")
            assert page.locator("#field_then").input_value() == "link"
            page.click(".o_dialog .o_form_footer button:has-text('Move to Selling Partner API')")
            error = page.locator(".o_form_error")
            assert "staging copy" in error.inner_text() and "Nothing was sent to Amazon" in error.inner_text()
            assert page.url.startswith(server)  # the browser never left for Amazon
            shots(page, "staging link refused sandbox offered")
            with env_of(staging) as env:
                account = env["amazon.account"].search([("name", "=", ACCOUNT)])
                assert not account.sp_mws_switched_off and not account.spapi_app_id  # nothing changed
                assert not env["amazon.spapi.consent"].search([])

            # the offer: point the copy at the sandbox, then link there for real
            page.click(".o_form_error_fix")
            page.fill("#field_url", sandbox.url)
            shots(page, "use an amazon sandbox")
            page.click(".o_dialog button:has-text('Use This Sandbox')")
            assert "point at the sandbox" in page.inner_text(".o_notice_success")
            shots(page, "staging points at the sandbox")
            page.click("button:has-text('Move to Selling Partner API')")
            page.select_option("#field_spapi_app_id", label="Amazon sandbox (public app)")
            page.click(".o_dialog .o_form_footer button:has-text('Move to Selling Partner API')")
            page.wait_for_url(f"{sandbox.url}/apps/authorize/consent*")
            page.select_option("select[name=selling_partner_id]", seller["selling_partner_id"])
            page.fill("#password", seller["password"])
            page.click("#confirm")
            page.wait_for_url(f"{server}/amazon_spapi/callback*")
            assert "connected" in page.inner_text("body").lower()
            shots(page, "staging linked to the sandbox")
            with env_of(staging) as env:
                account = env["amazon.account"].search([("name", "=", ACCOUNT)])
                assert account.sp_state == "connected"
                assert account.sp_selling_partner_id == seller["selling_partner_id"]

            # production last: open it from the manager, install the patch there
            open_from_manager(page, server, prod)
            assert page.locator(".o_neutralized_banner").count() == 0
            install_patch(page)
            shots(page, "patch installed on production")
            card = find_patch_in_apps(page)
            assert card.get_attribute("data-state") == "installed"
            shots(page, "production apps patch installed")
        assert module_state(prod) == "installed" and module_state(staging) == "installed"
        with env_of(prod) as env:  # production's endpoints were never touched by the staging copy
            assert not env["ir.config_parameter"].get_param("sale_amazon_spapi.consent_base_url")
            account = env["amazon.account"].search([("name", "=", ACCOUNT)])
            assert account.sp_state != "connected" and not account.spapi_app_id


def test_selecting_an_unserved_database_never_opens_another(master_password):
    """``?db=`` naming a database this server does not serve: the selector says so, no fallback."""
    with served_app() as server, chromium() as browser:
        from coquiapps.testing import databases

        name = databases.template(("base",))
        page = browser.new_context().new_page()
        login(page, server, name)
        page.goto(f"{server}/web/login?db=no_such_database_000")
        assert page.url.startswith(f"{server}/web/database/selector")
        assert "no_such_database_000 does not exist" in page.inner_text(".o_notice_danger")
        page.context.close()
