"""The database manager over real HTTP: restores only custom-format dumps; db_filter on every service."""
import io
import re
import xmlrpc.client
import zipfile

import pytest
import requests

from coquiapps.service import db
from coquiapps.service import server as server_mod
from coquiapps.testing import databases
from coquiapps.testing.master import set_master_password
from coquiapps.tools import config

TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def master(tmp_path):
    previous = config.current()
    cfg = config.Config(values={**previous.values, "admin_passwd": ""}, path=tmp_path / "coquiapps.conf")
    config.set_current(cfg)
    set_master_password(cfg, "m4ster")
    yield "m4ster"
    config.set_current(previous)


def call(server, service, method, *params):
    answer = requests.post(f"{server}/xmlrpc/2/{service}", data=xmlrpc.client.dumps(params, method),
                           headers={"Content-Type": "text/xml"}, timeout=60)
    return xmlrpc.client.loads(answer.content)[0][0]


def upload(server, master_pwd, name, filename, data) -> str:
    session = requests.Session()
    token = TOKEN_RE.search(session.get(f"{server}/web/database/manager", timeout=60).text).group(1)
    answer = session.post(f"{server}/web/database/restore",
                          data={"csrf_token": token, "master_pwd": master_pwd, "name": name, "copy": "1"},
                          files={"backup_file": (filename, data)}, timeout=120)
    return answer.text


def test_a_shell_line_in_an_uploaded_file_runs_nothing(server, master, tmp_path):
    marker = tmp_path / "pwned"
    script = f"CREATE TABLE t (id int);\n\\! touch {marker}\nSELECT 1;\n".encode()
    name = databases.unique_name("evil")
    databases.register(name)
    page = upload(server, master, name, "evil.sql", script)
    assert "not a custom-format PostgreSQL dump" in page or "neither a CoquiAPPs backup" in page
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("dump.sql", script)
        handle.writestr("manifest.json", "{}")
    page = upload(server, master, name, "evil.zip", archive.getvalue())
    assert "plain SQL dump" in page
    assert not marker.exists() and not db.exists(name)


def test_backup_is_a_custom_format_dump_restored_with_pg_restore(server, master, base_db):
    session = requests.Session()
    token = TOKEN_RE.search(session.get(f"{server}/web/database/manager", timeout=60).text).group(1)
    answer = session.post(f"{server}/web/database/backup",
                          data={"csrf_token": token, "master_pwd": master, "name": base_db}, timeout=120)
    assert answer.status_code == 200 and answer.headers["Content-Type"] == "application/zip"
    dump = zipfile.ZipFile(io.BytesIO(answer.content)).read("dump.dump")
    assert dump.startswith(b"PGDMP")
    name = databases.unique_name("bare")
    databases.register(name)
    page = upload(server, master, name, "bare.dump", dump)  # the dump alone restores too
    assert f"Database {name} restored." in page
    assert call(server, "db", "db_exist", name) is True
    assert call(server, "db", "drop", master, name) is True


@pytest.fixture
def only_a(base_db, monkeypatch):
    """The server as started with ``-d <a>``: a and b exist, only a is served."""
    b = databases.copy_of(base_db, "filtb")
    monkeypatch.setitem(config.current().values, "db_filter", config.current()["db_filter"])
    server_mod.restrict_to([base_db])
    return base_db, b


def test_db_filter_applies_to_every_service(server, only_a, master):
    a, b = only_a
    uid = call(server, "common", "login", a, "admin", "admin")
    assert uid
    assert call(server, "object", "execute_kw", a, uid, "admin", "res.users", "context_get", [])["uid"] == uid
    assert call(server, "common", "login", b, "admin", "admin") is False
    with pytest.raises(xmlrpc.client.Fault, match="Access Denied"):
        call(server, "object", "execute_kw", b, uid, "admin", "res.partner", "search_count", [[]])
    assert call(server, "db", "db_exist", a) is True
    for name in (b, "postgres", "template1", "coquiapps_security"):
        assert call(server, "db", "db_exist", name) is False
    assert call(server, "db", "list") == [a]
    assert call(server, "db", "drop", master, b) is False and db.exists(b)
    with pytest.raises(xmlrpc.client.Fault, match="not a CoquiAPPs database of this server"):
        call(server, "db", "duplicate_database", master, b, databases.unique_name("x"))
    page = requests.get(f"{server}/web/database/manager", timeout=60).text
    assert a in page and b not in page


@pytest.fixture
def no_master(tmp_path):
    previous = config.current()
    config.set_current(config.Config(values={**previous.values, "admin_passwd": ""}, path=tmp_path / "c.conf"))
    yield tmp_path / "c.conf"
    config.set_current(previous)


def test_closed_until_a_master_password_is_configured(server, no_master, base_db):
    session = requests.Session()
    page = session.get(f"{server}/web/database/manager", timeout=60).text
    assert "The database manager is closed" in page and "master_pwd" not in page
    # an attacker posts the forms anyway (a CSRF token of their own session, from the login page)
    token = TOKEN_RE.search(session.get(f"{server}/web/login", params={"db": base_db}, timeout=60).text).group(1)
    copy = databases.unique_name("closed")
    databases.register(copy)
    for _ in range(2):  # the first password given does not become the master password
        answer = session.post(f"{server}/web/database/duplicate", data={
            "csrf_token": token, "master_pwd": "first-caller", "name": base_db, "new_name": copy}, timeout=60)
        assert "The database manager is closed" in answer.text
    with pytest.raises(xmlrpc.client.Fault, match="closed"):
        call(server, "db", "drop", "first-caller", copy)
    assert not db.exists(copy) and not no_master.exists()
