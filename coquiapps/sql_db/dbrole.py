"""The PostgreSQL role the application connects as: owner of its databases, never a superuser.

A superuser can run ``COPY ... TO PROGRAM`` and read server files, so one SQL
injection would become a shell. On the embedded server the bootstrap superuser
``postgres`` is used only here, to create the role :data:`APP_ROLE` (LOGIN,
CREATEDB, NOSUPERUSER, NOCREATEROLE) and to hand it the databases that older
versions created as ``postgres``; everything else connects as the role.
With an external DSN the role is the administrator's choice: a superuser is
reported loudly in the log (:func:`warn_if_superuser`).
"""
from __future__ import annotations

import logging

import psycopg2
from psycopg2 import sql

_logger = logging.getLogger(__name__)
APP_ROLE = "coquiapps"
BOOTSTRAP_ROLE = "postgres"
# serialises the first start of several processes on one embedded server
_LOCK_KEY = 0x636F7175  # "coqu"

# Ownership of what lives in a database's own schemas (system schemas excluded).
_TRANSFER_OBJECTS = """
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT n.nspname FROM pg_namespace n
             WHERE n.nspowner = %(old)s::regrole
               AND n.nspname NOT IN ('pg_catalog', 'information_schema')
               AND n.nspname NOT LIKE 'pg\\_%%'
    LOOP
        EXECUTE format('ALTER SCHEMA %%I OWNER TO %%I', r.nspname, %(new)s);
    END LOOP;
    FOR r IN SELECT c.oid::regclass AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relowner = %(old)s::regrole AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
               -- sequences of serial/identity columns follow their table
               AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                               AND d.objid = c.oid AND d.deptype IN ('a', 'i') AND c.relkind = 'S')
               AND n.nspname NOT IN ('pg_catalog', 'information_schema')
               AND n.nspname NOT LIKE 'pg\\_%%'
    LOOP
        EXECUTE format('ALTER TABLE %%s OWNER TO %%I', r.name, %(new)s);
    END LOOP;
    FOR r IN SELECT p.oid::regprocedure AS name, p.prokind FROM pg_proc p
             JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE p.proowner = %(old)s::regrole
               AND n.nspname NOT IN ('pg_catalog', 'information_schema')
               AND n.nspname NOT LIKE 'pg\\_%%'
               AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
    LOOP
        EXECUTE format('ALTER ROUTINE %%s OWNER TO %%I', r.name, %(new)s);
    END LOOP;
    FOR r IN SELECT t.oid::regtype AS name FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
             WHERE t.typowner = %(old)s::regrole AND t.typtype IN ('e', 'd', 'c')
               AND (t.typrelid = 0 OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
               AND n.nspname NOT IN ('pg_catalog', 'information_schema')
               AND n.nspname NOT LIKE 'pg\\_%%'
    LOOP
        EXECUTE format('ALTER TYPE %%s OWNER TO %%I', r.name, %(new)s);
    END LOOP;
END $$;
"""


def _connect(params: dict, dbname: str):
    cnx = psycopg2.connect(**{**params, "dbname": dbname, "user": BOOTSTRAP_ROLE})
    cnx.autocommit = True
    return cnx


def ensure_embedded_role(params: dict) -> None:
    """Create :data:`APP_ROLE` on the embedded server and give it the older databases (once).

    ``params`` are the connection parameters of the embedded server. A data
    dir of an older version (databases owned by ``postgres``) is migrated the
    first time: each database and the objects in it change owner, with a log line.
    """
    cnx = _connect(params, "postgres")
    try:
        with cnx.cursor() as cr:
            cr.execute("SELECT pg_advisory_lock(%s)", (_LOCK_KEY,))
            try:
                cr.execute("SELECT rolsuper, rolcreatedb, rolcanlogin FROM pg_roles WHERE rolname = %s",
                           (APP_ROLE,))
                row = cr.fetchone()
                if row is None:
                    cr.execute(sql.SQL("CREATE ROLE {} LOGIN CREATEDB NOSUPERUSER NOCREATEROLE").format(
                        sql.Identifier(APP_ROLE)))
                    _logger.info("created the PostgreSQL role %s (owner of the databases, not a superuser)",
                                 APP_ROLE)
                elif row != (False, True, True):
                    # someone made it a superuser (or took a right away): put it back
                    cr.execute(sql.SQL("ALTER ROLE {} LOGIN CREATEDB NOSUPERUSER NOCREATEROLE").format(
                        sql.Identifier(APP_ROLE)))
                    _logger.warning("the PostgreSQL role %s had other rights; reset to "
                                    "LOGIN CREATEDB NOSUPERUSER NOCREATEROLE", APP_ROLE)
                cr.execute("""SELECT datname FROM pg_database
                              WHERE NOT datistemplate AND datallowconn AND datname <> 'postgres'
                                AND datdba = %s::regrole ORDER BY datname""", (BOOTSTRAP_ROLE,))
                for (name,) in cr.fetchall():
                    _transfer(params, cr, name)
            finally:
                cr.execute("SELECT pg_advisory_unlock(%s)", (_LOCK_KEY,))
    finally:
        cnx.close()


def _transfer(params: dict, cr, name: str) -> None:
    _logger.warning("migrating database %s: owner %s -> %s (the application no longer connects as a "
                    "superuser)", name, BOOTSTRAP_ROLE, APP_ROLE)
    inner = _connect(params, name)
    try:
        with inner.cursor() as icr:
            icr.execute(_TRANSFER_OBJECTS, {"old": BOOTSTRAP_ROLE, "new": APP_ROLE})
    finally:
        inner.close()
    cr.execute(sql.SQL("ALTER DATABASE {} OWNER TO {}").format(sql.Identifier(name), sql.Identifier(APP_ROLE)))


_checked: set = set()


def warn_if_superuser(cnx) -> None:
    """Log loudly (once per process and server) when ``cnx`` is a superuser connection."""
    key = (cnx.info.host, cnx.info.port, cnx.info.user)
    if key in _checked:
        return
    _checked.add(key)
    with cnx.cursor() as cr:
        cr.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cr.fetchone()
    cnx.rollback()
    if row and row[1]:
        _logger.warning(
            "SECURITY: the application connects to PostgreSQL as %r, a SUPERUSER. A superuser can run "
            "shell commands (COPY ... TO PROGRAM) and read server files: connect as a role that owns the "
            "databases but is not a superuser (see README, 'Database role').", row[0])
