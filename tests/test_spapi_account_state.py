"""The connection state follows Amazon's last answer at once; unified children follow their parent;
a private app's token must be the account's seller's (issue #13, problems 5 and 8)."""
import pytest

from amazon_sandbox.testing import running
from coquiapps.exceptions import UserError

from .spapi_world import new_world


@pytest.fixture(scope="module")
def harness():
    with running(seed=13) as h:
        yield h


@pytest.fixture
def world(harness, full_db):
    return new_world(harness, full_db)


def state_of(world, account_id):
    with world.env() as env:
        account = env["amazon.account"].browse(account_id)
        return account.sp_state, account.sp_state_reason or False


def test_refusal_is_recorded_though_the_caller_rolls_back(world):
    """invalid_grant raises to the user, whose transaction is rolled back: the state stays."""
    with world.env() as env:
        account = world.make_account(env, seller_key=world.h.seller("NA")["selling_partner_id"])
        world.connect_private(env, account)
        account_id = account.id
    world.h.control("POST", "revoke", {"client_id": world.h.app("private")["client_id"],
                                       "selling_partner_id": world.h.seller("NA")["selling_partner_id"]})
    with pytest.raises(UserError, match="authorize the application again"), world.env() as env:
        env.cr.execute("DELETE FROM amazon_spapi_token")
        env.cr.commit()
        env["amazon.account"].browse(account_id).action_sp_test_connection()
    assert state_of(world, account_id)[0] == "reauth"


def test_refusal_while_the_caller_holds_the_row(world):
    """The caller wrote the account (its row is locked until it ends): written there, and again
    once its transaction is rolled back."""
    with world.env() as env:
        account_id = world.make_account(env).id
        env["amazon.account"].browse(account_id).write({"sp_state": "connected"})
    with pytest.raises(RuntimeError), world.env() as env:
        account = env["amazon.account"].browse(account_id)
        account.write({"sp_no_fetch": True})  # holds the row
        account._sp_mark_reauthorization_needed(UserError("invalid_grant"))
        assert account.sp_state == "reauth"
        raise RuntimeError("the caller fails afterwards")
    assert state_of(world, account_id)[0] == "reauth"
    with world.env() as env:
        assert not env["amazon.account"].browse(account_id).sp_no_fetch  # the caller's own write is gone


def test_unified_children_follow_their_parent(world):
    with world.env() as env:
        parent = world.make_account(env, name="Parent")
        parent.write({"sp_state": "connected"})
        child = world.make_account(env, name="Child at creation", sp_parent_id=parent.id)
        later = world.make_account(env, name="Child later")
        assert child.sp_state == "connected" and later.sp_state == "not_connected"
        later.write({"sp_parent_id": parent.id})
        assert later.sp_state == "connected"
        parent.write({"sp_state": "error", "sp_state_reason": "secret", "sp_last_error": "rejected"})
        assert {(a.sp_state, a.sp_state_reason, a.sp_last_error) for a in child | later} == \
            {("error", "secret", "rejected")}
        later.write({"sp_parent_id": False})
        assert later.sp_state == "not_connected" and child.sp_state == "error"
        assert parent.sp_child_ids == child


def test_private_app_refuses_another_sellers_token_and_saves_nothing(world):
    h = world.h
    stranger = h.control("POST", "sellers", {"region": "NA", "marketplace_ids": ["ATVPDKIKX0DER"]})
    private = h.app("private")
    foreign = h.control("POST", "self-authorize", {"client_id": private["client_id"],
                                                   "selling_partner_id": stranger["selling_partner_id"]})
    with world.env() as env:
        account = world.make_account(env, seller_key=h.seller("NA")["selling_partner_id"])
        seller = world.connect_private(env, account)
        other = world.make_account(env, name="Another store")
        before = account.sudo().sp_refresh_token
        ids = account.id, other.id
    cases = [(ids[0], foreign["refresh_token"], "", "is not seller"),
             (ids[0], foreign["refresh_token"], stranger["selling_partner_id"], "belongs to seller"),
             (ids[1], h.refresh_token("NA")[1], seller["selling_partner_id"], "already linked")]
    for account_id, token, spid, refusal in cases:
        with pytest.raises(UserError, match=refusal), world.env() as env:
            app = env["amazon.spapi.app"].search([("client_id", "=", private["client_id"])])
            env["amazon.spapi.private.app"].create({
                "account_id": account_id, "spapi_app_id": app.id, "refresh_token": token,
                "selling_partner_id": spid}).action_authorize()
    with world.env() as env:
        account, other = env["amazon.account"].browse(ids)
        assert account.sudo().sp_refresh_token == before and account.sp_state == "connected"
        assert account.sp_selling_partner_id == seller["selling_partner_id"]
        assert not other.sudo().sp_refresh_token and other.sp_state == "not_connected"
        assert not other.spapi_app_id and not other.sp_selling_partner_id
