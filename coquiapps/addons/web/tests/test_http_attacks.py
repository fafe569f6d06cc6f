"""Attacks on the HTTP layer, over real HTTP on 127.0.0.1 (chromium where a browser is the weapon).

Cross-site request forgery on JSON routes, open redirects and header
injection, logout by GET, tracebacks in developer mode.
"""
import json
import logging
import os
import threading
import xmlrpc.client
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from coquiapps import http, sql_db
from coquiapps.http import routing
from coquiapps.orm import SUPERUSER_ID, Environment, Registry
from coquiapps.testing import databases
from coquiapps.testing.browser import CHROMIUM, chromium, login
from coquiapps.testing.http_session import HttpSession

PROBE = "web.csrf_probe"
KEY = "web.csrf_probe_http"


@pytest.fixture(scope="module")
def attack_db(base_db):
    """A private database with a plain internal user (``plain``) besides the administrator."""
    name = databases.copy_of(base_db, "attack")
    with sql_db.cursor(name) as cr:
        env = Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(name))
        env["res.users"].create({"name": "Plain", "login": "plain", "password": "plain-pw",
                                 "groups_id": [(6, 0, [env.ref("base.group_user").id])]})
    return name


def probe_value(db, key=PROBE):
    with sql_db.cursor(db) as cr:
        cr.execute("SELECT value FROM ir_config_parameter WHERE key = %s", (key,))
        row = cr.fetchone()
    return row and row[0]


def set_param_call(value, key=PROBE):
    return {"model": "ir.config_parameter", "method": "set_param", "args": [key, value], "kwargs": {}}


# -- CSRF on JSON routes ---------------------------------------------------------------
ATTACKS = {
    # the classic: a text/plain form whose "name=value" line is a JSON document
    "/form": """<form method="post" enctype="text/plain" action="{target}/web/dataset/call_kw">
<input name='{{"jsonrpc":"2.0","method":"call","id":1,"params":{params},"pad":"' value='"}}'>
</form><script>document.forms[0].submit()</script>""",
    # fetch() without CORS: the browser keeps only "simple" content types, sends the cookie
    "/fetch": """<script>
const body = JSON.stringify({{jsonrpc: "2.0", method: "call", id: 2, params: {params}}});
Promise.allSettled([
  fetch("{target}/web/dataset/call_kw", {{method: "POST", mode: "no-cors", credentials: "include",
        headers: {{"Content-Type": "text/plain"}}, body}}),
  fetch("{target}/web/dataset/call_kw", {{method: "POST", mode: "no-cors", credentials: "include",
        headers: {{"Content-Type": "application/json"}}, body}}),
  fetch("{target}/web/dataset/call_kw", {{method: "POST", credentials: "include",
        headers: {{"Content-Type": "application/json"}}, body}}),
]).then(() => {{ document.title = "attack sent"; }});
</script>""",
}


@pytest.fixture
def attacker(server, attack_db):
    """A site on another port of 127.0.0.1 serving the forged pages."""
    params = json.dumps(set_param_call("forged"))

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            page = ATTACKS.get(self.path)
            body = ("<!DOCTYPE html><html><body>" + page.format(target=server, params=params)
                    + "</body></html>").encode() if page else b""
            self.send_response(200 if page else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.mark.browser
@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is missing")
def test_another_site_cannot_make_the_admins_browser_call_json_routes(server, attacker, attack_db):
    with chromium() as browser:
        context = browser.new_context()
        page = context.new_page()
        login(page, server, attack_db)
        # the web client's own calls (same origin, application/json) still work
        answer = page.evaluate("""async (params) => {
            const response = await fetch("/web/dataset/call_kw", {method: "POST",
                headers: {"Content-Type": "application/json"},
                body: JSON.stringify({jsonrpc: "2.0", method: "call", id: 1, params})});
            return response.json();
        }""", set_param_call("legit"))
        assert "error" not in answer, answer
        assert probe_value(attack_db) == "legit"

        evil = context.new_page()
        with evil.expect_response(lambda r: r.url == f"{server}/web/dataset/call_kw") as forged:
            evil.goto(f"{attacker}/form")
        assert forged.value.status == 415
        assert "Content-Type: application/json" in forged.value.text()

        statuses = []
        evil.on("response", lambda r: statuses.append(r.status) if r.url.endswith("/call_kw") else None)
        evil.goto(f"{attacker}/fetch")
        evil.wait_for_function("document.title === 'attack sent'")
        assert statuses and all(status in (403, 415) for status in statuses), statuses
        context.close()
    assert probe_value(attack_db) == "legit"


def test_json_routes_take_only_application_json_from_this_origin(server, attack_db):
    admin = HttpSession(server)
    admin.login(attack_db)
    body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1,
                       "params": set_param_call(key=KEY, value="plain-text")})
    for content_type in ("text/plain", "application/x-www-form-urlencoded",
                         "multipart/form-data; boundary=x"):
        status, headers, text = admin.request("POST", "/web/dataset/call_kw", body=body,
                                              headers={"Content-Type": content_type})
        assert status == 415, (content_type, status, text)
        error = json.loads(text)["error"]
        assert "Content-Type: application/json" in error["data"]["message"]
    other = f"http://127.0.0.1:{int(server.rsplit(':', 1)[1]) + 1}"
    for headers in ({"Origin": other}, {"Origin": "null"}, {"Sec-Fetch-Site": "same-site"},
                    {"Sec-Fetch-Site": "cross-site"}, {"Referer": f"{other}/attack.html"}):
        status, answer = admin.call("/web/dataset/call_kw", set_param_call(key=KEY, value="other-origin"),
                                    headers=headers)
        assert status == 403 and "refused" in answer["error"]["data"]["message"], (headers, answer)
    assert probe_value(attack_db, KEY) is None

    # pages of this server, and scripts (no browser headers at all), are served
    status, answer = admin.call("/web/dataset/call_kw", set_param_call(key=KEY, value="same-origin"),
                                headers={"Origin": server, "Sec-Fetch-Site": "same-origin"})
    assert status == 200 and "error" not in answer and probe_value(attack_db, KEY) == "same-origin"
    token = admin.token("/web/preferences")
    status, answer = admin.call("/web/dataset/call_kw", set_param_call(key=KEY, value="token"),
                                headers={"X-CSRF-Token": token, "Referer": f"{other}/x"})
    assert "error" not in answer and probe_value(attack_db, KEY) == "token"
    script = HttpSession(server)
    status, answer = script.call("/web/session/authenticate", {"db": attack_db, "login": "admin",
                                                               "password": "admin"})
    assert answer["result"]["uid"] == 2
    status, answer = script.call("/web/dataset/call_kw", set_param_call(key=KEY, value="script"))
    assert "error" not in answer and probe_value(attack_db, KEY) == "script"
    # the external API: the password in the body, no cookie
    status, answer = HttpSession(server).call("/jsonrpc", {
        "service": "object", "method": "execute_kw",
        "args": [attack_db, 2, "admin", "res.users", "search_count", [[]]]})
    assert answer["result"] >= 2
    uid = xmlrpc.client.ServerProxy(f"{server}/xmlrpc/2/common").authenticate(attack_db, "admin", "admin", {})
    assert uid == 2


# -- redirects -----------------------------------------------------------------------------
def test_redirects_stay_on_this_site_and_control_characters_are_refused(server, attack_db):
    anonymous = HttpSession(server)
    status, _headers, page = anonymous.request("GET", f"/web/login?db={attack_db}&redirect=/%09/evil.example")
    assert status == 400 and "control characters" in page
    token = anonymous.token(f"/web/login?db={attack_db}")
    status, headers, _page = anonymous.request("POST", "/web/login", {
        "login": "admin", "password": "admin", "redirect": "//evil.example", "csrf_token": token})
    assert status == 303 and headers["Location"] == "/web"

    admin = HttpSession(server)
    admin.login(attack_db)
    for value in ("/%09/evil.example", "/%0a/evil.example", "/web%0d%0aSet-Cookie:%20x=1", "/%00web",
                  "%E2%80%8B//evil.example"):
        for path in ("/web/login", "/web/debug"):
            status, headers, page = admin.request("GET", f"{path}?redirect={value}")
            assert status == 400, (path, value, status, headers.get("Location"))
            assert "control characters" in page and "Location" not in headers
    for value in ("//evil.example", "/%5Cevil.example", "%20//evil.example", "https://evil.example/",
                  "javascript:alert(1)", "evil.example", "/\\/evil.example"):
        for path in ("/web/login", "/web/debug"):
            status, headers, _page = admin.request("GET", f"{path}?redirect={value}")
            assert status == 303 and headers["Location"] == "/web", (path, value, headers["Location"])
    status, headers, _page = admin.request("GET", "/web/login?redirect=/web/preferences%3Fx%3D1")
    assert status == 303 and headers["Location"] == "/web/preferences?x=1"
    status, headers, _page = admin.request("POST", "/web/session/logout", {
        "csrf_token": admin.token("/web/preferences"), "redirect": "/web\r\nSet-Cookie: x=1"})
    assert status == 400


# -- logout ----------------------------------------------------------------------------------
def test_logout_takes_a_post_with_the_csrf_token(server, attack_db):
    admin = HttpSession(server)
    admin.login(attack_db)
    status, _headers, page = admin.request("GET", "/web/session/logout")
    assert status == 200 and 'action="/web/session/logout"' in page and 'method="post"' in page
    assert admin.request("GET", "/web")[0] == 200  # still signed in
    status, _headers, _page = admin.request("POST", "/web/session/logout", {})
    assert status == 403 and admin.request("GET", "/web")[0] == 200
    status, headers, _page = admin.request("POST", "/web/session/logout",
                                           {"csrf_token": admin.token("/web/preferences")})
    assert status == 303 and headers["Location"] == "/web/login"
    status, headers, _page = admin.request("GET", "/web")
    assert status == 303 and headers["Location"].endswith("/web/login")
    status, headers, _page = admin.request("GET", "/web/session/logout")  # nobody to log out
    assert status == 303 and headers["Location"] == "/web/login"


# -- tracebacks ------------------------------------------------------------------------------
@pytest.fixture
def boom():
    class Boom(http.Controller):
        _addon = "web"

        @http.route("/test_web/attack_boom", auth="public")
        def boom(self):
            raise RuntimeError("kaboom internal detail")

        @http.route("/test_web/attack_boom_json", type="json", auth="user")
        def boom_json(self):
            raise RuntimeError("kaboom internal detail")

    try:
        yield
    finally:
        routing.unregister(Boom)


def test_tracebacks_only_for_system_administrators(server, attack_db, boom, caplog):
    caplog.set_level(logging.ERROR, logger="coquiapps.http.application")
    anonymous, plain, admin = HttpSession(server), HttpSession(server), HttpSession(server)
    anonymous.token(f"/web/login?db={attack_db}")
    plain.login(attack_db, "plain", "plain-pw")
    admin.login(attack_db)
    for who, client in (("anonymous", anonymous), ("plain", plain), ("admin", admin)):
        status, _headers, page = client.request("GET", "/test_web/attack_boom?debug=1")
        assert status == 500 and "Reference:" in page
        assert ("Traceback" in page) is (who == "admin"), who
        reference = page.split("Reference: <code>")[1].split("<")[0]
        assert any(reference in r.getMessage() and r.exc_info for r in caplog.records), reference
    status, answer = plain.call("/test_web/attack_boom_json", {})
    assert answer["error"]["data"]["debug"] == "" and answer["error"]["data"]["reference"]
    status, answer = admin.call("/test_web/attack_boom_json", {})
    assert "Traceback" in answer["error"]["data"]["debug"]
