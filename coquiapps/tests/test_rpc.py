"""The external API over a live server: XML-RPC ``/xmlrpc/2/*`` and ``/jsonrpc`` (stdlib clients)."""
import datetime as dt
import decimal
import json
import threading
import urllib.request
import xmlrpc.client

import pytest
from werkzeug.serving import make_server

from coquiapps.service import marshal, rpc
from coquiapps.testing import databases
from coquiapps.testing.master import set_master_password
from coquiapps.tools import config


@pytest.fixture(scope="module")
def rpc_db(base_db):
    """A private copy of the base database: RPC calls commit."""
    return databases.copy_of(base_db, "rpc")


@pytest.fixture(scope="module")
def server():
    """``rpc.wsgi_app`` served by a werkzeug thread on 127.0.0.1; its base URL."""
    httpd = make_server("127.0.0.1", 0, rpc.wsgi_app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


def proxy(server, service):
    return xmlrpc.client.ServerProxy(f"{server}/xmlrpc/2/{service}", allow_none=False)


@pytest.fixture(scope="module")
def admin(server, rpc_db):
    uid = proxy(server, "common").authenticate(rpc_db, "admin", "admin", {})
    assert isinstance(uid, int) and uid
    return uid


def jsonrpc(server, service, method, *args):
    body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 7,
                       "params": {"service": service, "method": method, "args": list(args)}}).encode()
    req = urllib.request.Request(f"{server}/jsonrpc", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as answer:
        return json.loads(answer.read())


def test_version(server):
    info = proxy(server, "common").version()
    assert info["server_version"] == "17.0"
    assert info["server_version_info"][0] == 17 and info["protocol_version"] == 1


def test_authenticate(server, rpc_db, admin):
    common = proxy(server, "common")
    assert common.login(rpc_db, "admin", "admin") == admin
    assert common.authenticate(rpc_db, "admin", "wrong", {}) is False
    assert common.authenticate(rpc_db, "nobody", "admin", {}) is False
    assert common.authenticate("no_such_database_here", "admin", "admin", {}) is False


def test_execute_kw_crud_and_marshalling(server, rpc_db, admin):
    models = proxy(server, "object")
    pid = models.execute_kw(rpc_db, admin, "admin", "res.partner", "create", [{"name": "RPC Partner"}])
    assert isinstance(pid, int)
    ids = models.execute_kw(rpc_db, admin, "admin", "res.partner", "search",
                            [[("name", "=", "RPC Partner")]])
    assert ids == [pid]
    [row] = models.execute_kw(rpc_db, admin, "admin", "res.partner", "read", [ids],
                              {"fields": ["name", "create_date", "email"]})
    assert row["name"] == "RPC Partner"
    assert row["email"] is False  # None travels as False
    dt.datetime.strptime(row["create_date"], "%Y-%m-%d %H:%M:%S")
    assert models.execute_kw(rpc_db, admin, "admin", "res.partner", "write",
                             [[pid], {"email": "rpc@example.com"}]) is True
    assert models.execute(rpc_db, admin, "admin", "res.partner", "search_count",
                          [("email", "=", "rpc@example.com")]) == 1
    rows = models.execute_kw(rpc_db, admin, "admin", "res.partner", "search_read",
                             [[("id", "=", pid)]], {"fields": ["name"], "context": {"lang": "en_US"}})
    assert rows == [{"id": pid, "name": "RPC Partner"}]
    assert models.execute_kw(rpc_db, admin, "admin", "res.partner", "unlink", [[pid]]) is True


def test_wrong_password_and_private_methods_refused(server, rpc_db, admin):
    models = proxy(server, "object")
    with pytest.raises(xmlrpc.client.Fault) as info:
        models.execute_kw(rpc_db, admin, "wrong", "res.partner", "search", [[]])
    assert info.value.faultCode == rpc.FAULT_ACCESS_DENIED
    with pytest.raises(xmlrpc.client.Fault) as info:
        models.execute_kw(rpc_db, admin, "admin", "ir.cron", "_callback", [[1]])
    assert "cannot be called remotely" in info.value.faultString
    with pytest.raises(xmlrpc.client.Fault) as info:
        models.execute_kw(rpc_db, admin, "admin", "no.such.model", "search", [[]])
    assert "no.such.model" in info.value.faultString


def test_user_error_is_a_readable_fault(server, rpc_db, admin):
    models = proxy(server, "object")
    with pytest.raises(xmlrpc.client.Fault) as info:
        models.execute_kw(rpc_db, admin, "admin", "res.users", "change_password", [[admin], "admin", ""])
    assert info.value.faultCode == rpc.FAULT_WARNING
    assert "empty password" in info.value.faultString
    assert "Traceback" not in info.value.faultString


def test_access_rights_of_the_caller(server, rpc_db, admin):
    models = proxy(server, "object")
    group = models.execute_kw(rpc_db, admin, "admin", "ir.model.data", "search_read",
                              [[("module", "=", "base"), ("name", "=", "group_user")]], {"fields": ["res_id"]})
    uid = models.execute_kw(rpc_db, admin, "admin", "res.users", "create", [{
        "name": "RPC Clerk", "login": "rpc_clerk", "password": "clerk-pw",
        "groups_id": [(6, 0, [group[0]["res_id"]])]}])
    assert proxy(server, "common").authenticate(rpc_db, "rpc_clerk", "clerk-pw", {}) == uid
    assert models.execute_kw(rpc_db, uid, "clerk-pw", "res.partner", "search_count", [[]]) >= 1
    with pytest.raises(xmlrpc.client.Fault) as info:
        models.execute_kw(rpc_db, uid, "clerk-pw", "ir.cron", "search", [[]])
    assert info.value.faultCode == rpc.FAULT_ACCESS_ERROR
    assert "ir.cron" in info.value.faultString
    # a changed password is seen at once, despite the credentials cache
    models.execute_kw(rpc_db, admin, "admin", "res.users", "write", [[uid], {"password": "new-pw"}])
    with pytest.raises(xmlrpc.client.Fault):
        models.execute_kw(rpc_db, uid, "clerk-pw", "res.partner", "search_count", [[]])


def test_install_a_module_as_an_admin_script_does(server, rpc_db, admin):
    models = proxy(server, "object")
    updated_added = models.execute_kw(rpc_db, admin, "admin", "ir.module.module", "update_list", [])
    assert len(updated_added) == 2
    ids = models.execute_kw(rpc_db, admin, "admin", "ir.module.module", "search",
                            [[("name", "=", "test_orm")]])
    assert len(ids) == 1
    models.execute_kw(rpc_db, admin, "admin", "ir.module.module", "button_immediate_install", [ids])
    [row] = models.execute_kw(rpc_db, admin, "admin", "ir.module.module", "read", [ids], {"fields": ["state"]})
    assert row["state"] == "installed"


@pytest.fixture
def fresh_config(tmp_path):
    """A configuration without master password, saved to a file of this test."""
    previous = config.current()
    cfg = config.Config(values={**previous.values, "admin_passwd": ""}, path=tmp_path / "coquiapps.conf")
    config.set_current(cfg)
    yield cfg
    config.set_current(previous)


def test_db_service(server, rpc_db, fresh_config, monkeypatch):
    dbs = proxy(server, "db")
    assert rpc_db in dbs.list()
    assert dbs.db_exist(rpc_db) is True
    assert dbs.db_exist("no_such_database_here") is False
    assert dbs.db_exist("postgres") is False and dbs.db_exist("template1") is False
    assert dbs.server_version() == "17.0"
    # a fresh install: closed, the first master password given does not become it
    with pytest.raises(xmlrpc.client.Fault, match="closed"):
        dbs.drop("master", "no_such_database_here")
    assert not fresh_config.get("admin_passwd")
    set_master_password(fresh_config, "master")
    assert dbs.drop("master", "no_such_database_here") is False
    stored = fresh_config.get("admin_passwd")
    assert stored.startswith("scrypt$") and "master" not in fresh_config.path.read_text()
    with pytest.raises(xmlrpc.client.Fault) as info:
        dbs.drop("wrong", rpc_db)
    assert info.value.faultCode == rpc.FAULT_ACCESS_DENIED and "Wrong master password" in info.value.faultString
    assert fresh_config.get("admin_passwd") == stored and dbs.db_exist(rpc_db)
    copy = databases.unique_name("rpcdup")
    databases.register(copy)
    assert dbs.duplicate_database("master", rpc_db, copy, True) is True
    assert dbs.db_exist(copy)
    assert dbs.drop("master", "postgres") is False  # never someone else's database
    assert dbs.drop("master", copy) is True
    assert not dbs.db_exist(copy)
    monkeypatch.setitem(config.current().values, "list_db", False)
    with pytest.raises(xmlrpc.client.Fault):
        dbs.list()
    with pytest.raises(xmlrpc.client.Fault) as info:  # list_db = False disables managing databases too
        dbs.drop("master", "no_such_database_here")
    assert "disabled" in info.value.faultString


def test_create_database_over_rpc(server, fresh_config):
    set_master_password(fresh_config, "plain-master")
    name = databases.unique_name("rpcnew")
    databases.register(name)
    dbs = proxy(server, "db")
    assert dbs.create_database("plain-master", name, False, "en_US", "secret", "boss") is True
    assert proxy(server, "common").authenticate(name, "boss", "secret", {})
    assert dbs.drop("plain-master", name) is True


def test_context_get(server, rpc_db, admin):
    models = proxy(server, "object")
    assert models.execute_kw(rpc_db, admin, "admin", "res.users", "context_get", []) == {
        "lang": "en_US", "tz": "UTC", "uid": admin}


def test_jsonrpc(server, rpc_db, admin):
    assert jsonrpc(server, "common", "version")["result"]["server_serie"] == "17.0"
    answer = jsonrpc(server, "object", "execute_kw", rpc_db, admin, "admin", "res.users", "read",
                     [[admin]], {"fields": ["login", "login_date"]})
    assert answer["id"] == 7 and answer["result"][0]["login"] == "admin"
    error = jsonrpc(server, "object", "execute_kw", rpc_db, admin, "admin", "res.users", "change_password",
                    [[admin], "admin", ""])["error"]
    assert "empty password" in error["data"]["message"]
    assert error["data"]["name"] == "odoo.exceptions.UserError"
    assert "Traceback" not in json.dumps(error)
    assert "error" in jsonrpc(server, "nothing", "version")


def test_get_is_refused_and_unknown_paths_404(server):
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(f"{server}/xmlrpc/2/common", timeout=10)
    assert info.value.code == 405
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(f"{server}/xmlrpc/2/other", data=b"<x/>", timeout=10)
    assert info.value.code == 404


def test_marshal_to_wire():
    value = {1: [None, dt.date(2024, 5, 1), dt.datetime(2024, 5, 1, 8, 30, 5), decimal.Decimal("1.5"),
                 b"\x00\x01", ("a", 2)]}
    assert marshal.to_wire(value) == {"1": [False, "2024-05-01", "2024-05-01 08:30:05", 1.5, "AAE=", ["a", 2]]}
    assert marshal.from_xmlrpc([dt.datetime(2024, 1, 2, 3, 4, 5), b"hi"]) == ["2024-01-02 03:04:05", "aGk="]
