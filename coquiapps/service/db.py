"""Databases: create, list, drop, duplicate (with neutralization for staging).

A CoquiAPPs database carries the comment ``coquiapps`` so that listing shows
only ours on a shared server. Creation is all-or-nothing: if installing the
modules fails, the new database is dropped again.
"""
from __future__ import annotations

import logging
import re
import uuid

from psycopg2 import sql

from coquiapps import sql_db
from coquiapps.modules.neutralize import neutralize_modules
from coquiapps.orm.environment import SUPERUSER_ID, Environment
from coquiapps.orm.registry import Registry

_logger = logging.getLogger(__name__)
DB_NAME_RE = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$")
MARK = "coquiapps"


class DatabaseExists(sql_db.DatabaseError):
    pass


def check_name(name: str) -> None:
    if not DB_NAME_RE.match(name or ""):
        raise sql_db.DatabaseError(
            f"invalid database name {name!r}: use letters, digits, '_', '-' or '.', starting with a letter or digit")


def list_dbs() -> list[str]:
    """The CoquiAPPs databases of this server (read fresh on every call).

    Asked on a pooled connection to the maintenance database: the web client
    asks on every request without a session, and a new connection (a new
    PostgreSQL backend, cold catalog caches) cost far more than the query.
    """
    with sql_db.cursor("postgres") as cr:
        cr.execute("""SELECT datname FROM pg_database
                      WHERE NOT datistemplate AND shobj_description(oid, 'pg_database') = %s
                      ORDER BY datname""", (MARK,))
        return [row[0] for row in cr.fetchall()]


def exists(name: str) -> bool:
    cnx = sql_db.admin_connection()
    try:
        with cnx.cursor() as cr:
            cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            return cr.fetchone() is not None
    finally:
        cnx.close()


def _terminate(cr, name: str) -> None:
    """End our own role's client connections to ``name`` (a non-superuser may end no others).

    Autovacuum workers are left alone: CREATE/DROP DATABASE stop them itself.
    """
    cr.execute("""SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                  WHERE datname = %s AND pid <> pg_backend_pid()
                    AND backend_type = 'client backend' AND usename = current_user""", (name,))


def _create_empty(name: str, template: str = "template0") -> None:
    check_name(name)
    if exists(name):
        raise DatabaseExists(f"database {name!r} already exists")
    cnx = sql_db.admin_connection()
    try:
        with cnx.cursor() as cr:
            if template != "template0":
                sql_db.pool().close_all(template)
                _terminate(cr, template)
            cr.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {} ENCODING 'UTF8'").format(
                sql.Identifier(name), sql.Identifier(template)))
            cr.execute(sql.SQL("COMMENT ON DATABASE {} IS %s").format(sql.Identifier(name)), (MARK,))
    finally:
        cnx.close()


def create_database(name: str, demo: bool = False, modules: list[str] | None = None,
                    admin_password: str = "admin", login: str = "admin", lang: str = "en_US",
                    progress=None):
    """Create ``name`` with base, the given modules and the auto-installed ones."""
    from coquiapps.modules import loading
    from coquiapps.service import throttle

    if lang not in dict(known_languages()):
        raise ValueError(f"unknown language {lang!r}: choose one of {', '.join(dict(known_languages()))}")
    progress = progress or (lambda message: None)
    progress(f"creating database {name}")
    _create_empty(name)
    try:
        with sql_db.cursor(name) as cr:
            loading.initialize(cr, demo=demo, progress=progress)
            throttle.create_table(cr)
            env = Environment(cr, SUPERUSER_ID, {}, registry=Registry.registries.get(name) or _pending(cr))
            if modules:
                progress(f"installing {', '.join(modules)}")
                report = loading.install_modules(env, list(modules), demo=demo)
                env = Environment(cr, SUPERUSER_ID, {}, registry=_pending(cr))
                if report.installed:
                    progress(f"installed {', '.join(report.installed)}")
            if lang != "en_US":
                env["res.lang"].with_context(active_test=False).search([("code", "=", lang)]).write(
                    {"active": True})
            admin = env.ref("base.user_admin")
            admin.write({"login": login, "password": admin_password, "lang": lang})
    except BaseException:
        Registry.delete(name)
        drop_database(name)
        raise
    return Registry.get(name)


def known_languages() -> list[tuple[str, str]]:
    """(code, name) of the languages base knows (its ``data/res_lang.xml``), English first.

    Read from the data file, so it is known before any database exists
    (the database manager offers them for a new database).
    """
    from lxml import etree

    from coquiapps.modules import discovery
    from coquiapps.tools import config

    location = discovery.discover(config.current().addons_paths).get("base")
    path = location / "data" / "res_lang.xml" if location else None
    if path is None or not path.is_file():
        return [("en_US", "English (US)")]
    langs = []
    for record in etree.parse(str(path)).getroot().iter("record"):
        if record.get("model") != "res.lang":
            continue
        values = {field.get("name"): (field.text or "").strip() for field in record.iter("field")}
        if values.get("code"):
            langs.append((values["code"], values.get("name") or values["code"]))
    return sorted(langs, key=lambda item: (item[0] != "en_US", item[1])) or [("en_US", "English (US)")]


def _pending(cr):
    """The registry an operation on ``cr`` built and will publish at commit."""
    return cr._pending_registry


def drop_database(name: str) -> None:
    if not exists(name):
        raise sql_db.DatabaseError(f"database {name!r} does not exist")
    Registry.delete(name)
    sql_db.pool().close_all(name)
    cnx = sql_db.admin_connection()
    try:
        with cnx.cursor() as cr:
            _terminate(cr, name)
            cr.execute(sql.SQL("DROP DATABASE {}").format(sql.Identifier(name)))
    finally:
        cnx.close()


def duplicate_database(source: str, target: str, neutralize: bool = True) -> None:
    """Copy ``source`` (``CREATE DATABASE ... TEMPLATE``) with a new secret and uuid.

    With ``neutralize`` (the default, for staging) the copy's scheduled actions
    are stopped, every installed module's ``data/neutralize.sql`` runs and the
    database is marked so the web client shows a banner.
    """
    if not exists(source):
        raise sql_db.DatabaseError(f"database {source!r} does not exist")
    _create_empty(target, template=source)
    try:
        with sql_db.cursor(target) as cr:
            cr.execute("UPDATE ir_config_parameter SET value = %s WHERE key = 'database.secret'",
                       (uuid.uuid4().hex + uuid.uuid4().hex,))
            cr.execute("UPDATE ir_config_parameter SET value = %s WHERE key = 'database.uuid'", (str(uuid.uuid1()),))
            if neutralize:
                neutralize_database(cr)
    except BaseException:
        drop_database(target)
        raise


def neutralize_database(cr) -> list[str]:
    """Stop what must not run on a copy; returns the neutralize scripts that ran."""
    cr.execute("SELECT name FROM ir_module_module WHERE state = 'installed' ORDER BY name")
    ran = neutralize_modules(cr, [name for (name,) in cr.fetchall()])
    cr.execute("UPDATE ir_cron SET active = false")
    cr.execute("""INSERT INTO ir_config_parameter (key, value) VALUES ('database.is_neutralized', 'True')
                  ON CONFLICT (key) DO UPDATE SET value = 'True'""")
    return ran
