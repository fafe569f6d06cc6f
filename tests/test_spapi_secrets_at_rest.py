"""Secrets pasted into the wizards are found in no backup, no neutralized duplicate and no log.

An administrator uses each wizard in the web client, over real HTTP, and closes the
dialogs (the wizard rows stay until the transient cleanup). Then the database is backed
up with the database manager's own backup function, dumped as plain SQL, and duplicated
neutralized for staging; the raw bytes of each are searched for every secret value used.
"""
from __future__ import annotations

import html
import io
import logging
import os
import re
import subprocess
import urllib.error
import urllib.parse
import urllib.request
import zipfile

import pytest
import requests

from amazon_sandbox.testing import running
from coquiapps import sql_db
from coquiapps.service import backup, pgtools
from coquiapps.service import db as db_service
from coquiapps.sql_db import postgres
from coquiapps.testing import databases

from .spapi_world import new_world

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
FORM_RE = re.compile(r'<form class="o_form[^"]*" method="post" action="([^"]+)"')
LINK_RE = re.compile(r"https?://[^\s\"'<>]*/amazon_spapi/connect/([A-Za-z0-9_-]+)\?db=[\w.-]+")


@pytest.fixture
def world(server, full_db):
    with running(seed=16) as harness:
        world = new_world(harness, full_db)
        with world.env() as env:
            env["ir.config_parameter"].set_param("web.base.url", server)
        yield world


class Admin:
    """The administrator's browser: a session over real HTTP that submits the forms it is shown."""

    def __init__(self, server: str, db: str):
        self.server = server
        self.http = requests.Session()
        page = self.get(f"/web/login?db={db}")
        response = self.http.post(f"{server}/web/login", timeout=30, data={
            "login": "admin", "password": "admin", "redirect": "/web", "csrf_token": _csrf(page)})
        assert response.ok and "/web/login" not in response.url, response.text[:500]

    def get(self, path: str) -> str:
        response = self.http.get(self.server + path, timeout=30)
        assert response.status_code == 200, response.text[:500]
        return response.text

    def submit(self, page: str, button: str, **fields) -> requests.Response:
        """Fill the form of ``page`` with ``fields`` and click ``button`` (``object:<method>``)."""
        found = FORM_RE.search(page)
        assert found, page[:500]
        assert f'value="{button}"' in page, f"no button {button} on this form"
        response = self.http.post(self.server + html.unescape(found.group(1)), timeout=30,
                                  files={name: (None, value) for name, value in
                                         {**fields, "_button": button, "csrf_token": _csrf(page)}.items()})
        assert response.status_code == 200 and "o_notice_danger" not in response.text, response.text[:3000]
        return response


def _csrf(page: str) -> str:
    found = CSRF_RE.search(page)
    assert found, page[:500]
    return found.group(1)


# -- what an administrator does ----------------------------------------------------------------
def use_the_wizards(world, admin: Admin) -> dict[str, str]:
    """Private app authorization, a test call, secret rotation and a connect link; the secrets used."""
    h = world.h
    private, refresh_token = h.refresh_token("NA")
    seller = h.seller("NA")
    with world.env() as env:
        private_account = world.make_account(env, name="Amazon US private").id
        public_app = world.make_app(env)  # entered on the application form, encrypted there
        link_account = world.make_account(env, public_app, name="Amazon US by link").id
    account_page = admin.get(f"/web/action/model:amazon.account/{private_account}")
    wizard = admin.submit(account_page, "object:action_open_private_app_wizard")
    assert 'name="refresh_token"' in wizard.text
    done = admin.submit(wizard.text, "object:action_authorize", app_name="Private app", client_id=private["client_id"],
                        client_secret=private["client_secret"], refresh_token=refresh_token,
                        selling_partner_id=seller["selling_partner_id"])
    assert "connected through the private application" in done.text, done.text[:2000]
    admin.submit(admin.get(f"/web/action/model:amazon.account/{private_account}"),
                 "object:action_sp_test_connection")

    rotated = h.control("POST", f"apps/{private['client_id']}/rotate-secret", {})["client_secret"]
    with world.env() as env:
        account = env["amazon.account"].browse(private_account)
        assert account.sp_state == "connected"
        app_id = account.spapi_app_id.id
        access_token = env["amazon.spapi.token"].sudo().search([("account_id", "=", private_account)]).access_token
    assert access_token and access_token.startswith("Atza|")
    wizard = admin.submit(admin.get(f"/web/action/model:amazon.spapi.app/{app_id}"), "object:action_open_rotate_wizard")
    done = admin.submit(wizard.text, "object:action_rotate", new_secret=rotated)
    assert "works and is saved" in done.text, done.text[:2000]

    shown = admin.submit(admin.get(f"/web/action/model:amazon.account/{link_account}"),
                         "object:action_sp_connect_link")
    link = LINK_RE.search(html.unescape(shown.text))
    assert link, "the connect link is shown to the administrator"
    # the owner opens it: its token is in the path of a request the server logs (urllib, unlike
    # requests, logs nothing on the client side)
    with urllib.request.urlopen(link.group(0), timeout=30) as page:
        assert page.status == 200
    with world.env() as env:
        assert env["amazon.spapi.app"].browse(app_id).sudo().client_secret == rotated
        for model in ("amazon.spapi.private.app", "amazon.spapi.rotate.secret", "amazon.spapi.link.wizard"):
            assert env[model].search_count([]), f"the {model} row was left where the admin closed it"
    assert private["client_id"].encode() in plain_dump(world.db)  # the search below can find a value
    return {"client secret": private["client_secret"], "new client secret": rotated,
            "public app's client secret": h.app("public")["client_secret"], "refresh token": refresh_token,
            "access token": access_token, "connect link": link.group(0), "connect link token": link.group(1)}


# -- where secrets must not be -----------------------------------------------------------------
def _connection_args(dbname: str) -> tuple[list[str], dict]:
    """pg_dump arguments for ``dbname``, with the connection parameters the application uses."""
    params = postgres.connection_params(dbname)
    args = [f"--{flag}={params[key]}" for key, flag in (("host", "host"), ("port", "port"), ("user", "username"))
            if params.get(key)]
    env = {"PGPASSWORD": str(params["password"])} if params.get("password") else {}
    return [*args, f"--dbname={params['dbname']}"], env


def plain_dump(dbname: str) -> bytes:
    """``pg_dump`` of ``dbname`` as plain SQL: every column value as text."""
    args, extra_env = _connection_args(dbname)
    result = subprocess.run([pgtools.binary("pg_dump"), "--no-owner", "--format=plain", *args],
                            env={**os.environ, **extra_env}, capture_output=True, check=True)
    return result.stdout


def readable_parts(data: bytes) -> list[bytes]:
    """The bytes of a backup and of everything inside it, unpacked (zip, custom-format dumps)."""
    parts = [data]
    if zipfile.is_zipfile(io.BytesIO(data)):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                parts.extend(readable_parts(archive.read(name)))
    elif data.startswith(b"PGDMP"):  # pg_dump's custom format is compressed: read it as SQL
        result = subprocess.run([pgtools.binary("pg_restore"), "--file=-"], input=data,
                                capture_output=True, check=True)
        parts.append(result.stdout)
    return parts


def leaks(secrets: dict[str, str], where: dict[str, list[bytes]]) -> list[str]:
    found = []
    for place, blobs in where.items():
        for label, value in secrets.items():
            if any(value.encode() in blob for blob in blobs):
                found.append(f"{label} in {place}")
    return found


class Everything(logging.Handler):
    """Every record logged anywhere in this process, as formatted text."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        try:
            self.lines.append(self.format(record))
        except Exception:  # a record that cannot be formatted still counts: keep its raw parts
            self.lines.append(f"{record.msg!r} {record.args!r}")


@pytest.fixture
def log():
    handler = Everything()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def test_wizard_secrets_are_in_no_backup_duplicate_or_log(server, world, log):
    secrets = use_the_wizards(world, Admin(server, world.db))
    # Amazon's authorization code comes back in the callback's query, which the server logs too
    code = "ANaQvbxHfYbVxcPsfOdjxHsnkEkVlNzU-an-authorization-code"
    query = urllib.parse.urlencode({"state": "not-a-state", "spapi_oauth_code": code, "selling_partner_id": "A1X"})
    with pytest.raises(urllib.error.HTTPError):  # refused (forged state), and logged
        urllib.request.urlopen(f"{server}/amazon_spapi/callback?{query}", timeout=30)
    secrets["authorization code"] = code
    assert all(len(value) >= 20 for value in secrets.values()), secrets.keys()

    staging = databases.unique_name("staging")
    databases.register(staging)
    db_service.duplicate_database(world.db, staging, neutralize=True)
    with sql_db.cursor(staging) as cr:  # an administrator's dialogs stay on the original
        cr.execute("SELECT (SELECT count(*) FROM amazon_spapi_private_app) + (SELECT count(*) FROM "
                   "amazon_spapi_rotate_secret) + (SELECT count(*) FROM amazon_spapi_link_wizard)")
        assert cr.fetchone()[0] == 0
    where = {
        "the database manager's backup": readable_parts(backup.backup(world.db)),
        "a plain SQL dump": [plain_dump(world.db)],
        "the neutralized duplicate": [plain_dump(staging)],
        "the log": ["\n".join(log.lines).encode()],
    }
    found = leaks(secrets, where)
    assert not found, found


def _rows_of_an_older_version(env) -> dict[str, str]:
    """Wizard rows as the versions before encryption left them: secrets in plain columns."""
    account = env["amazon.account"].create({"name": "Amazon US older", "company_id": env.ref("base.main_company").id,
                                            "base_marketplace_id": env.ref("sale_amazon.marketplace_us").id})
    app = env["amazon.spapi.app"].create({"name": "Older app", "client_id": "amzn1.application-oa2-client.older"})
    values = {"client secret": "amzn1.oa2-cs.v1.plain-secret-an-older-version-left",
              "refresh token": "Atzr|plain-refresh-token-an-older-version-left",
              "new client secret": "amzn1.oa2-cs.v1.plain-new-secret-an-older-version-left",
              "connect link": "http://localhost/amazon_spapi/connect/plain-token-an-older-version-left?db=x"}
    cr = env.cr
    cr.execute("INSERT INTO amazon_spapi_private_app (account_id, client_secret, refresh_token) VALUES (%s, %s, %s)",
               (account.id, values["client secret"], values["refresh token"]))
    cr.execute("INSERT INTO amazon_spapi_rotate_secret (app_id, new_secret) VALUES (%s, %s)",
               (app.id, values["new client secret"]))
    cr.execute("INSERT INTO amazon_spapi_link_wizard (account_id, url) VALUES (%s, %s)",
               (account.id, values["connect link"]))
    return values


def test_an_upgrade_removes_the_plaintext_wizard_rows_of_older_versions(full_db):
    from coquiapps.modules import loading
    from coquiapps.tests.test_modules_lifecycle import run

    name = databases.copy_of(full_db, "older")
    secrets = run(name, _rows_of_an_older_version)
    assert len(leaks(secrets, {"the dump": [plain_dump(name)]})) == len(secrets)  # planted where a dump finds them
    run(name, lambda env: loading.upgrade_modules(env, ["sale_amazon_spapi"]))
    found = leaks(secrets, {"the dump after the upgrade": [plain_dump(name)]})
    assert not found, found
