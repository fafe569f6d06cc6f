"""Sessions live in PostgreSQL: two servers (as on two hosts) share them; the store rotates, expires, hashes.

Each server gets its own data dir, as a second host would, and the same
config otherwise (``server_key`` included: the config file is copied).
A session created on one is used on the other, alternately, by one client.
"""
import re
import secrets
import uuid

import pytest
import requests

from coquiapps import sql_db
from coquiapps.http import sessions
from coquiapps.http.sessions import Session, SessionStore, new_sid, sid_hash
from coquiapps.service import shared_db
from coquiapps.testing.browser import MARKS, chromium, login, served_app
from coquiapps.tools import config

TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="module")
def two_hosts(tmp_path_factory):
    """The URLs of two servers on two 127.0.0.1 ports, each with its own data dir, on one PostgreSQL."""
    current, key = config.current(), secrets.token_hex(32)
    hosts = []
    for name in ("host_a", "host_b"):
        folder = tmp_path_factory.mktemp(name)
        hosts.append(config.Config(values={**current.values, "data_dir": str(folder), "server_key": key},
                                   path=folder / "coquiapps.conf"))
    with served_app(hosts[0]) as a, served_app(hosts[1]) as b:
        yield a, b


def token(client: requests.Session, url: str) -> str:
    page = client.get(url, timeout=120)
    assert page.status_code == 200, page.text[-1000:]
    return TOKEN_RE.search(page.text).group(1)


def partners_named(db: str, name: str) -> int:
    with sql_db.cursor(db) as cr:
        cr.execute("SELECT count(*) FROM res_partner WHERE name = %s", (name,))
        return cr.fetchone()[0]


def stored_row(sid: str):
    with sql_db.cursor(shared_db.NAME) as cr:
        cr.execute("SELECT sid_hash, data::text FROM http_session WHERE sid_hash = %s", (sid_hash(sid),))
        return cr.fetchone()


def age(sid: str, seconds: int) -> None:
    """Make the session look last used ``seconds`` ago (instead of waiting)."""
    with sql_db.cursor(shared_db.NAME) as cr:
        cr.execute("""UPDATE http_session SET updated = updated - make_interval(secs => %s),
                             expires = expires - make_interval(secs => %s) WHERE sid_hash = %s""",
                   (seconds, seconds, sid_hash(sid)))


# -- two servers, one client ------------------------------------------------------------------
def test_login_on_one_server_act_on_the_other(two_hosts, base_db):
    a, b = two_hosts
    client = requests.Session()  # cookies are per host, not per port: both servers get them
    done = client.post(f"{a}/web/login", data={
        "login": "admin", "password": "admin", "redirect": "/web",
        "csrf_token": token(client, f"{a}/web/login?db={base_db}")}, allow_redirects=False, timeout=120)
    assert done.status_code == 303 and done.headers["Location"].endswith("/web"), done.text[-1000:]
    signed_in_sid = client.cookies["session_id"]

    for server in (b, a, b):  # alternately
        page = client.get(f"{server}/web", allow_redirects=False, timeout=120)
        assert page.status_code == 200 and "Administrator" in page.text, (server, page.status_code)

    name = f"Shared session {uuid.uuid4().hex[:8]}"
    form = f"{b}/web/action/model:res.partner/new"
    saved = client.post(form, data={"name": name, "csrf_token": token(client, form)},
                        allow_redirects=False, timeout=120)
    assert saved.status_code == 303, saved.text[-1000:]
    assert partners_named(base_db, name) == 1
    assert "saved" in client.get(f"{a}{saved.headers['Location']}", timeout=120).text  # B's notice, shown by A

    out = client.post(f"{a}/web/session/logout", data={"csrf_token": token(client, f"{a}/web")},
                      allow_redirects=False, timeout=120)
    assert out.status_code in (302, 303)
    refused = client.get(f"{b}/web", allow_redirects=False, timeout=120)
    assert refused.status_code == 303 and "/web/login" in refused.headers["Location"]
    # the signed-in id, replayed on B after the logout on A, is worthless
    replay = requests.get(f"{b}/web", cookies={"session_id": signed_in_sid}, allow_redirects=False, timeout=120)
    assert replay.status_code == 303  # to sign in (or, with several databases, to choose one first)
    assert replay.headers["Location"].startswith(("/web/login", "/web/database/selector"))
    assert stored_row(signed_in_sid) is None


@MARKS[0]
@MARKS[1]
def test_one_browser_on_two_servers(two_hosts, base_db):
    a, b = two_hosts
    name = f"Browser session {uuid.uuid4().hex[:8]}"
    with chromium() as browser:
        context = browser.new_context()
        page = context.new_page()
        login(page, a, base_db)
        page.goto(f"{b}/web")
        assert "Administrator" in page.content()
        page.goto(f"{b}/web/action/model:res.partner/new")
        page.fill("#field_name", name)
        page.click("button.o_form_save")
        page.wait_for_selector(".o_notice_success")
        assert page.url.startswith(b)
        page.goto(f"{a}/web/session/logout")  # asks first: a link alone logs no one out
        page.click(".o_logout_confirm button[type=submit]")
        page.wait_for_url(f"{a}/web/login*")
        page.goto(f"{b}/web")
        assert "/web/login" in page.url
        context.close()
    assert partners_named(base_db, name) == 1


# -- the store ---------------------------------------------------------------------------------
def test_only_a_hash_of_the_id_is_stored():
    store = SessionStore()
    session = store.new()
    session["uid"] = 7
    store.save(session)
    key, text = stored_row(session.sid)
    assert bytes(key) == sid_hash(session.sid) and session.sid.encode() not in bytes(key)
    assert session.sid not in text and '"uid": 7' in text
    with sql_db.cursor(shared_db.NAME) as cr:
        cr.execute("SELECT count(*) FROM http_session WHERE sid_hash::text LIKE %s OR data::text LIKE %s",
                   (f"%{session.sid}%", f"%{session.sid}%"))
        assert cr.fetchone()[0] == 0
    assert SessionStore().get(session.sid)["uid"] == 7  # any process finds it by the id


def test_rotation_deletes_the_old_id():
    store = SessionStore()
    session = store.new()
    session["db"] = "x"
    store.save(session)
    before = session.sid
    session.authenticate("x", 2, "admin")
    store.save(session)
    assert session.sid != before and stored_row(before) is None
    assert store.get(before).new and store.get(before).get("uid") is None
    assert store.get(session.sid)["uid"] == 2
    signed_in = session.sid
    session.logout()
    store.save(session)
    assert stored_row(signed_in) is None
    assert store.get(session.sid).get("uid") is None and store.get(session.sid)["db"] == "x"


def test_saves_of_one_session_from_two_processes_upsert():
    first, second = SessionStore(), SessionStore()
    session = first.new()
    session["n"] = 1
    first.save(session)
    again = second.get(session.sid)
    again["n"] = 2
    second.save(again)
    first.save(Session(session.sid, {"n": 3}))
    assert second.get(session.sid)["n"] == 3


def test_a_session_logged_out_elsewhere_does_not_come_back():
    """A request still running on server B with the old id saves after the logout on A: no resurrection."""
    on_a, on_b = SessionStore(), SessionStore()
    session = on_a.new()
    session.authenticate("x", 2, "admin")
    on_a.save(session)
    signed_in = session.sid
    late = on_b.get(signed_in)  # B read it before the logout
    mine = on_a.get(signed_in)
    mine.logout()
    on_a.save(mine)
    late["actions"] = {"a1": {"res_model": "res.partner"}}
    on_b.save(late)
    assert stored_row(signed_in) is None and on_a.get(signed_in).get("uid") is None


def test_expired_sessions_are_not_read_and_are_vacuumed():
    store = SessionStore()
    old, fresh = Session(new_sid(), {"uid": 1}), Session(new_sid(), {"uid": 2})
    store.save(old)
    store.save(fresh)
    age(old.sid, sessions.MAX_AGE + 60)
    assert store.get(old.sid).new and stored_row(old.sid) is not None
    assert store.vacuum() >= 1
    assert stored_row(old.sid) is None and store.get(fresh.sid)["uid"] == 2


def test_a_new_store_vacuums_after_its_first_save():
    old = Session(new_sid(), {"uid": 1})
    SessionStore().save(old)
    age(old.sid, sessions.MAX_AGE + 60)
    SessionStore().save(Session(new_sid(), {"uid": 2}))  # a server process that just started
    assert stored_row(old.sid) is None


def test_use_pushes_the_expiry_back():
    store = SessionStore()
    session = Session(new_sid(), {"uid": 3})
    store.save(session)
    assert not store.get(session.sid).touch_due  # just written: no write per request
    age(session.sid, sessions.MAX_AGE - 60)  # about to expire, unchanged for days
    used = store.get(session.sid)
    assert used.touch_due
    store.touch(used)
    with sql_db.cursor(shared_db.NAME) as cr:
        cr.execute("SELECT expires - clock_timestamp() > make_interval(secs => %s) FROM http_session "
                   "WHERE sid_hash = %s", (sessions.MAX_AGE - 3600, sid_hash(session.sid)))
        assert cr.fetchone()[0]


@pytest.mark.parametrize("cookie", ["", "../../etc/passwd", "x" * 200, "a" * 39])
def test_malformed_ids_get_a_new_session(cookie):
    session = SessionStore().get(cookie)
    assert session.new and session.sid != cookie
