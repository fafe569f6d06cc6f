"""Guide 004 (``../shared/seeds/004_*.txt``), private seller application, in the browser.

An administrator in a non-UTC timezone registers the private application (LWA client id
and secret from the Developer Console), pastes the seller's ``Atzr|`` refresh token, and
connects the account; another seller's token is refused and nothing is saved (issue #13,
problem 5); when the client secret lapses the account says "Error" with the reason at once,
and rotating the secret (Rotate Client Secret) brings it back. Amazon is the sandbox;
outcomes are checked in the database.
"""
import pytest

from coquiapps.testing.browser import MARKS, chromium

from .sandbox_walk import (
    click_button,
    field,
    form_error,
    kept_on_failure,
    open_account,
    open_menu,
    sandbox_world,
)
from .walk import TIMEZONES, Shots, admin_page

pytestmark = [*MARKS, pytest.mark.slow]

ACCOUNT = "Amazon US (private app)"
OTHER = "Amazon US (second store)"
APP = "Our private app"
WEEK = 7 * 24 * 3600


@pytest.fixture(scope="module")
def browser():
    with chromium() as instance:
        yield instance


@pytest.fixture
def world(full_db, server):
    with sandbox_world(full_db, server, seed=404) as world:
        yield world


def authorize_private_app(page, token: str, seller_id: str = "") -> None:
    """The account's Private App Authorization: the registered app, the pasted token, Verify and Save."""
    click_button(page, "action_open_private_app_wizard")
    page.wait_for_selector("#field_refresh_token")
    page.select_option("#field_spapi_app_id", label=APP)
    page.fill("#field_refresh_token", token)
    page.fill("#field_selling_partner_id", seller_id)
    page.click("button[value='object:action_authorize']")


def grant_of(world, name: str) -> tuple:
    with world.env() as env:
        account = env["amazon.account"].search([("name", "=", name)])
        return (account.sp_state, account.sp_selling_partner_id or False,
                account.sudo().sp_refresh_token or False, account.spapi_app_id.name or False)


@pytest.mark.parametrize("tz", TIMEZONES)
def test_guide_004_private_app(browser, server, world, tz):
    h = world.h
    shots = Shots("004_private_app", tz)
    private = h.app("private")
    seller = h.seller("NA")
    # another North-America seller (same region: only the seller check can tell them apart)
    stranger = h.control("POST", "sellers", {"region": "NA", "marketplace_ids": ["ATVPDKIKX0DER"],
                                             "name": "Another US seller"})
    with world.env() as env:
        world.make_account(env, name=ACCOUNT, seller_key=seller["selling_partner_id"])
        world.make_account(env, name=OTHER)

    with admin_page(browser, server, world.db, tz) as page, kept_on_failure(page, shots):
        # steps 1-3 and 7-8 of the guide: the app registered, its LWA client id and secret copied
        open_menu(page, "SP-API Applications")
        page.click("a.o_btn:has-text('New')")
        page.fill("#field_name", APP)
        page.select_option("#field_kind", "private")
        page.fill("#field_client_id", private["client_id"])
        page.fill("#field_client_secret", private["client_secret"])
        page.click("button.o_form_save")
        assert page.locator(".o_notice_success").is_visible(), form_error(page)
        click_button(page, "action_test_credentials")
        assert "accepted the client id and secret" in page.inner_text(".o_notice_success")
        shots(page, "private app registered and tested")

        # steps 4-6: Authorize in Seller Central shows the refresh token; pasted on the account
        _app, token = h.refresh_token("NA", private)
        open_account(page, ACCOUNT)
        shots(page, "account not connected")
        click_button(page, "action_open_private_app_wizard")
        page.wait_for_selector("#field_refresh_token")
        shots(page, "private app authorization wizard")
        page.click("a[data-special=cancel]")
        authorize_private_app(page, token)
        assert "connected through the private application" in page.inner_text(".o_notice_success"), \
            form_error(page)
        open_account(page, ACCOUNT)
        assert field(page, "sp_state") == "Connected"
        assert field(page, "sp_selling_partner_id") == seller["selling_partner_id"]
        assert field(page, "sp_access_token_expires")  # the token came with its expiry
        shots(page, "account connected")
        connected = ("connected", seller["selling_partner_id"], token, APP)
        assert grant_of(world, ACCOUNT) == connected

        # another seller's token on this account: refused, nothing saved
        foreign = h.control("POST", "self-authorize", {
            "client_id": private["client_id"], "selling_partner_id": stranger["selling_partner_id"]})["refresh_token"]
        authorize_private_app(page, foreign)
        error = form_error(page)
        assert f"not seller {seller['selling_partner_id']}'s" in error and "Nothing was saved" in error, error
        shots(page, "another seller's token refused")
        assert grant_of(world, ACCOUNT) == connected
        # ... even when its seller id is typed in as well
        page.click("a[data-special=cancel]")
        authorize_private_app(page, foreign, stranger["selling_partner_id"])
        error = form_error(page)
        assert f"belongs to seller {seller['selling_partner_id']}" in error and "Nothing was saved" in error, error
        shots(page, "another seller id refused")
        assert grant_of(world, ACCOUNT) == connected

        # this seller's token on a second account: the seller is linked already
        _app, again = h.refresh_token("NA", private)
        open_account(page, OTHER)
        authorize_private_app(page, again, seller["selling_partner_id"])
        error = form_error(page)
        assert f"already linked to the account {ACCOUNT}" in error and "Nothing was saved" in error, error
        shots(page, "seller linked to another account refused")
        assert grant_of(world, OTHER) == ("not_connected", False, False, False)
        assert grant_of(world, ACCOUNT) == connected

        # maintenance: the secret is rotated in the Developer Console; a week on, the old one lapses
        rotated = h.control("POST", f"apps/{private['client_id']}/rotate-secret", {})["client_secret"]
        h.advance(WEEK + 60)
        open_account(page, ACCOUNT)
        click_button(page, "action_sp_test_connection")
        assert "client secret" in form_error(page)
        # the state follows Amazon's answer at once (issue #13, problem 8)
        assert field(page, "sp_state") == "Error"
        assert "client secret" in field(page, "sp_state_reason")
        shots(page, "client secret lapsed account in error")
        assert grant_of(world, ACCOUNT)[0] == "error"

        open_menu(page, "SP-API Applications")
        page.click(f"tr:has-text('{APP}') .o_row_open a")
        click_button(page, "action_open_rotate_wizard")
        page.fill("#field_new_secret", rotated)
        shots(page, "rotate client secret")
        page.click("button[value='object:action_rotate']")
        assert "works and is saved" in page.inner_text(".o_notice_success"), form_error(page)
        shots(page, "client secret rotated")
        with world.env() as env:
            app = env["amazon.spapi.app"].search([("name", "=", APP)])
            assert app.sudo().client_secret == rotated
            assert app.account_ids.mapped("sp_state") == ["connected"]

        open_account(page, ACCOUNT)
        click_button(page, "action_sp_test_connection")
        assert "Amazon answered" in page.inner_text(".o_notice_success"), form_error(page)
        assert field(page, "sp_state") == "Connected"
        shots(page, "connected again")
    assert grant_of(world, ACCOUNT) == connected
