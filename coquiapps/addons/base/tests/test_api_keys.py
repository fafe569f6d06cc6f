"""API keys: made in Preferences (shown once), used as the password over XML-RPC / JSON-RPC, revoked.

A live application on 127.0.0.1; the clients are ``xmlrpc.client`` and JSON
over ``urllib`` as a script would use them, and chromium for Preferences.
"""
import json
import re
import urllib.request
import xmlrpc.client
from pathlib import Path

import pytest

from coquiapps import sql_db
from coquiapps.orm import SUPERUSER_ID, Environment, Registry
from coquiapps.service import throttle
from coquiapps.testing import databases
from coquiapps.testing.browser import MARKS, chromium, login

OUTPUT = Path(__file__).resolve().parents[4] / "test-output" / "base"


@pytest.fixture(scope="module")
def db(base_db):
    """A private copy of the base database: the calls commit."""
    return databases.copy_of(base_db, "apikeys")


def proxy(server, service):
    return xmlrpc.client.ServerProxy(f"{server}/xmlrpc/2/{service}")


def jsonrpc(server, service, method, *args):
    body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1,
                       "params": {"service": service, "method": method, "args": list(args)}}).encode()
    req = urllib.request.Request(f"{server}/jsonrpc", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as answer:
        return json.loads(answer.read())


def make_user(db, login, password, system=False):
    """A committed internal user (administrator if ``system``); its id."""
    with sql_db.cursor(db) as cr:
        env = Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(db))
        groups = [env.ref("base.group_user").id] + ([env.ref("base.group_system").id] if system else [])
        return env["res.users"].create({"name": login.title(), "login": login, "password": password,
                                        "groups_id": [(6, 0, groups)]}).id


def make_key(db, uid, name):
    """An API key of user ``uid`` made as that user (what Preferences does); the key."""
    with sql_db.cursor(db) as cr:
        env = Environment(cr, uid, {}, registry=Registry.get(db))
        return env["res.users.apikeys"]._generate(None, name)


def test_key_stands_for_the_password_over_xmlrpc_and_jsonrpc(server, db):
    uid = make_user(db, "scripter", "scripter-password-1")
    key = make_key(db, uid, "nightly export")
    assert re.fullmatch(r"[0-9a-f]{40}", key)
    common, models = proxy(server, "common"), proxy(server, "object")
    assert common.authenticate(db, "scripter", key, {}) == uid
    assert common.login(db, "scripter", key) == uid
    assert models.execute_kw(db, uid, key, "res.users", "read", [[uid]], {"fields": ["login"]})[0]["login"] == \
        "scripter"
    assert jsonrpc(server, "common", "authenticate", db, "scripter", key, {})["result"] == uid
    answer = jsonrpc(server, "object", "execute_kw", db, uid, key, "res.partner", "search_count", [[]])
    assert isinstance(answer["result"], int)
    # the password still works; a key is the key of its user only
    assert common.authenticate(db, "scripter", "scripter-password-1", {}) == uid
    assert common.authenticate(db, "admin", key, {}) is False
    admin_uid = common.authenticate(db, "admin", "admin", {})
    with pytest.raises(xmlrpc.client.Fault, match="Access Denied"):
        models.execute_kw(db, admin_uid, key, "res.partner", "search_count", [[]])


def test_key_is_stored_hashed_and_never_read_back(server, db):
    uid = make_user(db, "hasher", "hasher-password-1")
    key = make_key(db, uid, "hash check")
    with sql_db.cursor(db) as cr:
        cr.execute("SELECT index, key FROM res_users_apikeys WHERE user_id = %s", (uid,))
        [(index, stored)] = cr.fetchall()
    assert index == key[:8] and key not in stored and stored.startswith("scrypt$")
    rows = proxy(server, "object").execute_kw(db, uid, key, "res.users.apikeys", "search_read", [[]],
                                              {"fields": ["name", "user_id"]})
    assert [(r["name"], r["user_id"][0]) for r in rows] == [("hash check", uid)]
    with pytest.raises(xmlrpc.client.Fault, match="not allowed|restricted"):
        proxy(server, "object").execute_kw(db, uid, key, "res.users.apikeys", "read", [[rows[0]["id"]]],
                                           {"fields": ["key"]})


def test_key_is_refused_at_the_web_login(server, db):
    uid = make_user(db, "webber", "webber-password-1")
    key = make_key(db, uid, "web try")
    body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1,
                       "params": {"db": db, "login": "webber", "password": key}}).encode()
    req = urllib.request.Request(f"{server}/web/session/authenticate", data=body,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as answer:
        result = json.loads(answer.read())
    assert "error" in result and "result" not in result
    assert proxy(server, "common").authenticate(db, "webber", key, {}) == uid


def test_revoked_key_no_longer_works_and_only_its_user_or_an_admin_revokes_it(server, db):
    uid = make_user(db, "revoker", "revoker-password-1")
    other = make_user(db, "bystander", "bystander-password-1")
    key = make_key(db, uid, "to revoke")
    models = proxy(server, "object")
    [key_id] = models.execute_kw(db, uid, key, "res.users.apikeys", "search", [[]])
    with pytest.raises(xmlrpc.client.Fault, match="only revoke your own"):
        models.execute_kw(db, other, "bystander-password-1", "res.users.apikeys", "remove", [[key_id]])
    assert models.execute_kw(db, uid, key, "res.partner", "search_count", [[]]) >= 0
    assert models.execute_kw(db, uid, key, "res.users.apikeys", "remove", [[key_id]]) is True
    with pytest.raises(xmlrpc.client.Fault, match="Access Denied"):
        models.execute_kw(db, uid, key, "res.partner", "search_count", [[]])
    assert proxy(server, "common").authenticate(db, "revoker", key, {}) is False
    # an administrator revokes anyone's key
    second = make_key(db, uid, "second")
    [second_id] = models.execute_kw(db, uid, second, "res.users.apikeys", "search", [[]])
    admin = proxy(server, "common").authenticate(db, "admin", "admin", {})
    assert models.execute_kw(db, admin, "admin", "res.users.apikeys", "remove", [[second_id]]) is True
    assert proxy(server, "common").authenticate(db, "revoker", second, {}) is False


def test_wrong_keys_are_throttled_as_passwords(server, db):
    uid = make_user(db, "guesser", "guesser-password-1")
    key = make_key(db, uid, "guessed")
    common = proxy(server, "common")
    for attempt in range(throttle.ACCOUNT_LIMIT):
        assert common.authenticate(db, "guesser", f"{attempt:040x}", {}) is False
    with pytest.raises(xmlrpc.client.Fault, match="Too many failed attempts"):
        common.authenticate(db, "guesser", key, {})
    with pytest.raises(xmlrpc.client.Fault, match="Too many failed attempts"):
        proxy(server, "object").execute_kw(db, uid, key, "res.partner", "search_count", [[]])


def test_keys_cannot_be_made_or_changed_through_the_orm(server, db):
    uid = make_user(db, "crafty", "crafty-password-1")
    models = proxy(server, "object")
    with pytest.raises(xmlrpc.client.Fault, match="Preferences|not allowed"):
        models.execute_kw(db, uid, "crafty-password-1", "res.users.apikeys", "create",
                          [{"name": "mine", "user_id": uid, "key": "x"}])


@pytest.fixture(scope="module")
def browser():
    with chromium() as instance:
        yield instance


@MARKS[0]
@MARKS[1]
def test_make_use_and_revoke_a_key_in_preferences(browser, server, db):
    context = browser.new_context()
    page = context.new_page()
    try:
        login(page, server, db)
        page.goto(f"{server}/web/preferences")
        assert page.locator(".o_no_api_keys").is_visible()
        page.fill(".o_api_key_new input[name=name]", "Browser script")
        page.fill(".o_api_key_new input[name=password]", "wrong password")
        page.click(".o_api_key_new button[type=submit]")
        page.wait_for_url(f"{server}/web/preferences")
        assert page.locator(".o_notice_danger").first.is_visible()
        assert page.locator(".o_api_key").count() == 0

        page.fill(".o_api_key_new input[name=name]", "Browser script")
        page.fill(".o_api_key_new input[name=password]", "admin")
        page.click(".o_api_key_new button[type=submit]")
        key = page.locator(".o_api_key_value").inner_text().strip()
        assert re.fullmatch(r"[0-9a-f]{40}", key)
        OUTPUT.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(OUTPUT / "api_key_shown_once.png"), full_page=True)
        assert page.locator(".o_api_key_name").all_inner_texts() == ["Browser script"]
        admin = proxy(server, "common").authenticate(db, "admin", key, {})
        assert admin and proxy(server, "object").execute_kw(db, admin, key, "res.users", "read", [[admin]],
                                                             {"fields": ["login"]})[0]["login"] == "admin"

        page.goto(f"{server}/web/preferences")  # shown once: not on the next visit
        assert page.locator(".o_api_key_value").count() == 0
        assert key not in page.content()
        page.click(".o_api_key_revoke")
        page.wait_for_url(f"{server}/web/preferences")
        assert page.locator(".o_no_api_keys").is_visible()
        assert proxy(server, "common").authenticate(db, "admin", key, {}) is False
    finally:
        context.close()
