"""In a real browser (admin in Asia/Tokyo): an FBM order imported from the sandbox, its delivery validated with
carrier and tracking, confirmed to Amazon through a feed; a delivery Amazon refuses shows why, with Retry."""
import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from amazon_sandbox.testing import running
from coquiapps.testing.browser import MARKS, chromium, login, served_app

from .outbound_world import OutboundWorld

OUTPUT = Path(__file__).resolve().parents[1] / "test-output"
STATE = ".o_field_row[data-name=amazon_sync_state]"

pytestmark = MARKS


@pytest.fixture
def ow(full_db):
    with running(seed=45) as h:
        yield OutboundWorld(h, full_db)


def _open_delivery(page, url, order_id):
    page.goto(f"{url}/web/action/sale_amazon.action_amazon_orders/{order_id}")
    page.click("button[value='object:action_view_delivery']")
    page.wait_for_selector(".o_form_statusbar")


def test_delivery_validated_in_the_browser_is_confirmed_by_amazon(ow):
    shipped, _items = ow.new_order()
    refused, _items2 = ow.new_order()
    ow.sync()
    with ow.env() as env:
        env.ref("base.user_admin").tz = "Asia/Tokyo"
        ids = {ref: ow.order(env, ref).id for ref in (shipped, refused)}
        # the second order's id drifted from Amazon's: Amazon will not find it
        env.cr.execute("UPDATE sale_order SET amazon_order_ref = '999-0000000-0000001' WHERE id = %s",
                       (ids[refused],))
    OUTPUT.mkdir(exist_ok=True)
    with served_app() as url, chromium() as browser:
        page = browser.new_page()
        login(page, url, ow.world.db)
        for ref, tracking in ((shipped, "1ZTOKYO0000001"), (refused, "1ZTOKYO0000002")):
            _open_delivery(page, url, ids[ref])
            page.select_option("select[name=carrier_id]", label="UPS")
            page.fill("input[name=carrier_tracking_ref]", tracking)
            page.click("button[value='object:button_validate']")
            page.wait_for_selector(f"{STATE}:has-text('To Send')")
        shown_date = page.locator(".o_field_row[data-name=date_done]").inner_text()
        page.screenshot(path=str(OUTPUT / "spapi_delivery_validated.png"), full_page=True)

        ow.send_and_confirm()      # the two scheduled actions, with Amazon's processing in between

        _open_delivery(page, url, ids[shipped])
        page.wait_for_selector(f"{STATE}:has-text('Confirmed by Amazon')")
        feed_ref = page.locator(".o_field_row[data-name=amazon_feed_ref]").inner_text()
        page.screenshot(path=str(OUTPUT / "spapi_delivery_confirmed.png"), full_page=True)

        _open_delivery(page, url, ids[refused])
        page.wait_for_selector("[data-name=amazon_error]:has-text('999-0000000-0000001')")
        page.wait_for_selector("[data-name=amazon_error]:has-text('Retry')")
        page.screenshot(path=str(OUTPUT / "spapi_delivery_refused.png"), full_page=True)
        with ow.env() as env:   # the admin corrects the order id (here straight in the database)
            env.cr.execute("UPDATE sale_order SET amazon_order_ref = %s WHERE id = %s", (refused, ids[refused]))
        page.click("button[value='object:action_amazon_retry']")
        page.wait_for_selector(f"{STATE}:has-text('To Send')")
        ow.send_and_confirm()
        page.reload()
        page.wait_for_selector(f"{STATE}:has-text('Confirmed by Amazon')")
        page.screenshot(path=str(OUTPUT / "spapi_delivery_retried.png"), full_page=True)
        # for support: the feeds, each with its document and Amazon's processing report
        page.goto(f"{url}/web/action/sale_amazon_spapi.action_amazon_spapi_feed")
        page.wait_for_selector("text=POST_ORDER_FULFILLMENT_DATA")
        page.screenshot(path=str(OUTPUT / "spapi_feeds.png"), full_page=True)
        page.click("tr:has-text('POST_ORDER_FULFILLMENT_DATA/1') a >> nth=0")   # the first feed sent
        page.wait_for_selector("text=Processing Report")
        page.screenshot(path=str(OUTPUT / "spapi_feed_form.png"), full_page=True)
        feed_name = page.locator("h1 [data-name=name]").inner_text().strip()
        downloads = {}
        for field in ("document", "report"):   # both XML files download under the feed's reference
            with page.expect_download() as info:
                page.click(f"[data-name={field}] a.o_download")
            downloads[field] = (info.value.suggested_filename, Path(info.value.path()).read_bytes())

    amazon = ow.amazon_order(shipped)
    assert amazon["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    assert [p["trackingNumber"] for p in amazon["packages"]] == ["1ZTOKYO0000001"]
    assert ow.amazon_order(refused)["packages"][0]["trackingNumber"] == "1ZTOKYO0000002"
    with ow.env() as env:
        picking = env["sale.order"].browse(ids[refused]).picking_ids
        assert picking.amazon_sync_state == "done"
        feed = ow.feeds(env).sorted("id")[0]
        assert feed.feed_id in feed_ref
        shown = ow.feeds(env).filtered(lambda f: f.name == feed_name)
        assert downloads["document"] == (shown.document_filename, shown.document)
        assert downloads["report"] == (shown.report_filename, shown.report)
        # shown in the admin's time zone (Tokyo), not in UTC
        local = picking.date_done.replace(tzinfo=dt.UTC).astimezone(ZoneInfo("Asia/Tokyo"))
        assert f"{local:%-I:%M}" in shown_date or f"{local:%H:%M}" in shown_date
