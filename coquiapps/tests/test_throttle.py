"""Failed logins and master passwords are throttled per account and per address, and logged.

A live server on 127.0.0.1 (web client and external API); clients connect
from several loopback addresses (127.0.0.x) to be different addresses.
"""
import logging
import re
import xmlrpc.client

import pytest
import requests
from requests.adapters import HTTPAdapter

from coquiapps import sql_db
from coquiapps.orm import SUPERUSER_ID, Environment, Registry
from coquiapps.service import throttle
from coquiapps.testing import databases
from coquiapps.testing.master import set_master_password
from coquiapps.tools import config

TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


class _From(HTTPAdapter):
    """Connect from a given local address."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def client(address: str = "127.0.0.1") -> requests.Session:
    session = requests.Session()
    session.mount("http://", _From(address))
    return session


def call(session, server, service, method, *params):
    """An XML-RPC call over ``session``: the result, or the xmlrpc.client.Fault raised."""
    answer = session.post(f"{server}/xmlrpc/2/{service}", data=xmlrpc.client.dumps(params, method),
                          headers={"Content-Type": "text/xml"}, timeout=60)
    return xmlrpc.client.loads(answer.content)[0][0]


@pytest.fixture(scope="module")
def thr_db(base_db):
    name = databases.copy_of(base_db, "thr")
    with sql_db.cursor(name) as cr:
        env = Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(name))
        for login in ("thr_a", "thr_b", "thr_c", "thr_d", "thr_e", "thr_f"):
            env["res.users"].create({"name": login, "login": login, "password": f"{login}-pw"})
    return name


def age_failures(dbname: str) -> None:
    """Let the window pass: move every recorded failure back by more than the window."""
    with sql_db.cursor(dbname) as cr:
        cr.execute("UPDATE auth_failure SET at = at - make_interval(secs => %s)", (throttle.WINDOW + 1,))


def test_hundred_wrong_logins_over_xmlrpc_then_the_right_one_is_refused(server, thr_db, caplog):
    caplog.set_level(logging.INFO)
    attacker = client("127.0.0.1")
    answers = []
    for _ in range(100):
        try:
            answers.append(call(attacker, server, "common", "login", thr_db, "thr_a", "wrong-guess"))
        except xmlrpc.client.Fault as fault:
            answers.append(fault.faultString)
    assert answers[:throttle.ACCOUNT_LIMIT] == [False] * throttle.ACCOUNT_LIMIT
    assert all("Too many failed attempts" in a for a in answers[throttle.ACCOUNT_LIMIT:])
    with pytest.raises(xmlrpc.client.Fault, match=r"Too many failed attempts, try again in \d+ s"):
        call(attacker, server, "common", "authenticate", thr_db, "thr_a", "thr_a-pw", {})
    # per account: from another address too
    with pytest.raises(xmlrpc.client.Fault, match="Too many failed attempts"):
        call(client("127.0.0.2"), server, "common", "login", thr_db, "thr_a", "thr_a-pw")
    # another account is not blocked, from either address
    assert call(attacker, server, "common", "login", thr_db, "thr_b", "thr_b-pw")
    assert call(client("127.0.0.2"), server, "common", "login", thr_db, "thr_b", "thr_b-pw")
    # logged, without the password
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name == "coquiapps.service.throttle")
    assert "login failed for uid:" in logged and "from 127.0.0.1" in logged and "refused" in logged
    assert "wrong-guess" not in caplog.text and "thr_a-pw" not in caplog.text
    # once the window has passed, the right password works again
    age_failures(thr_db)
    assert call(attacker, server, "common", "login", thr_db, "thr_a", "thr_a-pw")


def test_one_address_trying_many_accounts_is_throttled(server, thr_db, caplog):
    caplog.set_level(logging.INFO)
    sprayer = client("127.0.0.3")
    for number in range(throttle.ADDRESS_LIMIT + 5):
        try:
            call(sprayer, server, "common", "login", thr_db, f"nobody{number}", "guess")
        except xmlrpc.client.Fault as fault:
            assert "Too many failed attempts" in fault.faultString
    with pytest.raises(xmlrpc.client.Fault, match="Too many failed attempts"):
        call(sprayer, server, "common", "login", thr_db, "thr_c", "thr_c-pw")
    assert call(client("127.0.0.1"), server, "common", "login", thr_db, "thr_c", "thr_c-pw")
    # an unknown login may be a password typed in the wrong field: never logged as typed
    assert "login failed for unknown:" in caplog.text and "nobody1" not in caplog.text
    age_failures(thr_db)


def test_execute_kw_credentials_are_throttled(server, thr_db):
    uid = call(client(), server, "common", "login", thr_db, "thr_d", "thr_d-pw")
    assert call(client(), server, "object", "execute_kw", thr_db, uid, "thr_d-pw", "res.users", "context_get", [])
    for _ in range(throttle.ACCOUNT_LIMIT + 3):
        with pytest.raises(xmlrpc.client.Fault):
            call(client(), server, "object", "execute_kw", thr_db, uid, "wrong", "res.users", "context_get", [])
    with pytest.raises(xmlrpc.client.Fault, match="Too many failed attempts"):
        call(client(), server, "object", "execute_kw", thr_db, uid, "thr_d-pw", "res.users", "context_get", [])
    age_failures(thr_db)


def _login_form(session, server, db, login, password):
    page = session.get(f"{server}/web/login", params={"db": db}, timeout=60).text
    token = TOKEN_RE.search(page).group(1)
    return session.post(f"{server}/web/login", data={"csrf_token": token, "login": login, "password": password,
                                                     "redirect": "/web"}, allow_redirects=False, timeout=60)


def test_web_login_form_and_session_authenticate_are_throttled(server, thr_db):
    browser = client("127.0.0.4")
    for _ in range(throttle.ACCOUNT_LIMIT):
        assert "Wrong login/password" in _login_form(browser, server, thr_db, "thr_e", "nope").text
    refused = _login_form(browser, server, thr_db, "thr_e", "thr_e-pw")
    assert refused.status_code == 429 and "Too many failed attempts, try again in" in refused.text

    rpc_client = client("127.0.0.5")
    body = {"jsonrpc": "2.0", "method": "call", "id": 1,
            "params": {"db": thr_db, "login": "thr_f", "password": "nope"}}
    for _ in range(throttle.ACCOUNT_LIMIT):
        answer = rpc_client.post(f"{server}/web/session/authenticate", json=body, timeout=60).json()
        assert "error" in answer
    body["params"]["password"] = "thr_f-pw"
    answer = rpc_client.post(f"{server}/web/session/authenticate", json=body, timeout=60).json()
    assert "Too many failed attempts" in answer["error"]["data"]["message"]
    age_failures(thr_db)
    assert _login_form(browser, server, thr_db, "thr_e", "thr_e-pw").status_code == 303


@pytest.fixture
def master_config(tmp_path):
    previous = config.current()
    cfg = config.Config(values={**previous.values, "admin_passwd": ""}, path=tmp_path / "coquiapps.conf")
    config.set_current(cfg)
    set_master_password(cfg, "the-master")
    yield cfg
    config.set_current(previous)
    age_failures(throttle.SHARED_DB)


def test_hundred_wrong_master_passwords_then_the_right_one_is_refused(server, master_config, caplog):
    caplog.set_level(logging.INFO)
    attacker = client("127.0.0.6")
    for _ in range(100):
        with pytest.raises(xmlrpc.client.Fault):
            call(attacker, server, "db", "drop", "guess", "no_such_database_here")
    with pytest.raises(xmlrpc.client.Fault, match=r"Too many failed attempts, try again in \d+ s"):
        call(attacker, server, "db", "drop", "the-master", "no_such_database_here")
    # the web database manager shares the count (same address)
    page = attacker.get(f"{server}/web/database/manager", timeout=60).text
    token = TOKEN_RE.search(page).group(1)
    answer = attacker.post(f"{server}/web/database/drop", data={
        "csrf_token": token, "master_pwd": "the-master", "name": "no_such_database_here"}, timeout=60)
    assert "Too many failed attempts" in answer.text
    # another address is not blocked
    assert call(client("127.0.0.1"), server, "db", "drop", "the-master", "no_such_database_here") is False
    assert "guess" not in caplog.text and "the-master" not in caplog.text
    assert "master failed for master from 127.0.0.6" in caplog.text


def test_web_manager_master_password_is_throttled(server, master_config):
    browser = client("127.0.0.7")
    page = browser.get(f"{server}/web/database/manager", timeout=60).text
    token = TOKEN_RE.search(page).group(1)
    for _ in range(throttle.MASTER_LIMIT):
        answer = browser.post(f"{server}/web/database/drop", data={
            "csrf_token": token, "master_pwd": "guess", "name": "no_such_database_here"}, timeout=60)
        assert "Wrong master password" in answer.text
    answer = browser.post(f"{server}/web/database/drop", data={
        "csrf_token": token, "master_pwd": "the-master", "name": "no_such_database_here"}, timeout=60)
    assert "Too many failed attempts" in answer.text
    with pytest.raises(xmlrpc.client.Fault, match="Too many failed attempts"):
        call(browser, server, "db", "drop", "the-master", "no_such_database_here")
