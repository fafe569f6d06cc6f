"""In a real browser: an Amazon order's Delivery smart button, validation with carrier and tracking,
and the delivery's Amazon sync state (admin in America/New_York)."""
import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from coquiapps import sql_db
from coquiapps.orm import SUPERUSER_ID, Environment, Registry
from coquiapps.testing.browser import MARKS, chromium, login, served_app

from ..models.amazon_outbound import Outcome
from .common import make_order

OUTPUT = Path(__file__).resolve().parents[4] / "test-output"

pytestmark = MARKS


def run(dbname, func):
    cr = sql_db.cursor(dbname)
    try:
        result = func(Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(dbname)))
        cr.commit()
        return result
    finally:
        cr.close()


def _setup(env):
    env.ref("base.user_admin").tz = "America/New_York"
    product = env["product.product"].create({"name": "Coqui Mug", "default_code": "CQ-MUG-INT"})
    marketplace = env.ref("sale_amazon.marketplace_us")
    account = env["amazon.account"].create({"name": "Browser Amazon US", "base_marketplace_id": marketplace.id,
                                            "active_marketplace_ids": [(6, 0, [marketplace.id])]})
    env["amazon.offer"].create({"account_id": account.id, "sku": "SKU-MUG", "product_id": product.id})
    order, _created = account.with_context(amazon_sync_commit=False)._import_normalized_order(
        make_order("114-0000001-0000042"))
    return order.id


def _refused_by_amazon(env):
    picking = env["stock.picking"].search([("amazon_sync_state", "=", "pending")])
    picking.amazon_account_id._amazon_apply_outcomes(
        "shipments", picking, {picking.id: Outcome("error", "Invalid tracking number for carrier UPS")})


def test_validate_amazon_delivery_in_browser(new_db):
    db = new_db(modules=("sale_amazon",), label="amazondelivery")
    order_id = run(db, _setup)
    with served_app() as url, chromium() as browser:
        page = browser.new_page()
        login(page, url, db)
        page.goto(f"{url}/web/action/sale_amazon.action_amazon_orders/{order_id}")
        page.click("button[value='object:action_view_delivery']")
        page.wait_for_selector(".o_form_statusbar")
        assert "WH/OUT/" in page.locator("h1").inner_text()
        # Amazon needs both: validating without them says so, and changes nothing
        page.click("button[value='object:button_validate']")
        page.wait_for_selector("text=set a carrier and a tracking reference before validating")
        page.select_option("select[name=carrier_id]", label="UPS")
        page.fill("input[name=carrier_tracking_ref]", "1Z999AA10123456784")
        page.click("button[value='object:button_validate']")
        page.wait_for_selector(".o_field_row[data-name=amazon_sync_state]:has-text('To Send')")
        assert "Done" in page.locator(".o_arrow_button_current").inner_text()
        assert "1Z999AA10123456784" in page.locator(".o_field_row[data-name=carrier_tracking_ref]").inner_text()
        shown_date = page.locator(".o_field_row[data-name=date_done]").inner_text()
        OUTPUT.mkdir(exist_ok=True)
        page.screenshot(path=str(OUTPUT / "sale_amazon_delivery_validated.png"), full_page=True)
        # Amazon refuses it (as a sink reports): the admin sees why, fixes the tracking and retries
        run(db, _refused_by_amazon)
        page.reload()
        page.wait_for_selector("[data-name=amazon_error]:has-text('Invalid tracking number for carrier UPS')")
        page.screenshot(path=str(OUTPUT / "sale_amazon_delivery_refused.png"), full_page=True)
        page.fill("input[name=carrier_tracking_ref]", "1Z999AA10123456785")
        page.click("button[value='object:action_amazon_retry']")
        page.wait_for_selector(".o_field_row[data-name=amazon_sync_state]:has-text('To Send')")
        assert not page.locator("[data-name=amazon_error]").count()

    def check(env):
        picking = env["sale.order"].browse(order_id).picking_ids
        assert (picking.state, picking.amazon_sync_state) == ("done", "pending")
        assert picking.carrier_id.name == "UPS" and picking.carrier_tracking_ref == "1Z999AA10123456785"
        # shown in the admin's time zone, not in UTC
        local = picking.date_done.replace(tzinfo=dt.UTC).astimezone(ZoneInfo("America/New_York"))
        assert f"{local:%-I:%M}" in shown_date
    run(db, check)
