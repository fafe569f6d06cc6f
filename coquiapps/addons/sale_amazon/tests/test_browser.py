"""The Amazon account form in a real browser: its tabs, then its orders."""
from pathlib import Path

from coquiapps.testing.browser import MARKS, chromium, served_app

OUTPUT = Path(__file__).resolve().parents[4] / "test-output"

pytestmark = MARKS


def test_account_form_tabs_and_orders(new_db):
    db = new_db(modules=("sale_amazon",), demo=True, label="amazonform")
    with served_app() as url, chromium() as browser:
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
