"""Helpers of the remote-call tests: a database with planted secrets, callers over real HTTP, snapshots.

- :func:`prepare` makes a private copy of a database with a portal user, a
  salesman, an ordinary customer and known secrets (LWA client secret, refresh
  and access tokens, an MWS token, the admin's password hash, ``database.secret``),
  every Amazon URL pointed at a :class:`Relay` on 127.0.0.1;
- :class:`XmlRpc`, :class:`JsonRpc` and :class:`WebClient` call model methods as a
  user through ``/xmlrpc/2/object``, ``/jsonrpc`` and ``/web/dataset/call_kw``,
  keeping every response body;
- :func:`snapshot` and :func:`unexplained_changes` tell which rows changed and
  which of those changes the user's access rights and record rules do not allow.
"""
from __future__ import annotations

import base64
import collections
import contextlib
import dataclasses
import http.server
import secrets
import threading
import xmlrpc.client

import requests
from psycopg2 import sql

from coquiapps import sql_db
from coquiapps.orm import SUPERUSER_ID, Environment, Registry

AMAZON_URL_KEYS = ("sale_amazon_spapi.lwa_token_url", "sale_amazon_spapi.endpoint_na",
                   "sale_amazon_spapi.endpoint_eu", "sale_amazon_spapi.endpoint_fe",
                   "sale_amazon_spapi.consent_base_url")
#: columns whose change is not the caller's doing: signing in stamps ``login_date`` (and the
#: first sign-in turns ``state`` active); a sequence's counter is checked apart (see :func:`sequence_total`)
IGNORED_COLUMNS = {"res_users": ("login_date", "state"), "ir_sequence": ("number_next",)}


# -- a relay standing in for Amazon: it records what reaches it ------------------------------
class Relay:
    """An HTTP server on 127.0.0.1 that records each request and answers 503."""

    def __init__(self):
        self.requests: list[tuple[str, bytes]] = []
        relay = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _record(self):
                length = int(self.headers.get("Content-Length") or 0)
                relay.requests.append((self.path, self.rfile.read(length)))
                self.send_response(503)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = do_PUT = _record

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


# -- the database under attack -----------------------------------------------------------------
@dataclasses.dataclass
class World:
    db: str
    admin_partner: int
    customer: int
    users: dict          # role -> (uid, login, password)
    secrets: dict        # what -> plaintext that must never come back
    interesting: dict    # model -> ids every record method is called on (besides the first ones)


@contextlib.contextmanager
def superuser(db: str):
    """A superuser environment whose work is committed on leaving."""
    with sql_db.cursor(db) as cr:
        yield Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(db))


def prepare(db: str, relay_url: str) -> World:
    """Users, a customer and planted secrets in ``db`` (a private copy: this commits)."""
    token = secrets.token_hex(8)
    with superuser(db) as env:
        company = env.ref("base.main_company")
        common = {"company_id": company.id, "company_ids": [(6, 0, [company.id])]}
        users = {}
        for role, groups in (("portal", []), ("salesman", [env.ref("sale.group_sale_salesman").id])):
            password = f"{role}-pass-{token}"
            user = env["res.users"].create({"name": f"Probe {role}", "login": f"probe_{role}", "password": password,
                                            "share": role == "portal", "groups_id": [(6, 0, groups)], **common})
            users[role] = (user.id, user.login, password)
        customer = env["res.partner"].create({"name": "Ordinary Customer", "email": "customer@example.com"})
        for key in AMAZON_URL_KEYS:
            env["ir.config_parameter"].set_param(key, relay_url)
        found = {
            "LWA client secret": f"amzn1.oa2-cs.v1.{token}client",
            "refresh token": f"Atzr|{token}refresh",
            "access token": f"Atza|{token}access",
            "MWS auth token": f"amzn.mws.{token}-mws",
        }
        marketplace = env["amazon.marketplace"].with_context(active_test=False).search([], limit=1)
        app = env["amazon.spapi.app"].create({"name": "Probe App", "client_id": f"amzn1.application-oa2-client.{token}",
                                              "client_secret": found["LWA client secret"], "kind": "private"})
        account = env["amazon.account"].create({
            "name": "Probe Amazon", "company_id": company.id, "base_marketplace_id": marketplace.id,
            "spapi_app_id": app.id, "sp_refresh_token": found["refresh token"], "sp_state": "connected",
            "sp_selling_partner_id": "A1PROBE0SELLER", "mws_auth_token": found["MWS auth token"]})
        token_row = env["amazon.spapi.token"].create({"account_id": account.id,
                                                       "access_token": found["access token"]})
        env.cr.execute("SELECT password_crypt FROM res_users WHERE id = %s", (env.ref("base.user_admin").id,))
        found["admin password hash"] = env.cr.fetchone()[0]
        found["database secret"] = env["ir.config_parameter"].get_param("database.secret")
        admin_partner = env.ref("base.user_admin").partner_id.id
        interesting = {"res.partner": [admin_partner, customer.id], "res.users": [env.ref("base.user_admin").id],
                       "amazon.account": [account.id], "amazon.spapi.app": [app.id],
                       "amazon.spapi.token": [token_row.id]}
    return World(db, admin_partner, customer.id, users, found, interesting)


def secret_forms(value: str) -> list[bytes]:
    """``value`` as it could appear in a response: plain, or base64 at any alignment."""
    raw = value.encode()
    forms = [raw]
    for shift in range(3):
        # the groups that hold only bytes of the value: not the first (padding) nor the last
        encoded = base64.b64encode(b"\0" * shift + raw)[4 if shift else 0:-4]
        if len(encoded) >= 12:
            forms.append(encoded)
    return forms


def leaks(world: World, body: bytes) -> list[str]:
    """The names of the planted secrets found in a response body."""
    return [name for name, value in world.secrets.items() if any(f in body for f in secret_forms(value))]


# -- callers over real HTTP --------------------------------------------------------------------
class _Recording(xmlrpc.client.Transport):
    """Keeps the raw body of every response."""

    last_body = b""

    def parse_response(self, response):
        self.last_body = response.read()
        parser, unmarshaller = self.getparser()
        parser.feed(self.last_body)
        parser.close()
        return unmarshaller.close()


class XmlRpc:
    """``execute_kw`` as one user through ``/xmlrpc/2/object`` (the standard library's client)."""

    name = "xmlrpc"

    def __init__(self, server: str, db: str, login: str, password: str):
        common = xmlrpc.client.ServerProxy(f"{server}/xmlrpc/2/common")
        self.uid = common.authenticate(db, login, password, {})
        assert self.uid, f"{login} could not sign in over XML-RPC"
        self.db, self.password = db, password
        self.transport = _Recording()
        self.proxy = xmlrpc.client.ServerProxy(f"{server}/xmlrpc/2/object", transport=self.transport)

    def call(self, model: str, method: str, args: list, kwargs: dict | None = None) -> tuple[bool, bytes, str]:
        """(succeeded, raw response body, fault message)."""
        try:
            self.proxy.execute_kw(self.db, self.uid, self.password, model, method, args, kwargs or {})
        except xmlrpc.client.Fault as fault:
            return False, self.transport.last_body, fault.faultString
        return True, self.transport.last_body, ""


class JsonRpc:
    """``execute_kw`` as one user through ``/jsonrpc`` (Odoo's JSON-RPC external API)."""

    name = "jsonrpc"

    def __init__(self, server: str, db: str, login: str, password: str):
        self.url, self.db, self.password = f"{server}/jsonrpc", db, password
        self.session = requests.Session()
        self.uid = self._call("common", "authenticate", [db, login, password, {}]).json().get("result")
        assert self.uid, f"{login} could not sign in over JSON-RPC"

    def _call(self, service: str, method: str, args: list):
        return self.session.post(self.url, json={"jsonrpc": "2.0", "method": "call", "id": 1, "params": {
            "service": service, "method": method, "args": args}}, timeout=60)

    def call(self, model: str, method: str, args: list, kwargs: dict | None = None) -> tuple[bool, bytes, str]:
        response = self._call("object", "execute_kw",
                              [self.db, self.uid, self.password, model, method, args, kwargs or {}])
        body = response.json()
        if "error" in body:
            return False, response.content, body["error"].get("data", {}).get("message", "")
        return True, response.content, ""


class WebClient:
    """``/web/dataset/call_kw`` as one user signed in through ``/web/session/authenticate``."""

    name = "web"

    def __init__(self, server: str, db: str, login: str, password: str):
        self.server = server
        self.session = requests.Session()
        # a same-origin browser request: JSON routes may check where a call comes from
        self.session.headers.update({"Origin": server, "Referer": f"{server}/web"})
        answer = self._post("/web/session/authenticate", {"db": db, "login": login, "password": password}).json()
        assert answer.get("result", {}).get("uid"), f"{login} could not sign in to the web client: {answer}"
        self.uid = answer["result"]["uid"]

    def _post(self, path: str, params: dict):
        return self.session.post(f"{self.server}{path}", json={"jsonrpc": "2.0", "method": "call", "id": 1,
                                                               "params": params}, timeout=60)

    def call(self, model: str, method: str, args: list, kwargs: dict | None = None) -> tuple[bool, bytes, str]:
        response = self._post("/web/dataset/call_kw", {"model": model, "method": method, "args": args,
                                                       "kwargs": kwargs or {}})
        body = response.json()
        if "error" in body:
            return False, response.content, body["error"].get("data", {}).get("message", "")
        return True, response.content, ""


# -- what changed ------------------------------------------------------------------------------
def _tables(cr) -> list[str]:
    cr.execute("SELECT table_name FROM information_schema.tables "
               "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1")
    return [row[0] for row in cr.fetchall()]


def _has_id(cr, table: str) -> bool:
    cr.execute("SELECT 1 FROM information_schema.columns WHERE table_schema = 'public' "
               "AND table_name = %s AND column_name = 'id'", (table,))
    return cr.fetchone() is not None


def snapshot(db: str) -> dict:
    """``{table: {id: md5 of the row}}`` (rows without id: ``{md5: count}``) of every table."""
    result = {}
    with sql_db.cursor(db) as cr:
        for table in _tables(cr):
            row = sql.SQL("to_jsonb(t)")
            for column in IGNORED_COLUMNS.get(table, ()):
                row = sql.SQL("({} - {})").format(row, sql.Literal(column))
            if _has_id(cr, table):
                cr.execute(sql.SQL("SELECT id, md5(({})::text) FROM {} t").format(row, sql.Identifier(table)))
                result[table] = dict(cr.fetchall())
            else:
                cr.execute(sql.SQL("SELECT md5(({})::text), count(*) FROM {} t GROUP BY 1").format(
                    row, sql.Identifier(table)))
                result[table] = dict(cr.fetchall())
    return result


def sequence_total(db: str) -> int:
    """The sum of every sequence's next number: it grows by one per number drawn."""
    with sql_db.cursor(db) as cr:
        cr.execute("SELECT coalesce(sum(number_next), 0) FROM ir_sequence")
        return cr.fetchone()[0]


def changes(before: dict, after: dict) -> list[tuple[str, str, object]]:
    """``(table, 'created'|'changed'|'deleted', key)`` for every difference."""
    found = []
    for table in sorted(set(before) | set(after)):
        old, new = before.get(table, {}), after.get(table, {})
        found += [(table, "created", key) for key in new.keys() - old.keys()]
        found += [(table, "deleted", key) for key in old.keys() - new.keys()]
        found += [(table, "changed", key) for key in old.keys() & new.keys() if old[key] != new[key]]
    return found


def _users_partners(env, uid: int) -> set[int]:
    """Contacts of internal users other than ``uid``: only they or an administrator may change them."""
    env.cr.execute("""SELECT u.partner_id FROM res_users u JOIN res_groups_users_rel r ON r.uid = u.id
                      WHERE r.gid = %s AND u.id != %s""", (env.ref("base.group_user").id, uid))
    return {row[0] for row in env.cr.fetchall()}


def unexplained_changes(db: str, uid: int, found: list) -> list[str]:
    """The changes in ``found`` that user ``uid``'s access rights and record rules do not allow."""
    operations = {"created": "create", "changed": "write", "deleted": "unlink"}
    wrong = []
    with superuser(db) as env:
        tables = {env[name]._table: name for name in env.registry
                  if not env[name]._abstract and env[name]._table}
        relations = collections.defaultdict(set)  # many2many table -> models declaring it
        for name in env.registry:
            for field in env[name]._fields.values():
                if field.type == "many2many" and field.store:
                    relations[field.relation].add(name)
        access = env["ir.model.access"]
        protected = _users_partners(env, uid)
        user_env = env(user=uid)
        for table, kind, key in found:
            operation = operations[kind]
            if table in tables:
                model = tables[table]
                if not access._check(model, operation, uid):
                    wrong.append(f"{table} #{key} {kind}: {model} has no {operation} right for this user")
                elif table == "res_partner" and key in protected:
                    wrong.append(f"res_partner #{key} {kind}: the contact of another internal user")
                elif kind != "deleted":
                    try:
                        user_env[model].browse(key).check_access_rule(operation)
                    except Exception as exc:  # the rule's own verdict, with its reason
                        wrong.append(f"{table} #{key} {kind}: outside the record rules ({exc})")
            elif table in relations:
                if not any(access._check(model, "write", uid) for model in relations[table]):
                    wrong.append(f"{table} {kind}: no write right on {sorted(relations[table])}")
            else:
                wrong.append(f"{table} {kind}: a table no model owns")
    return wrong
