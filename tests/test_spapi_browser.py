"""Consent in a real browser: the administrator's Link with Amazon, and the owner's connect link."""
from pathlib import Path

import pytest

from amazon_sandbox.testing import running
from coquiapps.testing.browser import MARKS, chromium

from .spapi_world import new_world

OUTPUT = Path(__file__).resolve().parents[1] / "test-output" / "spapi"

pytestmark = MARKS


@pytest.fixture(scope="module")
def browser():
    with chromium() as instance:
        yield instance


@pytest.fixture
def world(server, full_db):
    with running(seed=15) as harness:
        world = new_world(harness, full_db)
        with world.env() as env:
            env["ir.config_parameter"].set_param("web.base.url", server)
        callback = f"{server}/amazon_spapi/callback"
        for app in harness.state()["apps"]:
            if app["kind"] == "public":
                harness.control("PUT", f"apps/{app['client_id']}/redirect-uris", {"redirect_uris": [callback]})
        yield world


def shot(page, name):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"{name}.png"), full_page=True)


def sign_in_at_amazon(page, world, region="NA"):
    seller = world.h.seller(region)
    page.wait_for_selector("select[name=selling_partner_id]")
    page.select_option("select[name=selling_partner_id]", seller["selling_partner_id"])
    page.fill("#password", seller["password"])
    page.click("#confirm")


def test_admin_links_with_amazon(browser, server, world):
    with world.env() as env:
        account_id = world.make_account(env, world.make_app(env), name="Amazon US browser").id
    context = browser.new_context()
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{server}/web/login?db={world.db}")
    page.fill("#login", "admin")
    page.fill("#password", "admin")
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/web")
    page.goto(f"{server}/web/action/model:amazon.account/{account_id}")
    shot(page, "1_account_not_connected")
    page.click("button[value='object:action_sp_link']:visible")
    page.wait_for_url(f"{world.h.url}/apps/authorize/consent*")
    shot(page, "2_amazon_consent")
    sign_in_at_amazon(page, world)
    page.wait_for_selector("#amazon_spapi_result[data-outcome=connected]")
    shot(page, "3_connected")
    page.click("#amazon_spapi_back")
    page.wait_for_url(f"{server}/web/action/**")
    assert "Connected" in page.content()
    context.close()
    with world.env() as env:
        assert env["amazon.account"].browse(account_id).sp_state == "connected"


def test_owner_uses_the_connect_link(browser, server, world):
    with world.env() as env:
        account = world.make_account(env, world.make_app(env), name="Amazon US owner")
        url = env["amazon.spapi.connect.link"]._create_for(account)
        account_id = account.id
    context = browser.new_context()  # the owner: no ERP session
    page = context.new_page()
    page.goto(url)
    assert "My Company" in page.inner_text("#amazon_spapi_company")
    shot(page, "4_connect_link_page")
    page.click("#amazon_spapi_go")
    sign_in_at_amazon(page, world)
    page.wait_for_selector("#amazon_spapi_result[data-outcome=connected]")
    assert "close this window" in page.inner_text("#amazon_spapi_close")
    shot(page, "5_owner_done")
    page.goto(url)  # used: it does not work twice
    assert "already used" in page.content()
    context.close()
    with world.env() as env:
        assert env["amazon.account"].browse(account_id).sp_state == "connected"


def test_owner_sees_the_links_expiry_in_their_own_zone(browser, server, world):
    """An owner the server knows nothing of (no session, no zone cookie) reads the expiry in the
    browser's zone, named, not in UTC."""
    import datetime as dt
    import zoneinfo

    with world.env() as env:
        account = world.make_account(env, world.make_app(env), name="Amazon US owner zone")
        url = env["amazon.spapi.connect.link"]._create_for(account)
        expires = env["amazon.spapi.connect.link"].search([("account_id", "=", account.id)]).expires_at
    context = browser.new_context(timezone_id="Asia/Tokyo", locale="en-US")
    page = context.new_page()
    page.goto(url)
    when = page.locator("time[data-local]")
    when.wait_for()
    page.wait_for_function("document.querySelector('time[data-local]').textContent.includes('Asia/Tokyo')")
    local = expires.replace(tzinfo=dt.UTC).astimezone(zoneinfo.ZoneInfo("Asia/Tokyo"))
    text = when.inner_text()
    assert local.strftime("%-I:%M:%S") in text and str(local.year) in text, text
    shot(page, "4b_connect_link_expiry_in_tokyo")
    context.close()
