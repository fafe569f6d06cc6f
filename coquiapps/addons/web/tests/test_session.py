"""Sessions, login/logout, CSRF, database selection, error pages, security headers, JSON session API."""
import pytest

from coquiapps.http import csrf
from coquiapps.tools import config

from .common import WebClient, text


def test_login_logout_and_cookie_flags(base_db):
    client = WebClient()
    anonymous = client.get(f"/web/login?db={base_db}")
    before = anonymous.headers.get("Set-Cookie", "")
    response = client.login(base_db)
    assert response.status_code == 303 and response.headers["Location"].endswith("/web")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert cookie.split(";")[0] != before.split(";")[0]  # the id changes at login
    assert "Administrator" in text(client.get("/web"))
    client.post("/web/session/logout")
    assert client.get("/web").headers["Location"].endswith("/web/login")


def test_wrong_password_is_refused(base_db):
    client = WebClient()
    client.get(f"/web/login?db={base_db}")
    response = client.post("/web/login", {"login": "admin", "password": "nope"})
    assert response.status_code == 200 and "Wrong login/password" in text(response)
    assert client.get("/web").status_code == 303


def test_post_without_csrf_token_is_refused(base_db):
    client = WebClient()
    client.get(f"/web/login?db={base_db}")
    response = client.post("/web/login", {"login": "admin", "password": "admin"}, csrf=False)
    assert response.status_code == 403
    response = client.post("/web/login", {"login": "admin", "password": "admin", "csrf_token": "x" * 20})
    assert response.status_code == 403


def test_csrf_tokens_are_bound_and_expire():
    token = csrf.make_token(b"k", "sid1", now=1000)
    assert csrf.check_token(b"k", "sid1", token, now=1001)
    assert not csrf.check_token(b"k", "sid2", token, now=1001)
    assert not csrf.check_token(b"other", "sid1", token, now=1001)
    assert not csrf.check_token(b"k", "sid1", token, now=1000 + csrf.TOKEN_LIFETIME + 1)


def test_unknown_session_ids_are_ignored(base_db):
    client = WebClient()
    client.client.set_cookie("session_id", "../../etc/passwd")
    assert client.get(f"/web/login?db={base_db}").status_code == 200


def test_database_selection_by_param_and_filter(base_db, monkeypatch):
    client = WebClient()
    monkeypatch.setitem(config.current().values, "db_filter", "no_such_db_.*")
    response = client.get(f"/web/login?db={base_db}")
    assert response.headers["Location"].startswith("/web/database/selector")
    monkeypatch.setitem(config.current().values, "db_filter", base_db.replace(".", r"\."))
    response = client.get("/web/login")  # a single database matches: chosen
    assert response.status_code == 200 and base_db in client.app.session_store.get(
        client.client.get_cookie("session_id").value).get("db")


def test_error_pages_and_security_headers(base_db):
    client = WebClient()
    client.login(base_db)
    response = client.get("/web/no/such/page")
    assert response.status_code == 404 and "Not Found" in text(response)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["Referrer-Policy"]
    assert client.get("/web/action/999999").status_code == 404
    assert client.get("/web/action/model:res.users/999999").status_code == 404


def test_static_files(base_db):
    client = WebClient()
    response = client.get("/web/static/src/css/web.css")
    assert response.status_code == 200 and "o_navbar" in text(response)
    assert client.get("/web/static/../__manifest__.py").status_code == 404
    assert client.get("/nosuchaddon/static/x.css").status_code == 404


def test_json_session_api(base_db):
    client = WebClient()
    assert client.json("/web/webclient/version_info")["result"] == {
        "server_version": "17.0", "server_version_info": [17, 0, 0, "final", 0, ""],
        "server_serie": "17.0", "protocol_version": 1}
    assert base_db in client.json("/web/database/list")["result"]
    expired = client.json("/web/dataset/call_kw", {"model": "res.users", "method": "search", "args": [[]]})
    assert expired["error"]["code"] == 100
    bad = client.json("/web/session/authenticate", {"db": base_db, "login": "admin", "password": "x"})
    assert bad["error"]["data"]["name"] == "odoo.exceptions.AccessDenied"
    assert bad["error"]["data"]["message"] == "Access Denied"
    info = client.json("/web/session/authenticate", {"db": base_db, "login": "admin", "password": "admin"})
    result = info["result"]
    assert result["uid"] == 2 and result["db"] == base_db and result["user_context"]["lang"]
    assert client.json("/web/session/get_session_info")["result"]["uid"] == 2
    found = client.json("/web/dataset/call_kw/res.users/search_read", {
        "model": "res.users", "method": "search_read", "args": [[["login", "=", "admin"]]],
        "kwargs": {"fields": ["login", "login_date", "password", "company_id"]}})["result"]
    assert found[0]["login"] == "admin" and found[0]["password"] is False
    assert isinstance(found[0]["login_date"], str) and isinstance(found[0]["company_id"], list)
    private = client.json("/web/dataset/call_kw", {"model": "res.users", "method": "_login",
                                                  "args": ["admin", "admin"]})
    assert "Private methods" in private["error"]["data"]["message"]
    assert client.json("/web/session/destroy")["result"] is True
    assert client.json("/web/session/get_session_info")["error"]["code"] == 100


@pytest.mark.parametrize("debug, admin", [(False, True), (True, False), (True, True)])
def test_500_shows_traceback_only_to_administrators_in_developer_mode(base_db, debug, admin):
    from coquiapps import http
    from coquiapps.http import routing

    class Boom(http.Controller):
        _addon = "web"

        @http.route("/test_web/boom", auth="none")
        def boom(self):
            raise RuntimeError("kaboom secret detail")

    try:
        client = WebClient()
        if admin:
            client.login(base_db)
        response = client.get(f"/test_web/boom?db={base_db}&debug={'1' if debug else '0'}")
        assert response.status_code == 500
        assert ("kaboom secret detail" in text(response)) is (debug and admin)
        assert "Reference:" in text(response)
    finally:
        routing.unregister(Boom)
