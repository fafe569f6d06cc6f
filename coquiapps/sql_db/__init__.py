"""The database layer: connections and cursors, one transaction per cursor, parameterised SQL only.

Where PostgreSQL is (:mod:`~coquiapps.sql_db.postgres`) and the role the
application connects as (:mod:`~coquiapps.sql_db.dbrole`) live beside it.
"""
from __future__ import annotations

import contextlib
import logging
import select
import threading
import uuid

import psycopg2
import psycopg2.extras
import psycopg2.sql

from coquiapps.sql_db import dbrole, postgres

_logger = logging.getLogger(__name__)

sql = psycopg2.sql  # re-exported: identifiers are composed with sql.Identifier, never by hand


class Cursor:
    """A psycopg2 cursor on its own connection; ``commit``/``rollback`` end the transaction.

    Used as a context manager it commits on success and rolls back on error.
    Hooks registered with :meth:`after_commit` run once the commit succeeded
    (e.g. to wake cron runners); :meth:`after_rollback` ones after a rollback.
    """

    def __init__(self, pool: ConnectionPool, dbname: str):
        self._pool = pool
        self.dbname = dbname
        self._cnx = pool.borrow(dbname)
        self._obj = self._cnx.cursor()
        self._closed = False
        self._on_commit: list = []
        self._on_rollback: list = []
        self.sql_count = 0
        self.cache: dict = {}  # ORM values read in this transaction, by field then id
        self.computing: dict = {}  # fields being computed, by field: ids

    # -- statements -------------------------------------------------------
    def execute(self, query, params=None):
        self.sql_count += 1
        return self._obj.execute(query, params)

    def executemany(self, query, rows):
        self.sql_count += 1
        return self._obj.executemany(query, rows)

    def execute_values(self, query, rows, template=None, page_size=1000, fetch=False):
        self.sql_count += 1
        return psycopg2.extras.execute_values(
            self._obj, query, rows, template=template, page_size=page_size, fetch=fetch
        )

    def fetchone(self):
        return self._obj.fetchone()

    def fetchall(self):
        return self._obj.fetchall()

    def dictfetchall(self) -> list[dict]:
        names = [d.name for d in self._obj.description]
        return [dict(zip(names, row, strict=True)) for row in self._obj.fetchall()]

    def dictfetchone(self) -> dict | None:
        row = self._obj.fetchone()
        if row is None:
            return None
        return dict(zip([d.name for d in self._obj.description], row, strict=True))

    @property
    def rowcount(self) -> int:
        return self._obj.rowcount

    @property
    def description(self):
        return self._obj.description

    @property
    def connection(self):
        return self._cnx

    # -- transaction ------------------------------------------------------
    def after_commit(self, func) -> None:
        self._on_commit.append(func)

    def after_rollback(self, func) -> None:
        self._on_rollback.append(func)

    def commit(self) -> None:
        self._cnx.commit()
        self.cache.clear()
        hooks, self._on_commit, self._on_rollback = self._on_commit, [], []
        for hook in hooks:
            hook()

    def rollback(self) -> None:
        try:
            self._cnx.rollback()
        except (psycopg2.OperationalError, psycopg2.InterfaceError):
            if not self._cnx.closed:
                raise
            # the connection is gone: PostgreSQL ended the transaction with it
        self.cache.clear()
        hooks, self._on_commit, self._on_rollback = self._on_rollback, [], []
        for hook in hooks:
            hook()

    @contextlib.contextmanager
    def savepoint(self):
        """A nested transaction: rolled back alone when the block raises."""
        name = sql.Identifier(f"sp_{uuid.uuid4().hex[:12]}")
        self.execute(sql.SQL("SAVEPOINT {}").format(name))
        try:
            yield
        except BaseException:
            self.execute(sql.SQL("ROLLBACK TO SAVEPOINT {}").format(name))
            raise
        else:
            self.execute(sql.SQL("RELEASE SAVEPOINT {}").format(name))

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self._obj.close()
            if not self._cnx.closed:
                self._cnx.rollback()
        except (psycopg2.OperationalError, psycopg2.InterfaceError) as exc:
            # a connection lost meanwhile (PostgreSQL restarted): nothing to give back
            _logger.info("discarding a broken connection to %s: %s", self.dbname, first_line(exc))
            self._cnx.close()
        finally:
            self._pool.give_back(self.dbname, self._cnx)

    @property
    def closed(self) -> bool:
        return self._closed

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None:
                self.commit()
            else:
                self.rollback()
        finally:
            self.close()


class ConnectionPool:
    """Idle connections per database, reused by later cursors of this process.

    At most ``maxidle`` idle connections in all (the oldest one is closed
    first): a process touching many databases must not hold PostgreSQL's
    connection slots for all of them.
    """

    def __init__(self, maxidle: int = 8):
        self._idle: dict[str, list] = {}
        self._order: list = []  # idle connections, oldest first
        self._lock = threading.Lock()
        self.maxidle = maxidle

    def borrow(self, dbname: str):
        """An idle connection to ``dbname`` still alive, else a new one.

        Idle connections broken meanwhile (PostgreSQL restarted, network cut)
        are closed and replaced, so the first request after an outage works.
        """
        while True:
            with self._lock:
                idle = self._idle.get(dbname) or []
                if not idle:
                    break
                cnx = idle.pop()
                self._order.remove(cnx)
            if usable(cnx):
                return cnx
            _logger.info("discarding a pooled connection to %s broken meanwhile", dbname)
            cnx.close()
        cnx = connect(dbname)
        cnx.set_session(isolation_level="READ COMMITTED")
        return cnx

    def give_back(self, dbname: str, cnx) -> None:
        if cnx.closed:
            return
        if cnx.info.transaction_status != psycopg2.extensions.TRANSACTION_STATUS_IDLE:
            cnx.close()  # unknown state (lost, or a transaction left open): never reused
            return
        evicted = None
        with self._lock:
            if len(self._order) >= self.maxidle:
                evicted = self._order.pop(0)
                for connections in self._idle.values():
                    if evicted in connections:
                        connections.remove(evicted)
                        break
            self._idle.setdefault(dbname, []).append(cnx)
            self._order.append(cnx)
        if evicted is not None:
            evicted.close()

    def close_all(self, dbname: str | None = None) -> None:
        """Close idle connections (all, or to one database: needed before DROP/TEMPLATE)."""
        with self._lock:
            names = [dbname] if dbname else list(self._idle)
            for name in names:
                for cnx in self._idle.pop(name, []):
                    self._order.remove(cnx)
                    cnx.close()


    def forget_all(self) -> None:
        """Drop every idle connection without closing it: in a forked child they belong to the parent.

        Closing one would end the parent's session on the server too.
        """
        with self._lock:
            self._idle = {}
            self._order = []


class DatabaseError(RuntimeError):
    """A database cannot be reached, created or found; the message names it."""


class ServerUnavailable(DatabaseError):
    """The PostgreSQL server cannot be reached (down, restarting, cut off): try again shortly."""


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else repr(exc)


def usable(cnx) -> bool:
    """Whether an idle connection is still alive, without a round trip.

    An idle connection has nothing to read: a readable socket means the
    server closed it or sent its termination notice (restart, crash, cut).
    """
    if cnx.closed:
        return False
    try:
        readable, _, _ = select.select([cnx], [], [], 0)
    except (OSError, ValueError, psycopg2.InterfaceError):
        return False
    return not readable


def _server_answers() -> bool:
    try:
        psycopg2.connect(**postgres.connection_params("postgres")).close()
    except psycopg2.OperationalError:
        return False
    return True


def connect(dbname: str):
    """A new connection to ``dbname``.

    Raises :class:`ServerUnavailable` when PostgreSQL itself does not answer,
    :class:`DatabaseError` when it answers but this database cannot be used.
    """
    try:
        cnx = psycopg2.connect(**postgres.connection_params(dbname))
    except psycopg2.OperationalError as exc:
        message = first_line(exc)
        if dbname != "postgres" and _server_answers():
            raise DatabaseError(f"cannot connect to database {dbname!r}: {message}") from exc
        raise ServerUnavailable(f"the database server is unavailable: {message}") from exc
    dbrole.warn_if_superuser(cnx)
    return cnx


def is_unavailable(exc: BaseException, cnx=None) -> bool:
    """Whether ``exc`` means PostgreSQL went away (not a mistake in a query).

    With ``cnx`` (the connection that raised), an InterfaceError counts only
    when that connection is closed (not, say, a cursor used after closing it).
    """
    if isinstance(exc, ServerUnavailable):
        return True
    if isinstance(exc, psycopg2.InterfaceError):
        return cnx is None or bool(cnx.closed)
    if isinstance(exc, psycopg2.OperationalError):
        # no SQLSTATE: libpq lost the connection; 08: connection exceptions; 57P: shutdown, crash, starting
        return exc.pgcode is None or exc.pgcode.startswith(("08", "57P"))
    return False


_pool = ConnectionPool()


def cursor(dbname: str) -> Cursor:
    """A new cursor (and transaction) on ``dbname``."""
    return Cursor(_pool, dbname)


def pool() -> ConnectionPool:
    return _pool


def admin_connection(dbname: str = "postgres"):
    """An autocommit connection for CREATE/DROP DATABASE (outside transactions)."""
    cnx = connect(dbname)
    cnx.autocommit = True
    return cnx
