"""The server-wide database: state every process of a server shares, whatever database it serves.

Web sessions (a session may not have chosen a database yet) and the
master password's failures belong to no one database, and the config file
may be copied per host: the PostgreSQL server is the one thing all
processes on all hosts share. They live in the small database :data:`NAME`
of that server, owned by the application role, created on first use.
Each user of it creates its own table on first use (:func:`ensure_table`).

The name predates sessions (it held only the master password's
failures); it is kept so existing servers keep their data.
"""
from __future__ import annotations

import psycopg2.errors

from coquiapps import sql_db

NAME = "coquiapps_security"

_ready: set[tuple[str, str]] = set()  # (database, table) known to exist, in this process


def ensure_database() -> None:
    """Create :data:`NAME` unless it exists (several processes may race: the first one wins)."""
    cnx = sql_db.admin_connection()
    try:
        with cnx.cursor() as cr:
            cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", (NAME,))
            if cr.fetchone() is None:
                try:
                    cr.execute(sql_db.sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(
                        sql_db.sql.Identifier(NAME)))
                except (psycopg2.errors.DuplicateDatabase, psycopg2.errors.UniqueViolation):
                    pass  # another process made it first
                except psycopg2.errors.InsufficientPrivilege as exc:
                    raise sql_db.DatabaseError(
                        f"cannot create the server-wide database {NAME!r} (web sessions, master password "
                        f"throttle): {sql_db.first_line(exc)}; create it owned by the application role "
                        f"or let that role create databases") from exc
    finally:
        cnx.close()


def ensure_table(table: str, ddl: str, dbname: str = NAME) -> None:
    """Run ``ddl`` (idempotent, ``IF NOT EXISTS``) in ``dbname`` unless ``table`` is there already.

    Checked once per process; the database itself is created first when it is :data:`NAME`.
    """
    if (dbname, table) in _ready:
        return
    if dbname == NAME:
        ensure_database()
    for attempt in range(3):
        try:
            with sql_db.cursor(dbname) as cr:
                cr.execute("SELECT to_regclass(%s) IS NULL", (table,))
                if cr.fetchone()[0]:  # no DDL (and its locks) when the table is there
                    cr.execute(ddl)
            break
        except (psycopg2.errors.UniqueViolation, psycopg2.errors.DuplicateTable,
                psycopg2.errors.DuplicateObject):
            if attempt == 2:  # another process or thread created it meanwhile: it exists now
                raise
    _ready.add((dbname, table))

