"""The Amazon account form in a real browser: its tabs, then its orders."""
import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from coquiapps.http import Application

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
OUTPUT = Path(__file__).resolve().parents[4] / "test-output"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is missing (apt-get install chromium)"),
]


def test_account_form_tabs_and_orders(new_db):
    from playwright.sync_api import sync_playwright

    db = new_db(modules=("sale_amazon",), demo=True, label="amazonform")
    httpd = make_server("127.0.0.1", 0, Application(), threaded=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_port}"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page()
            page.goto(f"{url}/web/login?db={db}")
            page.fill("#login", "admin")
            page.fill("#password", "admin")
            page.click("button[type=submit]")
            page.wait_for_url(f"{url}/web")
            page.goto(f"{url}/web/action/sale_amazon.action_amazon_account")
            page.locator("tr:has-text('Amazon US (MWS)') a").first.click()
            page.wait_for_selector("label.o_tab")
            tabs = page.locator("label.o_tab").all_inner_texts()
            assert {"Credentials", "Marketplaces", "Order Follow-up"} <= set(tabs)
            page.click("label.o_tab:has-text('Marketplaces')")
            assert page.locator(".o_notebook_page:visible").first.inner_text().count("amazon.") >= 1
            OUTPUT.mkdir(exist_ok=True)
            page.screenshot(path=str(OUTPUT / "sale_amazon_account_form.png"), full_page=True)
            page.click("button[value='object:action_view_orders']")
            page.wait_for_load_state()
            page.screenshot(path=str(OUTPUT / "sale_amazon_account_orders.png"), full_page=True)
            rows = page.locator("table tbody tr")
            assert rows.count() > 50  # the demo's imported orders
            page.screenshot(path=str(OUTPUT / "sale_amazon_account_orders.png"), full_page=True)
            browser.close()
    finally:
        httpd.shutdown()
