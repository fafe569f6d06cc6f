"""Linking an account through Amazon's consent page: the admin, the owner, and every refusal."""
import pytest

from amazon_sandbox.testing import running
from coquiapps.addons.web.tests.common import WebClient, text

from .spapi_world import confirm_on_amazon, new_world, page_outcome


@pytest.fixture(scope="module")
def harness():
    with running(seed=11) as h:
        yield h


@pytest.fixture
def world(harness, full_db):
    return new_world(harness, full_db)


@pytest.fixture
def linked(world):
    """An account with a public app, and an admin logged in the web client."""
    with world.env() as env:
        app = world.make_app(env)
        account_id = world.make_account(env, app).id
    client = WebClient()
    client.login(world.db)
    return world, client, account_id


def start(world, account_id, **kw):
    with world.env() as env:
        return env["amazon.account"].browse(account_id)._sp_consent_url(**kw)


def callback(client, query):
    from urllib.parse import urlencode

    return client.get("/amazon_spapi/callback?" + urlencode(query))


def test_admin_consent_connects_the_account(linked):
    world, client, account_id = linked
    url = start(world, account_id)
    assert url.startswith(world.h.url + "/apps/authorize/consent?application_id=amzn1.sp.solution.")
    query = confirm_on_amazon(world.h, url)
    response = callback(client, query)
    assert page_outcome(response) == "connected", text(response)
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "Back to the account" in text(response)
    seller = world.h.seller("NA")
    with world.env() as env:
        account = env["amazon.account"].browse(account_id)
        assert account.sp_state == "connected"
        assert account.sp_selling_partner_id == seller["selling_partner_id"]
        assert account.sudo().sp_refresh_token.startswith("Atzr|")
        assert account.sp_authorized_on and account.sp_last_success
        codes = set(account.active_marketplace_ids.mapped("api_ref"))
        assert codes == set(seller["marketplace_ids"])
        env.cr.execute("SELECT sp_refresh_token FROM amazon_account WHERE id = %s", (account_id,))
        assert env.cr.fetchone()[0].startswith("enc1:")  # encrypted at rest
    # replaying the same callback (a reload of the success page) exchanges nothing again, and says
    # what is true: the account is connected
    with world.env() as env:
        authorized_on = env["amazon.account"].browse(account_id).sp_authorized_on
    codes_exchanged = world.lwa_calls("authorization_code")
    again = callback(client, query)
    assert page_outcome(again) == "connected" and "completed already" in text(again), text(again)
    assert "Nothing was changed" not in text(again)
    assert world.lwa_calls("authorization_code") == codes_exchanged
    with world.env() as env:
        assert env["amazon.account"].browse(account_id).sp_authorized_on == authorized_on


def test_draft_app_sends_version_beta(world):
    with world.env() as env:
        app = world.make_app(env, draft=True)
        url = world.make_account(env, app)._sp_consent_url()
    assert "version=beta" in url
    assert world.h.http.get(url, timeout=10).status_code == 200


@pytest.mark.parametrize("mutation", ["forged", "truncated", "other_db", "garbage", "empty"])
def test_tampered_state_is_refused(linked, mutation):
    world, client, account_id = linked
    query = confirm_on_amazon(world.h, start(world, account_id))
    state = query["state"]
    body, mac = state.split(".")
    query["state"] = {"forged": body + "." + ("A" if mac[0] != "A" else "B") + mac[1:],
                      "truncated": state[:-3], "other_db": "e30." + mac, "garbage": "not-a-state",
                      "empty": ""}[mutation]
    response = callback(client, query)
    assert response.status_code == 400 and page_outcome(response) == "bad_state"
    with world.env() as env:
        assert env["amazon.account"].browse(account_id).sp_state == "not_connected"


def test_expired_state_is_refused(linked):
    world, client, account_id = linked
    query = confirm_on_amazon(world.h, start(world, account_id))
    with world.env() as env:
        env.cr.execute("UPDATE amazon_spapi_consent SET expires_at = expires_at - interval '1 hour'")
    # the signature carries the expiry: rewrite nothing, just wait it out by changing the clock of the check
    from coquiapps.addons.sale_amazon_spapi.models import oauth_state

    payload = oauth_state.peek(query["state"])
    with world.env() as env:
        secret = env["ir.config_parameter"].get_param("database.secret")
    with pytest.raises(oauth_state.StateError, match="expired"):
        oauth_state.verify(secret, query["state"], now=payload["exp"] + 1)


def test_state_of_another_account_is_refused(linked):
    world, client, account_id = linked
    with world.env() as env:
        other_id = world.make_account(env, env["amazon.account"].browse(account_id).spapi_app_id).id
    query = confirm_on_amazon(world.h, start(world, account_id))
    from coquiapps.addons.sale_amazon_spapi.models import oauth_state

    payload = oauth_state.peek(query["state"])
    with world.env() as env:
        secret = env["ir.config_parameter"].get_param("database.secret")
    payload["account"] = other_id
    query["state"] = oauth_state.sign(secret, payload)  # even correctly signed, the attempt names another account
    response = callback(client, query)
    assert page_outcome(response) == "bad_state" and "does not belong" in text(response)


def test_wrong_seller_is_refused_and_nothing_stored(linked):
    world, client, account_id = linked
    with world.env() as env:
        env["amazon.account"].browse(account_id).seller_key = world.h.seller("NA")["selling_partner_id"]
    eu = world.h.seller("EU")
    query = confirm_on_amazon(world.h, start(world, account_id), seller=eu)
    response = callback(client, query)
    assert page_outcome(response) == "refused"
    assert f"You signed in to Amazon as seller {eu['selling_partner_id']}" in text(response)
    with world.env() as env:
        account = env["amazon.account"].browse(account_id)
        assert account.sp_state == "not_connected" and not account.sp_has_refresh_token


def test_cancel_on_amazon_keeps_previous_credentials(linked):
    world, client, account_id = linked
    assert page_outcome(callback(client, confirm_on_amazon(world.h, start(world, account_id)))) == "connected"
    with world.env() as env:
        before = env["amazon.account"].browse(account_id).sudo().sp_refresh_token
    query = confirm_on_amazon(world.h, start(world, account_id), action="cancel")
    response = callback(client, query)
    assert page_outcome(response) == "amazon_error" and "access_denied" in text(response)
    with world.env() as env:
        account = env["amazon.account"].browse(account_id)
        assert account.sp_state == "connected" and account.sudo().sp_refresh_token == before


def test_code_older_than_five_minutes_is_refused(linked):
    world, client, account_id = linked
    query = confirm_on_amazon(world.h, start(world, account_id))
    world.h.advance(301)
    response = callback(client, query)
    assert page_outcome(response) == "refused" and "5 minutes" in text(response)
    with world.env() as env:
        assert env["amazon.account"].browse(account_id).sp_state == "not_connected"


def test_connect_link_for_the_account_owner(linked):
    world, admin, account_id = linked
    with world.env() as env:
        action = env["amazon.account"].browse(account_id).with_user(env.ref("base.user_admin")).action_sp_connect_link()
        url = env[action["res_model"]].browse(action["res_id"]).url
    path = url.replace("http://localhost", "")
    owner = WebClient()  # not logged in: the owner is not an ERP user
    page = owner.get(path)
    assert page.status_code == 200 and "My Company" in text(page) and "United States" in text(page)
    token = path.split("/")[3].split("?")[0]
    response = owner.post(f"/amazon_spapi/connect/{token}/start")
    assert response.status_code == 303
    query = confirm_on_amazon(world.h, response.headers["Location"])
    done = callback(owner, query)
    assert page_outcome(done) == "connected" and "You can close this window" in text(done)
    with world.env() as env:
        account = env["amazon.account"].browse(account_id)
        assert account.sp_state == "connected"
        assert env["res.notice"].search([("title", "ilike", "linked by its owner")])
    # a used link stops working
    assert owner.get(path).status_code == 410


def test_revoked_and_expired_links_do_not_work(linked):
    world, _admin, account_id = linked
    with world.env() as env:
        Link = env["amazon.spapi.connect.link"]
        revoked_url = Link._create_for(env["amazon.account"].browse(account_id))
        expired_url = Link._create_for(env["amazon.account"].browse(account_id), days=-1)
        Link.search([], order="id", limit=1).action_revoke()
    owner = WebClient()
    for url, reason in ((revoked_url, "revoked"), (expired_url, "expired")):
        response = owner.get(url.replace("http://localhost", ""))
        assert response.status_code == 410 and reason in text(response)


def test_owner_signed_in_as_another_seller_is_told_what_next(linked):
    """The wrong seller's page: nothing changed, the same link works again, and once it is used up
    the owner is told to ask for a new one (issue #13, problem 9)."""
    world, _admin, account_id = linked
    with world.env() as env:
        account = env["amazon.account"].browse(account_id)
        account.seller_key = world.h.seller("NA")["selling_partner_id"]
        url = env["amazon.spapi.connect.link"]._create_for(account)
    path = url.replace("http://localhost", "")
    token = path.split("/")[3].split("?")[0]
    owner = WebClient()
    assert owner.get(path).status_code == 200  # the owner opens the link (it names the database)
    start = owner.post(f"/amazon_spapi/connect/{token}/start")
    refused = callback(owner, confirm_on_amazon(world.h, start.headers["Location"], seller=world.h.seller("EU")))
    assert page_outcome(refused) == "refused"
    assert "Open the connect link you received again" in text(refused), text(refused)
    assert owner.get(path).status_code == 200  # the same link still works
    # the right seller this time; reloading that page later says it is connected
    start = owner.post(f"/amazon_spapi/connect/{token}/start")
    query = confirm_on_amazon(world.h, start.headers["Location"])
    assert page_outcome(callback(owner, query)) == "connected"
    again = callback(owner, query)
    assert page_outcome(again) == "connected" and "You can close this window" in text(again)
    used = owner.get(path)
    assert used.status_code == 410 and "ask whoever sent it for a new one" in text(used)
