"""Access rights per model and group, record rules, field groups, sudo."""
import pytest

from coquiapps.exceptions import AccessError


@pytest.fixture
def user(env):
    return env["res.users"].create({
        "login": "plain", "name": "Plain User", "company_id": env.ref("base.main_company").id,
        "groups_id": [(6, 0, [env.ref("base.group_user").id])],
    })


def test_model_access_by_group(env, user):
    Order = env["test.orm.order"]
    order = Order.create({"name": "acl"})
    as_user = Order.with_user(user)
    assert as_user.search([("id", "=", order.id)]) == order.with_user(user)
    with pytest.raises(AccessError, match="not allowed to create"):
        as_user.create({"name": "nope"})
    with pytest.raises(AccessError, match="not allowed to write"):
        order.with_user(user).write({"amount": 1})
    with pytest.raises(AccessError, match="not allowed to unlink"):
        order.with_user(user).unlink()
    order.with_user(user).sudo().write({"amount": 2})
    assert order.amount == 2


def test_field_groups_hide_secrets(env, user):
    order = env["test.orm.order"].create({"name": "sec", "secret": "hunter2"})
    with pytest.raises(AccessError, match="restricted to base.group_system"):
        order.with_user(user).read(["secret"])
    assert "secret" not in order.with_user(user).read()[0]
    admin = env.ref("base.user_admin")
    # even an administrator never gets a write-only value back
    assert order.with_user(admin).read(["secret"])[0]["secret"] is False
    assert order.secret == "hunter2"  # the server itself can use it


def test_record_rules_by_company(env, user):
    other = env["res.company"].create({"name": "Other Co"})
    Order = env["test.orm.order"]
    mine = Order.create({"name": "mine", "company_id": env.ref("base.main_company").id})
    theirs = Order.create({"name": "theirs", "company_id": other.id})
    visible = Order.with_user(user).search([("id", "in", [mine.id, theirs.id])])
    assert visible.ids == [mine.id]
    with pytest.raises(AccessError, match="record rules"):
        theirs.with_user(user).read(["name"])


def test_passwords_are_hashed(env, user):
    user.password = "correct horse"
    env.cr.execute("SELECT password_crypt FROM res_users WHERE id = %s", (user.id,))
    stored = env.cr.fetchone()[0]
    assert stored.startswith("scrypt$") and "correct horse" not in stored
    assert env["res.users"]._login("plain", "correct horse") == user.id
    with pytest.raises(AccessError):
        env["res.users"]._login("plain", "wrong")
