"""Consent in a real browser: the administrator's Link with Amazon, and the owner's connect link."""
import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from coquiapps.http import Application

from .amazon_sandbox.testing import running
from .spapi_world import new_world

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
OUTPUT = Path(__file__).resolve().parents[1] / "test-output" / "spapi"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is missing (apt-get install chromium)"),
]


@pytest.fixture(scope="module")
def server():
    httpd = make_server("127.0.0.1", 0, Application(), threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


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
