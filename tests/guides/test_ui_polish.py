"""The smaller items of issue #13 (problem 11), as the administrator sees them in chromium.

Each test fails on the code before the fix: the migration wizard's "nowas", blank counts and
unselected application; the connect link's raw form; rows that open only through their arrow;
unstarred required fields; technical names in messages; "today" as the issue date of a pasted
secret; MWS fields on brand-new accounts; long values overflowing; "1,001" as a line's sequence.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import urllib.error
import urllib.request
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date

from coquiapps import sql_db
from coquiapps.exceptions import ValidationError
from coquiapps.orm import SUPERUSER_ID, Environment, Registry
from coquiapps.testing import databases
from coquiapps.testing.browser import MARKS, chromium, served_app
from coquiapps.testing.http_session import TOKEN_RE, HttpSession

from .walk import TIMEZONES, Shots, admin_page

pytestmark = MARKS
ACCOUNTS = "/web/action/sale_amazon.action_amazon_account"
APP_NAME = "Sandbox public app (ui polish)"


@pytest.fixture(scope="module")
def db(full_db):
    """A private copy: these tests commit, and count the applications registered (none at first)."""
    name = databases.copy_of(full_db, "uipolish")
    with env_of(name) as env:
        env["amazon.spapi.app"].search([]).write({"active": False})
    return name


@pytest.fixture(scope="module")
def server(db):
    with served_app() as url:
        with env_of(db) as env:
            env["ir.config_parameter"].set_param("web.base.url", url)
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as instance:
        yield instance


@contextlib.contextmanager
def env_of(db: str):
    """A superuser environment whose work is committed on exit."""
    with sql_db.cursor(db) as cr:
        yield Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(db))


def the_app(env):
    """The one SP-API application of the database (a public one, as the demo's)."""
    App = env["amazon.spapi.app"]
    return App.search([("name", "=", APP_NAME)]) or App.create({
        "name": APP_NAME, "kind": "public", "application_id": "amzn1.sp.solution.ui-polish",
        "client_id": "amzn1.application-oa2-client.ui-polish", "client_secret": "ui-polish-secret",
        "secret_issued_on": dt.date(2026, 11, 1)})


def new_account(env, name: str, mws: bool = False, **values):
    keys = {"seller_key": "AUIPOLISH0001", "mws_auth_token": "amzn.mws.ui-polish",
            "aws_access_key_id": "AKIAUIPOLISH", "aws_secret_key": "ui/polish/secret"} if mws else {}
    return env["amazon.account"].create({
        "name": name, "company_id": env.ref("base.main_company").id,
        "base_marketplace_id": env.ref("sale_amazon.marketplace_us").id, **keys, **values})


def field_text(page, name: str) -> str:
    """The shown value of a field of the form's groups."""
    return page.locator(f".o_field_row[data-name={name}] > .o_field_widget").first.inner_text().strip()


def local_day(moment: dt.datetime, tz: str) -> str:
    """``Jan 1, 2026``: the day of a UTC ``moment`` in ``tz`` as the web client writes it (en_US)."""
    return format_date(moment.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(tz)).date(), "medium", locale="en_US")


# -- Move to Selling Partner API ------------------------------------------------------------------
@pytest.mark.parametrize("tz", TIMEZONES)
def test_move_wizard_reads_well_counts_and_preselects_the_app(browser, server, db, tz):
    last_sync = dt.datetime(2026, 1, 2, 3, 4, 5)
    with env_of(db) as env:
        app = the_app(env)
        assert env["amazon.spapi.app"].search_count([]) == 1
        account = new_account(env, f"Amazon US (MWS) {tz}", mws=True, last_orders_sync=last_sync)
        partner = env["res.partner"].create({"name": "Amazon customer"})
        for sku in ("MUG", "CAP", "TEE"):
            product = env["product.product"].create({"name": sku})
            env["amazon.offer"].create({"account_id": account.id, "sku": f"{sku}-{tz}", "product_id": product.id,
                                        "marketplace_id": env.ref("sale_amazon.marketplace_us").id})
        for _i in range(2):
            env["sale.order"].create({"partner_id": partner.id, "amazon_account_id": account.id})
        account_id, app_id = account.id, app.id
    shots = Shots("ui_polish_move_wizard", tz)
    with admin_page(browser, server, db, tz) as page:
        page.goto(f"{server}{ACCOUNTS}/{account_id}")
        page.click("button:has-text('Move to Selling Partner API')")
        page.wait_for_selector(".o_dialog")
        shots(page, "move wizard")
        text = page.locator(".o_dialog").inner_text()
        assert "nowas" not in text
        assert "The moment you click Move to Selling Partner API is recorded as the moment MWS syncing" in text
        assert field_text(page, "offer_count") == "3"
        assert field_text(page, "order_count") == "2"
        assert page.locator("#field_spapi_app_id").input_value() == str(app_id)
        shown = field_text(page, "last_orders_sync")
        assert local_day(last_sync, tz) in shown, shown
        assert ("10:04" if tz == "America/New_York" else "12:04") in shown, shown


# -- the connect link's own record ----------------------------------------------------------------
@pytest.mark.parametrize("tz", TIMEZONES)
def test_connect_link_record_is_readable_copyable_and_revocable(browser, server, db, tz):
    with env_of(db) as env:
        account = new_account(env, f"Amazon US by link {tz}", spapi_app_id=the_app(env).id)
        account_id, account_name = account.id, account.name
    shots = Shots("ui_polish_connect_link", tz)
    with admin_page(browser, server, db, tz) as page:
        page.on("dialog", lambda dialog: dialog.accept())
        page.goto(f"{server}{ACCOUNTS}/{account_id}")
        page.click("button:has-text('Copy Connect Link')")
        page.wait_for_selector(".o_dialog [data-name=url] code")
        url = page.locator(".o_dialog [data-name=url] code").inner_text().strip()
        assert "/amazon_spapi/connect/" in url
        page.goto(f"{server}{ACCOUNTS}/{account_id}")
        page.click("label.o_tab:has-text('Connect Links')")
        # the row opens the record wherever it is clicked
        page.locator("[data-name=sp_link_ids] tr.o_row_link td.o_cell_selection").first.click()
        page.wait_for_url("**/model:amazon.spapi.connect.link/*")
        shots(page, "connect link record")
        title = page.locator(".o_breadcrumb span").inner_text()
        assert title == f"{account_name} connect link"
        html = page.content()
        assert "token_hash" not in html and "Token Hash" not in html and "o_form_save" not in html
        assert page.locator(".o_form_sheet input, .o_form_sheet select, .o_form_sheet textarea").count() == 0
        with env_of(db) as env:
            link = env["amazon.spapi.connect.link"].search([("account_id", "=", account_id)])
            expires = link.expires_at
        assert local_day(expires, tz) in field_text(page, "expires_at")
        assert page.locator("[data-name=url] code").inner_text().strip() == url
        assert page.locator("[data-name=url] button[data-copy]").is_visible()
        page.click("button:has-text('Revoke')")
        page.wait_for_selector(".o_notice_success")
        shots(page, "connect link revoked")
        assert page.locator(".o_statusbar_status .o_arrow_button_current").inner_text() == "Revoked"
        assert page.locator("button:has-text('Revoke')").count() == 0
        assert page.locator("[data-name=url]").count() == 0
        # the owner who opens it now is told, plainly
        page.goto(url)
        shots(page, "revoked link opened")
        assert "was revoked; ask for a new one" in page.locator("#amazon_spapi_message").inner_text()
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url, timeout=60)
    assert refused.value.code == 410
    with env_of(db) as env:
        link = env["amazon.spapi.connect.link"].search([("account_id", "=", account_id)])
        assert link.revoked and not link.sudo().token


def test_only_an_administrator_revokes_a_connect_link(db):
    from coquiapps.exceptions import AccessError

    with env_of(db) as env:
        account = new_account(env, "Amazon US manager link", spapi_app_id=the_app(env).id)
        env["amazon.spapi.connect.link"]._create_for(account)
        link = account.sp_link_ids
        manager = env["res.users"].create({
            "name": "Amazon manager", "login": "ui-polish-manager",
            "groups_id": [(6, 0, [env.ref("sale_amazon.group_amazon_manager").id])]})
        with pytest.raises(AccessError):
            link.with_user(manager).action_revoke()
        assert link.status == "valid"


# -- lists, required fields, messages ----------------------------------------------------------------
def test_list_rows_open_by_click_and_by_keyboard(browser, server, db):
    with env_of(db) as env:
        account_id = new_account(env, "Amazon US row click").id
    shots = Shots("ui_polish_rows", "any")
    with admin_page(browser, server, db, TIMEZONES[0]) as page:
        page.goto(f"{server}{ACCOUNTS}")
        row = page.locator(f"tr[data-id='{account_id}']")
        shots(page, "accounts list")
        row.locator("td.o_cell_many2one").first.click()  # the marketplace, not the arrow
        page.wait_for_url(f"**/web/action/*/{account_id}*")
        page.goto(f"{server}{ACCOUNTS}")
        row = page.locator(f"tr[data-id='{account_id}']")
        assert row.get_attribute("tabindex") == "0"
        row.focus()
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/web/action/*/{account_id}*")


def test_required_fields_are_starred_and_marked_required(browser, server, db):
    shots = Shots("ui_polish_required", "any")
    with admin_page(browser, server, db, TIMEZONES[0]) as page:
        page.goto(f"{server}{ACCOUNTS}/new")
        shots(page, "new account")

        def star(selector):
            return page.eval_on_selector(selector, "e => getComputedStyle(e, '::after').content")

        assert star("label[for=field_name]") == '" *"'  # the title's label
        assert star("[data-name=base_marketplace_id] > label") == '" *"'
        assert star("[data-name=user_id] > label") in ("none", "normal", "")
        for name in ("name", "base_marketplace_id"):
            box = page.locator(f"#field_{name}")
            assert box.get_attribute("required") is not None and box.get_attribute("aria-required") == "true"
        assert page.locator("#field_user_id").get_attribute("aria-required") is None


def test_a_missing_value_is_named_by_its_label(server, db):
    with env_of(db) as env:
        app_id = the_app(env).id
    admin = HttpSession(server)
    admin.login(db)
    _status, _headers, page = admin.request("GET", f"/web/action/model:amazon.spapi.app/{app_id}")
    token = TOKEN_RE.search(page).group(1)
    status, headers, _page = admin.request("POST", f"/web/action/model:amazon.spapi.app/{app_id}", {
        "csrf_token": token, "_button": "object:action_open_rotate_wizard"})
    assert status == 303, _page[-800:]
    wizard = headers["Location"].removeprefix(server)
    _status, _headers, page = admin.request("GET", wizard)
    assert 'name="new_secret"' in page and 'aria-required="true"' in page
    status, _headers, page = admin.request("POST", wizard, {
        "csrf_token": TOKEN_RE.search(page).group(1), "new_secret": "", "_button": "object:action_rotate"})
    assert status == 422
    assert "New Client Secret is required." in page
    assert "new_secret)" not in page and "(new_secret" not in page


def test_orm_required_message_uses_the_label(env):
    with pytest.raises(ValidationError) as refused:
        env["amazon.spapi.app"].create({"name": "No client id"})
    message = str(refused.value)
    assert "LWA Client ID is required" in message and "client_id" not in message


# -- Secret Issued On ----------------------------------------------------------------------------------
def test_secret_issued_on_is_asked_not_defaulted_to_today(browser, server, db):
    with env_of(db) as env:
        account_id = new_account(env, "Amazon US private app").id
    shots = Shots("ui_polish_secret_issued_on", "any")
    with admin_page(browser, server, db, TIMEZONES[0]) as page:
        page.goto(f"{server}/web/action/model:amazon.spapi.app/new")
        assert page.locator("#field_secret_issued_on").input_value() == ""
        page.goto(f"{server}{ACCOUNTS}/{account_id}")
        page.click("button:has-text('Private App Authorization')")
        page.wait_for_selector(".o_dialog")
        shots(page, "private app wizard")
        assert page.locator("#field_secret_issued_on").input_value() == ""
        help_text = page.locator("[data-name=secret_issued_on] > label").get_attribute("title")
        assert "leave empty if unknown" in help_text
    with env_of(db) as env:
        app = env["amazon.spapi.app"].create({"name": "Pasted, date unknown", "kind": "private",
                                              "client_id": "amzn1.application-oa2-client.unknown-date",
                                              "client_secret": "pasted"})
        assert not app.secret_issued_on and not app.secret_expires_on
        sent = [s for s in env["amazon.account"]._cron_credential_health() if s[1] == app.name]
        assert sent == [("secret", app.name, None)]
        assert not [s for s in env["amazon.account"]._cron_credential_health() if s[1] == app.name]  # once
        app_id = app.id
    with admin_page(browser, server, db, TIMEZONES[0]) as page:
        page.goto(f"{server}/web/action/model:amazon.spapi.app/{app_id}")
        shots(page, "app asks for the issue date")
        assert "When did Amazon issue this client secret?" in page.locator(".o_form_sheet").inner_text()


# -- accounts that never had MWS ------------------------------------------------------------------------
def test_a_new_account_shows_nothing_of_mws(browser, server, db):
    with env_of(db) as env:
        fresh = new_account(env, "Amazon US brand new").id
        mws = new_account(env, "Amazon US still on MWS", mws=True).id
    shots = Shots("ui_polish_mws", "any")
    with admin_page(browser, server, db, TIMEZONES[0]) as page:
        page.goto(f"{server}{ACCOUNTS}/{fresh}")
        shots(page, "brand new account")
        assert page.locator("button:has-text('Move to Selling Partner API')").count() == 0
        assert page.locator("[data-name=mws_auth_token]").count() == 0
        assert "Amazon MWS (retired)" not in page.content()
        page.goto(f"{server}{ACCOUNTS}/new")
        assert page.locator("[data-name=mws_auth_token]").count() == 0
        page.goto(f"{server}{ACCOUNTS}/{mws}")
        shots(page, "account still on mws")
        assert page.locator("button:has-text('Move to Selling Partner API')").count() == 1
        assert page.locator("[data-name=mws_auth_token]").count() == 1


# -- long values, sequences -----------------------------------------------------------------------------
def test_long_values_wrap_inside_their_card(browser, server, db):
    long_reason = "Amazon:" + "x" * 400
    with env_of(db) as env:
        account_id = new_account(env, "Amazon US long reason", sp_state_reason=long_reason,
                                 seller_key="A" + "9" * 300).id
    shots = Shots("ui_polish_long_values", "any")
    with admin_page(browser, server, db, TIMEZONES[0]) as page:
        page.set_viewport_size({"width": 1100, "height": 900})
        page.goto(f"{server}{ACCOUNTS}/{account_id}")
        shots(page, "long reason")
        value = page.locator("[data-name=sp_state_reason] .o_field_readonly").bounding_box()
        sheet = page.locator(".o_form_sheet").bounding_box()
        assert value["x"] + value["width"] <= sheet["x"] + sheet["width"]
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        page.goto(f"{server}{ACCOUNTS}")  # the list shows the long seller id
        shots(page, "long seller id in the list")
        assert page.locator(f"tr[data-id='{account_id}']").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_sequences_show_no_thousands_separator(browser, server, db):
    with env_of(db) as env:
        partner = env["res.partner"].create({"name": "Sequence customer"})
        product = env["product.product"].create({"name": "Sequence mug"})
        order = env["sale.order"].create({"partner_id": partner.id, "order_line": [(0, 0, {
            "product_id": product.id, "name": "Sequence mug", "sequence": 1001, "product_uom_qty": 1234,
            "price_unit": 1})]})
        order_id = order.id
    with admin_page(browser, server, db, TIMEZONES[0]) as page:
        page.goto(f"{server}/web/action/sale.action_orders/{order_id}")
        Shots("ui_polish_sequence", "any")(page, "order lines")
        row = page.locator("[data-name=order_line] tbody tr").first
        assert row.locator("td.o_cell_integer").first.inner_text().strip() == "1001"
        assert "1,234" in row.inner_text()  # quantities keep their separator
