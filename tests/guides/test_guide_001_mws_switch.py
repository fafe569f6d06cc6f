"""Guide 001 (MWS -> SP-API) in chromium, by an admin whose zone is not UTC.

The guide's one critical rule: note the exact moment MWS is switched off and put
it in *Ignore Orders Before*; no order created before it may be imported. The
admin reads the switch-off on screen (their zone), types it to the second, clicks
the header buttons (each saves the form first), links with Amazon, activates the
account and syncs. The database then must hold: cutoff == switch-off to the
second, every order created from the switch-off on imported once, none before.
"""
import datetime as dt
import re
import zoneinfo

import pytest

from amazon_sandbox.testing import running
from coquiapps.testing.browser import MARKS, chromium

from ..spapi_world import new_world
from .walk import TIMEZONES, Shots, admin_page

pytestmark = MARKS

ACCOUNT = "Amazon US (MWS)"
# orders Amazon holds around the switch-off (seconds from it); those before must stay out
OFFSETS = [-3 * 3600, -600, -60, -4, -1, 0, 1, 4, 60]


@pytest.fixture(scope="module")
def browser():
    with chromium() as instance:
        yield instance


@pytest.fixture
def world(server, full_db):
    with running(seed=1) as harness:
        world = new_world(harness, full_db)
        with world.env() as env:
            env["ir.config_parameter"].set_param("web.base.url", server)
        for app in harness.state()["apps"]:
            if app["kind"] == "public":
                harness.control("PUT", f"apps/{app['client_id']}/redirect-uris",
                                {"redirect_uris": [f"{server}/amazon_spapi/callback"]})
        yield world


def field_text(page, name: str) -> str:
    return page.inner_text(f".o_field_row[data-name={name}] .o_field_widget")


def shown_moment(text: str) -> dt.datetime:
    """A read-only date-time as the en-US web client shows it ("Dec 3, 2026, 9:18:07 AM")."""
    clean = re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\xa0", " ")).strip()
    return dt.datetime.strptime(clean, "%b %d, %Y, %I:%M:%S %p")


def succeeded(page):
    """Wait for the page's outcome (a notice or a form error) and check it is a success."""
    page.wait_for_selector(".o_notice_success, .o_notice_danger, .o_notice_warning, .o_form_error")
    assert page.locator(".o_notice_success").count(), page.inner_text(".o_content")


def save(page):
    page.click("button.o_form_save")
    succeeded(page)


def iso(moment: dt.datetime) -> str:
    return moment.replace(tzinfo=dt.UTC).isoformat()


@pytest.mark.parametrize("tz", TIMEZONES)
def test_guide_001_switch_off_is_the_cutoff(browser, server, world, tz):
    zone = zoneinfo.ZoneInfo(tz)
    seller = world.h.seller("NA")
    spid = seller["selling_partner_id"]
    with world.env() as env:
        world.make_app(env)
        account = world.make_account(env, name=ACCOUNT, seller_key=spid, mws_auth_token="amzn.mws.old",
                                     aws_secret_key="old-secret")
        account_id = account.id
    shots = Shots("001_mws_switch", tz)
    with admin_page(browser, server, world.db, tz) as page:
        page.on("dialog", lambda dialog: dialog.accept())
        page.goto(f"{server}/web/action/model:amazon.account/{account_id}")
        shots(page, "mws account")

        # Step two: turn the MWS channel off; the moment is recorded (and shown to the second)
        page.click("button:has-text('Move to Selling Partner API')")
        page.select_option("#field_spapi_app_id", label="Sandbox public")
        page.select_option("#field_then", "later")
        shots(page, "move to spapi wizard")
        page.click(".o_dialog .o_form_footer button:has-text('Move to Selling Partner API')")
        succeeded(page)
        page.goto(f"{server}/web/action/model:amazon.account/{account_id}")
        with world.env() as env:
            switched_off = env["amazon.account"].browse(account_id).sp_mws_switched_off
        noted = shown_moment(field_text(page, "sp_mws_switched_off"))
        # what the admin notes is the switch-off in their own zone, to the second
        assert noted == switched_off.replace(tzinfo=dt.UTC).astimezone(zone).replace(tzinfo=None)
        cutoff_input = page.locator("#field_sp_ignore_orders_before")
        assert cutoff_input.input_value() == noted.strftime("%Y-%m-%dT%H:%M:%S")
        shots(page, "switched off")

        # Step three: the channel stays off while it is set up; Ignore Orders Before typed by hand
        # (first a slip of a minute, seen and corrected: both typed values must be stored exactly)
        page.check("#field_sp_no_fetch")
        slip = noted + dt.timedelta(minutes=1)
        cutoff_input.fill(slip.strftime("%Y-%m-%dT%H:%M:%S"))
        save(page)
        with world.env() as env:
            typed = env["amazon.account"].browse(account_id).sp_ignore_orders_before
        assert typed == switched_off + dt.timedelta(minutes=1)
        page.locator("#field_sp_ignore_orders_before").fill(noted.strftime("%Y-%m-%dT%H:%M:%S"))
        save(page)
        shots(page, "ignore orders before typed")
        assert_cutoff(world, account_id, switched_off)

        # Connect: Link with Amazon (a header button: it saves the form first)
        page.click("button[value='object:action_sp_link']:visible")
        page.wait_for_url(f"{world.h.url}/apps/authorize/consent*")
        shots(page, "amazon consent")
        page.select_option("select[name=selling_partner_id]", spid)
        page.fill("#password", seller["password"])
        page.click("#confirm")
        page.wait_for_selector("#amazon_spapi_result[data-outcome=connected]")
        shots(page, "connected")
        page.click("#amazon_spapi_back")
        page.wait_for_url(f"{server}/web/action/**")
        assert_cutoff(world, account_id, switched_off)

        # the other header buttons save the form first too: nothing the admin did not touch moves
        for button in ("action_sp_test_connection", "action_sp_refresh_token"):
            page.goto(f"{server}/web/action/model:amazon.account/{account_id}")
            page.click(f"button[value='object:{button}']:visible")
            succeeded(page)
            assert_cutoff(world, account_id, switched_off)
        shots(page, "test connection")

        # Step four: turn the channel on, then sync
        page.goto(f"{server}/web/action/model:amazon.account/{account_id}")
        page.uncheck("#field_sp_no_fetch")
        save(page)
        shots(page, "activated")
        expected = seed_orders(world, spid, switched_off)
        world.h.advance(600)  # Amazon's search ends 2 minutes before its now: let it cover them all
        page.click("button[value='object:action_sync_orders']:visible")
        succeeded(page)
        shots(page, "orders synced")

    # the scheduled sync keeps the same rule: two more orders around the switch-off, updated now
    late = {"114-0000001-0000001": -2, "114-0000001-0000002": 2}
    world.h.control("POST", "orders", {"selling_partner_id": spid, "orders": [
        {"order_id": ref, "created": iso(switched_off + dt.timedelta(seconds=offset)), "status": "UNSHIPPED",
         "status_changes": [{"at": 1, "status": "SHIPPED"}]} for ref, offset in late.items()]})
    world.h.advance(600)
    with world.env() as env:
        env["amazon.account"]._cron_sync_orders()
    expected.update(late)

    assert_cutoff(world, account_id, switched_off)
    with world.env() as env:
        env.cr.execute("SELECT amazon_order_ref, count(*) FROM sale_order WHERE amazon_account_id = %s "
                       "GROUP BY amazon_order_ref", (account_id,))
        imported = dict(env.cr.fetchall())
    before = {ref for ref, offset in expected.items() if offset < 0}
    after = {ref for ref, offset in expected.items() if offset >= 0}
    assert not before & set(imported), f"created before the switch-off, imported: {sorted(before & set(imported))}"
    assert after <= set(imported) and all(imported[ref] == 1 for ref in after)


def assert_cutoff(world, account_id, switched_off):
    with world.env() as env:
        account = env["amazon.account"].browse(account_id)
        assert account.sp_ignore_orders_before == switched_off == account.sp_mws_switched_off


def seed_orders(world, spid, switched_off) -> dict:
    """Orders created around the switch-off, all updated after it (so Amazon returns them all)."""
    refs = {f"114-0000000-{i:07d}": offset for i, offset in enumerate(OFFSETS)}
    world.h.control("POST", "orders", {"selling_partner_id": spid, "orders": [
        {"order_id": ref, "created": iso(switched_off + dt.timedelta(seconds=offset)), "status": "UNSHIPPED",
         "status_changes": [{"at": iso(switched_off + dt.timedelta(seconds=90)), "status": "SHIPPED"}]}
        for ref, offset in refs.items()]})
    return refs
