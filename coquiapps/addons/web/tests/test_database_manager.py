"""The database manager: master password, create, duplicate (neutralized), backup, restore, drop."""
import io
import json
import zipfile

import pytest

from coquiapps.service import db
from coquiapps.testing import databases
from coquiapps.testing.master import set_master_password
from coquiapps.tools import config

from .common import WebClient, text


@pytest.fixture
def fresh_config(tmp_path):
    """A configuration of this test (the master password is saved into its own file)."""
    previous = config.current()
    cfg = config.Config(values={**previous.values, "admin_passwd": ""}, path=tmp_path / "coquiapps.conf")
    config.set_current(cfg)
    yield cfg
    config.set_current(previous)


def notices(response) -> str:
    return text(response)


def test_manager_operations(fresh_config, base_db):
    client = WebClient()
    page = text(client.get("/web/database/manager"))
    assert "The database manager is closed" in page
    assert 'action="/web/database/duplicate"' not in page
    copy = databases.unique_name("dbm")
    databases.register(copy)
    # closed until a master password is configured: the first one typed does not become it
    client.get(f"/web/login?db={base_db}")  # the closed manager has no form: a CSRF token from elsewhere
    refused = client.follow(client.post("/web/database/duplicate", {
        "master_pwd": "s3cret", "name": base_db, "new_name": copy, "neutralize": "1"}))
    assert "The database manager is closed" in text(refused) and not db.exists(copy)
    assert not fresh_config.path.exists() or "admin_passwd" not in fresh_config.path.read_text()
    set_master_password(fresh_config, "s3cret")
    assert 'action="/web/database/duplicate"' in text(client.get("/web/database/manager"))
    done = client.follow(client.post("/web/database/duplicate", {
        "master_pwd": "s3cret", "name": base_db, "new_name": copy, "neutralize": "1"}))
    assert f"duplicated as {copy} (neutralized)" in text(done)
    stored = fresh_config.get("admin_passwd")
    assert stored.startswith("scrypt$") and "s3cret" not in fresh_config.path.read_text()
    refused = client.follow(client.post("/web/database/drop", {"master_pwd": "wrong", "name": copy}))
    assert "Wrong master password" in text(refused) and db.exists(copy)
    backup = client.post("/web/database/backup", {"master_pwd": "s3cret", "name": copy})
    assert backup.status_code == 200 and backup.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(backup.data))
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["modules"]["base"] and archive.read("dump.dump").startswith(b"PGDMP")
    restored = databases.unique_name("dbr")
    databases.register(restored)
    done = client.follow(client.post("/web/database/restore", {
        "master_pwd": "s3cret", "name": restored, "copy": "1",
        "backup_file": (io.BytesIO(backup.data), "backup.zip")}))
    assert f"Database {restored} restored." in text(done) and db.exists(restored)
    login = WebClient()
    assert login.login(restored).status_code == 303
    assert "o_neutralized_banner" in text(login.get("/web"))  # the backup was of the neutralized copy
    done = client.follow(client.post("/web/database/drop", {"master_pwd": "s3cret", "name": restored}))
    assert f"Database {restored} dropped." in text(done) and not db.exists(restored)
    done = client.follow(client.post("/web/database/change_password", {
        "master_pwd": "s3cret", "master_pwd_new": "n3w"}))
    assert "Master password changed." in text(done)
    assert client.post("/web/database/drop", {"master_pwd": "n3w", "name": copy}).status_code == 303
    assert not db.exists(copy)


def test_create_database(fresh_config):
    set_master_password(fresh_config, "m")
    client = WebClient()
    name = databases.unique_name("dbc")
    databases.register(name)
    done = client.follow(client.post("/web/database/create", {
        "master_pwd": "m", "name": name, "login": "boss", "password": "pw", "lang": "en_US"}))
    assert f"Database {name} created." in text(done)
    assert WebClient().login(name, "boss", "pw").status_code == 303
    bad = client.follow(client.post("/web/database/create", {
        "master_pwd": "m", "name": "bad name!", "login": "x", "password": "y"}))
    assert "invalid database name" in text(bad)


def test_manager_refuses_without_csrf_and_when_disabled(fresh_config, monkeypatch):
    client = WebClient()
    client.get("/web/database/manager")
    assert client.post("/web/database/drop", {"master_pwd": "x", "name": "x"}, csrf=False).status_code == 403
    monkeypatch.setitem(fresh_config.values, "list_db", False)
    assert client.get("/web/database/manager").status_code == 404
    assert "error" in client.json("/web/database/list")


def xmlrpc_db(client: WebClient, method: str, *params):
    """Call the ``db`` RPC service through the same application (raises xmlrpc.client.Fault)."""
    import xmlrpc.client

    response = client.client.post("/xmlrpc/2/db", data=xmlrpc.client.dumps(params, method),
                                  content_type="text/xml")
    return xmlrpc.client.loads(response.get_data())[0][0]


def test_web_and_rpc_share_the_master_password(fresh_config, monkeypatch):
    import xmlrpc.client

    from coquiapps.tools.passwords import verify_password

    client = WebClient()
    set_master_password(fresh_config, "first")
    # changed from the web, used over RPC
    done = client.follow(client.post("/web/database/change_password", {
        "master_pwd": "first", "master_pwd_new": "second"}))
    assert "Master password changed." in text(done)
    assert verify_password("second", fresh_config.get("admin_passwd"))
    with pytest.raises(xmlrpc.client.Fault, match="Wrong master password"):
        xmlrpc_db(client, "drop", "first", "no_such_database_here")
    assert xmlrpc_db(client, "drop", "second", "no_such_database_here") is False
    # set on the command line while the server runs, used from the web and over RPC at once
    set_master_password(fresh_config, "from-cli")
    assert xmlrpc_db(client, "drop", "from-cli", "no_such_database_here") is False
    assert verify_password("from-cli", config.load(str(fresh_config.path)).get("admin_passwd"))
    refused = client.follow(client.post("/web/database/drop", {"master_pwd": "second", "name": "nope"}))
    assert "Wrong master password" in text(refused)
    accepted = client.follow(client.post("/web/database/drop", {"master_pwd": "from-cli", "name": "nope"}))
    assert "does not exist" in text(accepted) and "Wrong master password" not in text(accepted)
    # list_db = False disables both
    monkeypatch.setitem(fresh_config.values, "list_db", False)
    assert client.get("/web/database/manager").status_code == 404
    with pytest.raises(xmlrpc.client.Fault, match="disabled"):
        xmlrpc_db(client, "drop", "from-cli", "no_such_database_here")


def test_create_database_in_french(fresh_config):
    from coquiapps import sql_db

    set_master_password(fresh_config, "m")
    client = WebClient()
    page = text(client.get("/web/database/manager"))
    assert '<option value="fr_FR">French / Français</option>' in page
    assert '<option value="en_US" selected>English (US)</option>' in page and "ja_JP" in page
    name = databases.unique_name("dbfr")
    databases.register(name)
    done = client.follow(client.post("/web/database/create", {
        "master_pwd": "m", "name": name, "login": "patron", "password": "pw", "lang": "fr_FR"}))
    assert f"Database {name} created." in text(done)
    with sql_db.cursor(name) as cr:
        cr.execute("SELECT code FROM res_lang WHERE active ORDER BY code")
        assert [r[0] for r in cr.fetchall()] == ["en_US", "fr_FR"]
        cr.execute("SELECT lang FROM res_users WHERE login = 'patron'")
        assert cr.fetchone()[0] == "fr_FR"
    french = WebClient()
    assert french.login(name, "patron", "pw").status_code == 303
    assert "Bienvenue" in text(french.get("/web"))
    refused = client.follow(client.post("/web/database/create", {
        "master_pwd": "m", "name": databases.unique_name("dbxx"), "login": "x", "password": "y",
        "lang": "xx_XX"}))
    assert "unknown language" in text(refused)
    sql_db.pool().close_all(name)


def test_duplicate_and_drop_the_database_one_is_logged_in_to(fresh_config, new_db):
    """The administrator's own session on the source must not break the copy (it needs no connection)."""
    source = new_db(label="dbmself")
    set_master_password(fresh_config, "s3cret")
    client = WebClient()
    assert client.login(source).status_code == 303
    copy = databases.unique_name("dbmselfcopy")
    databases.register(copy)
    done = client.post("/web/database/duplicate", {
        "master_pwd": "s3cret", "name": source, "new_name": copy, "neutralize": "1"})
    assert done.status_code == 303
    assert f"duplicated as {copy} (neutralized)" in text(client.follow(done)) and db.exists(copy)
    assert client.login(copy).status_code == 303
    done = client.post("/web/database/drop", {"master_pwd": "s3cret", "name": copy})
    assert done.status_code == 303
    assert f"Database {copy} dropped." in text(client.follow(done)) and not db.exists(copy)
