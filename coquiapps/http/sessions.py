"""Server-side sessions in PostgreSQL, shared by every server process on every host.

The browser only holds an opaque random id (cookie ``session_id``, HttpOnly,
SameSite=Lax). The data lives in the table ``http_session`` of the
server-wide database (:mod:`coquiapps.service.shared_db`: a session may not
have chosen a database yet), keyed by the SHA-256 of the id, never the id
itself: whoever reads the table or a backup of it cannot present a stored
session as theirs. A session is rotated (new id) on login and logout, so an
id seen before authentication is worthless afterwards; the old id's row goes
in the transaction that writes the new one.

A session expires :data:`MAX_AGE` seconds after its last use. Expired rows
are never read, and the store deletes them itself (:meth:`SessionStore.vacuum`,
after a save, at most every :data:`VACUUM_INTERVAL` seconds per process).
"""
from __future__ import annotations

import functools
import hashlib
import json
import logging
import re
import secrets
import threading
import time
from collections.abc import MutableMapping

import psycopg2
import psycopg2.extras

from coquiapps import sql_db
from coquiapps.service import shared_db

_logger = logging.getLogger(__name__)

SID_RE = re.compile(r"^[A-Za-z0-9_-]{40,64}$")
MAX_AGE = 7 * 24 * 3600
COOKIE_NAME = "session_id"
#: an unchanged session's expiry is pushed back at most this often (seconds): not a write per request
TOUCH_INTERVAL = 300
VACUUM_INTERVAL = 3600
TABLE = "http_session"

_DDL = """
CREATE TABLE IF NOT EXISTS http_session (
    sid_hash bytea PRIMARY KEY,
    data jsonb NOT NULL,
    created timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated timestamptz NOT NULL DEFAULT clock_timestamp(),
    expires timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS http_session_expires_idx ON http_session (expires);
"""


class Session(MutableMapping):
    """Dict-like session data with ``uid``, ``db``, ``login``, ``debug``, ``context``."""

    def __init__(self, sid: str, data: dict | None = None, new: bool = False):
        self.sid = sid
        self.data = dict(data or {})
        self.new = new
        self.modified = False
        self.stored = False  # set by the store: a row holds this id (updated, never re-created, on save)
        self.touch_due = False  # set by the store: its expiry is worth pushing back
        self.deleted_sids: list[str] = []

    # -- mapping -----------------------------------------------------------
    def __getitem__(self, key):
        return self.data[key]

    def __setitem__(self, key, value):
        self.data[key] = value
        self.modified = True

    def __delitem__(self, key):
        del self.data[key]
        self.modified = True

    def __iter__(self):
        return iter(self.data)

    def __len__(self):
        return len(self.data)

    def __getattr__(self, name):
        if name in ("uid", "db", "login", "debug", "context"):
            return self.data.get(name)
        raise AttributeError(name)

    # -- life cycle --------------------------------------------------------
    def rotate(self) -> None:
        """Give the session a new id (the old one's row is deleted when saved)."""
        self.deleted_sids.append(self.sid)
        self.sid = new_sid()
        self.stored = False
        self.modified = True

    def authenticate(self, db: str, uid: int, login: str, context: dict | None = None) -> None:
        """Record a successful login (rotating the id)."""
        self.rotate()
        keep = {k: self.data[k] for k in ("debug",) if k in self.data}
        self.data = {**keep, "db": db, "uid": uid, "login": login, "context": dict(context or {})}
        self.modified = True

    def logout(self, keep_db: bool = True) -> None:
        """Forget the user (and the database unless ``keep_db``)."""
        keep = {k: self.data[k] for k in ("debug",) if k in self.data}
        if keep_db and self.data.get("db"):
            keep["db"] = self.data["db"]
        self.rotate()
        self.data = keep


def new_sid() -> str:
    return secrets.token_urlsafe(36)


def sid_hash(sid: str) -> bytes:
    """The key a session is stored under: ids are 288 random bits, so a plain SHA-256 cannot be reversed."""
    return hashlib.sha256(sid.encode()).digest()


_json = functools.partial(json.dumps, default=str)


class SessionStore:
    """Sessions as rows of ``http_session`` in ``dbname`` (the server-wide database by default).

    Every call is its own short transaction on a pooled connection
    (:func:`coquiapps.sql_db.cursor`), never the request's.
    """

    def __init__(self, dbname: str = shared_db.NAME, max_age: int = MAX_AGE):
        self.dbname = dbname
        self.max_age = max_age
        self._next_vacuum = 0.0  # time.monotonic() of this process's next vacuum
        self._vacuum_lock = threading.Lock()

    def _cursor(self) -> sql_db.Cursor:
        shared_db.ensure_table(TABLE, _DDL, self.dbname)
        return sql_db.cursor(self.dbname)

    def new(self) -> Session:
        return Session(new_sid(), new=True)

    def get(self, sid: str | None) -> Session:
        """The session of this cookie value, or a new one when unknown, expired or malformed."""
        if not sid or not SID_RE.match(sid):
            return self.new()
        with self._cursor() as cr:
            cr.execute("""SELECT data, updated < clock_timestamp() - make_interval(secs => %s)
                            FROM http_session WHERE sid_hash = %s AND expires > clock_timestamp()""",
                       (TOUCH_INTERVAL, sid_hash(sid)))
            row = cr.fetchone()
        if row is None:
            return self.new()
        session = Session(sid, row[0])
        session.stored, session.touch_due = True, row[1]
        return session

    def save(self, session: Session) -> None:
        """Write the session (and delete the rows of the ids it rotated away from) in one transaction.

        A session read from the store is only updated: if its row went
        meanwhile (logged out or rotated by another request, on any server),
        a late save of the old id must not bring it back.
        """
        key, data = sid_hash(session.sid), psycopg2.extras.Json(session.data, dumps=_json)
        with self._cursor() as cr:
            if session.deleted_sids:
                cr.execute("DELETE FROM http_session WHERE sid_hash = ANY(%s)",
                           ([sid_hash(sid) for sid in session.deleted_sids],))
            if session.stored:
                cr.execute("""UPDATE http_session SET data = %s, updated = clock_timestamp(),
                                     expires = clock_timestamp() + make_interval(secs => %s)
                               WHERE sid_hash = %s AND expires > clock_timestamp()""",
                           (data, self.max_age, key))
                session.stored = cr.rowcount == 1
            else:
                cr.execute("""INSERT INTO http_session (sid_hash, data, expires)
                              VALUES (%s, %s, clock_timestamp() + make_interval(secs => %s))
                              ON CONFLICT (sid_hash) DO UPDATE SET data = EXCLUDED.data,
                                 updated = clock_timestamp(), expires = EXCLUDED.expires""",
                           (key, data, self.max_age))
                session.stored = True
        session.deleted_sids = []
        session.modified = session.new = session.touch_due = False
        self._vacuum_now_and_then()

    def touch(self, session: Session) -> None:
        """Keep an unchanged session alive: its age counts from its last use (give or take :data:`TOUCH_INTERVAL`)."""
        if not session.touch_due:
            return
        with self._cursor() as cr:
            cr.execute("""UPDATE http_session SET updated = clock_timestamp(),
                                 expires = clock_timestamp() + make_interval(secs => %s)
                           WHERE sid_hash = %s""", (self.max_age, sid_hash(session.sid)))
        session.touch_due = False

    def vacuum(self) -> int:
        """Delete the expired sessions (of every process and host); returns how many."""
        with self._cursor() as cr:
            cr.execute("DELETE FROM http_session WHERE expires <= clock_timestamp()")
            removed = cr.rowcount
        if removed:
            _logger.info("removed %d expired web session(s)", removed)
        return removed

    def _vacuum_now_and_then(self) -> None:
        now = time.monotonic()
        if now < self._next_vacuum or not self._vacuum_lock.acquire(blocking=False):
            return
        try:
            self._next_vacuum = now + VACUUM_INTERVAL
            self.vacuum()
        except psycopg2.Error as exc:  # housekeeping: the save it follows succeeded, the next one retries
            _logger.warning("could not remove expired web sessions: %s", sql_db.first_line(exc))
            self._next_vacuum = now
        finally:
            self._vacuum_lock.release()
