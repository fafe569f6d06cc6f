"""A staging copy never sends anyone to Amazon's production consent, and the way back names its database."""
import pytest

from amazon_sandbox.testing import running
from coquiapps.addons.web.tests.common import WebClient, text
from coquiapps.exceptions import RedirectWarning, UserError
from coquiapps.service import db as db_service
from coquiapps.testing import databases

from .spapi_world import World, confirm_on_amazon, page_outcome

PRODUCTION_KEYS = ("lwa_token_url", "consent_base_url", "endpoint_na", "endpoint_eu", "endpoint_fe")


@pytest.fixture(scope="module")
def harness():
    with running(seed=13) as h:
        yield h


@pytest.fixture
def prod_and_staging(harness, full_db):
    """A production database pointed at the sandbox with a linked-ready account, and its neutralized copy."""
    prod = World(harness, databases.copy_of(full_db, "stgprod"))
    with prod.env() as env:
        account_id = prod.make_account(env, prod.make_app(env), name="Amazon US").id
    staging = databases.unique_name("stgcopy")
    databases.register(staging)
    db_service.duplicate_database(prod.db, staging, neutralize=True)
    return prod, on_copy(harness, staging), account_id


def on_copy(harness, dbname):
    """The World shortcuts on a database as it is (its parameters untouched)."""
    world = World.__new__(World)
    world.h, world.db = harness, dbname
    return world


def test_production_endpoints_refuse_consent_and_connect_links_with_a_sandbox_offer(harness, prod_and_staging):
    prod, copy, account_id = prod_and_staging
    with copy.env() as env:  # the copy as a production database's copy is: Amazon's own endpoints
        env.cr.execute("DELETE FROM ir_config_parameter WHERE key = ANY(%s)",
                       (["sale_amazon_spapi." + key for key in PRODUCTION_KEYS],))
    with copy.env() as env:
        account = env["amazon.account"].browse(account_id)
        assert account.sp_neutralized
        for start in (account._sp_consent_url, account.action_sp_connect_link, account.action_sp_link):
            with pytest.raises(RedirectWarning) as refused:
                start()
            assert "staging copy" in refused.value.message and "Nothing was sent to Amazon" in refused.value.message
            assert refused.value.action["res_model"] == "amazon.spapi.sandbox"
            assert refused.value.button_text == "Use an Amazon Sandbox"
        assert not env["amazon.spapi.consent"].search([]) and not env["amazon.spapi.connect.link"].search(
            [("revoked", "=", False)])
    # the offer: the sandbox's endpoints and public app; the account moved off MWS gets that app
    with copy.env() as env:
        wizard = env["amazon.spapi.sandbox"].create({"account_id": account_id, "url": harness.url + "/"})
        wizard.action_apply()
    with copy.env() as env:
        account = env["amazon.account"].browse(account_id)
        assert account.spapi_app_id.client_id == harness.app("public")["client_id"]
        url = account._sp_consent_url()
        assert url.startswith(harness.url + "/apps/authorize/consent?")
    # production itself was not touched
    with prod.env() as env:
        params = env["ir.config_parameter"]
        assert params.get_param("sale_amazon_spapi.consent_base_url") == harness.url
        assert not params.get_param("sale_amazon_spapi.sandbox_url")


def test_the_sandbox_offer_refuses_what_is_not_a_sandbox_and_production_databases(harness, prod_and_staging):
    prod, copy, account_id = prod_and_staging
    with copy.env() as env:
        bad = env["amazon.spapi.sandbox"].create({"account_id": account_id, "url": "ftp://example.com"})
        with pytest.raises(UserError, match="not an http"):
            bad.action_apply()
        wrong = env["amazon.spapi.sandbox"].create({"account_id": account_id, "url": harness.url + "/na"})
        with pytest.raises(UserError, match="not as an Amazon sandbox"):
            wrong.action_apply()
    with prod.env() as env:
        wizard = env["amazon.spapi.sandbox"].create({"account_id": account_id, "url": harness.url})
        with pytest.raises(UserError, match="Only a neutralized copy"):
            wizard.action_apply()


def test_a_state_from_another_database_is_refused_by_name(harness, prod_and_staging):
    """A copy has its own database.secret: a state signed by one database is refused clearly by the other."""
    prod, copy, account_id = prod_and_staging
    with prod.env() as env:
        prod_secret = env["ir.config_parameter"].get_param("database.secret")
        url = env["amazon.account"].browse(account_id)._sp_consent_url()
    with copy.env() as env:
        assert env["ir.config_parameter"].get_param("database.secret") != prod_secret
    query = confirm_on_amazon(harness, url)
    client = WebClient()
    client.login(copy.db)  # the browser came back signed in to the copy
    response = client.get("/amazon_spapi/callback", query_string=query)
    assert page_outcome(response) == "bad_state"
    page = text(response)
    assert f"started in the database {prod.db}" in page and copy.db in page and "signature" not in page
    with copy.env() as env:
        assert env["amazon.account"].browse(account_id).sp_state != "connected"


def test_a_copy_on_the_sandbox_takes_the_sandbox_app_again_and_links(harness, prod_and_staging):
    """As under make demo: the copy keeps the sandbox endpoints, but cannot read the app's secret."""
    prod, copy, account_id = prod_and_staging
    with copy.env() as env:
        account = env["amazon.account"].browse(account_id)
        assert account.spapi_app_id.secret_unreadable
        with pytest.raises(RedirectWarning) as refused:
            account._sp_consent_url()
        assert "cannot be read" in refused.value.message
        assert refused.value.action["res_model"] == "amazon.spapi.sandbox"
        assert not env["amazon.spapi.consent"].search([])
    with copy.env() as env:
        env["amazon.spapi.sandbox"].create({"account_id": account_id, "url": harness.url}).action_apply()
    with copy.env() as env:
        url = env["amazon.account"].browse(account_id)._sp_consent_url()
    client = WebClient()
    client.login(copy.db)
    response = client.get("/amazon_spapi/callback", query_string=confirm_on_amazon(harness, url))
    assert page_outcome(response) == "connected", text(response)
    assert "runs no scheduled actions: use Sync Orders" in text(response)  # not "will sync on schedule"
    with copy.env() as env:
        assert env["amazon.account"].browse(account_id).sp_state == "connected"
    with prod.env() as env:  # the original keeps its own application and secret
        assert env["amazon.account"].browse(account_id).spapi_app_id.sudo().client_secret
