"""An admin's OdooRPC script runs unchanged against the full web application."""
import json
import threading
import urllib.error
import urllib.request

import pytest
from werkzeug.serving import make_server

from coquiapps.testing import databases

odoorpc = pytest.importorskip("odoorpc", reason="the odoorpc package is not installed")


@pytest.fixture(scope="module")
def web_server():
    try:
        from coquiapps.http import Application
    except ImportError as exc:
        pytest.skip(f"coquiapps.http is not available yet: {exc}")
    httpd = make_server("127.0.0.1", 0, Application(), threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd.server_port
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


def session_routes_exist(port) -> bool:
    for path in ("/web/webclient/version_info", "/web/session/authenticate", "/web/dataset/call_kw"):
        req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=json.dumps(
            {"jsonrpc": "2.0", "method": "call", "params": {}, "id": 1}).encode(),
            headers={"Content-Type": "application/json"})
        try:
            urllib.request.urlopen(req, timeout=10).close()
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return False
    return True


def test_odoorpc_installs_a_module(web_server, base_db):
    if not session_routes_exist(web_server):
        pytest.skip("the OdooRPC JSON session routes (/web/session/authenticate, /web/dataset/call_kw) "
                    "are not implemented yet")
    db = databases.copy_of(base_db, "odoorpc")
    odoo = odoorpc.ODOO("127.0.0.1", port=web_server, timeout=120)
    odoo.login(db, "admin", "admin")
    assert odoo.env.uid
    Module = odoo.env["ir.module.module"]
    Module.update_list()
    ids = Module.search([("name", "=", "test_orm")])
    assert len(ids) == 1
    Module.button_immediate_install(ids)
    assert Module.read(ids, ["state"])[0]["state"] == "installed"
    assert odoo.execute_kw("res.users", "search_count", [[("login", "=", "admin")]]) == 1
