"""Failed passwords slow the guesser down: per account and per address, across all server processes.

Every failed login or master password is a row in PostgreSQL, so all
processes of a server (gunicorn workers, several hosts on one PostgreSQL)
count together:

- logins: table ``auth_failure`` in the database logged in to (created on
  first use), keyed by the account (its user id, or the login when no such
  user) and by the client address;
- the master password: the same table in the server-wide database
  :data:`SHARED_DB` (:mod:`coquiapps.service.shared_db`): the master
  password guards every database, so its failures cannot live in any one
  of them.

After :data:`ACCOUNT_LIMIT` failures of one account (or :data:`ADDRESS_LIMIT`
from one address, :data:`MASTER_LIMIT` for the master password) within
:data:`WINDOW` seconds, attempts are refused unchecked, even with the right
password, until the oldest of those failures leaves the window.
"""
from __future__ import annotations

import contextlib
import contextvars
import logging
import math

from coquiapps.exceptions import AccessDenied
from coquiapps.service import shared_db

_logger = logging.getLogger(__name__)

WINDOW = 300  # seconds
ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 20
MASTER_LIMIT = 5
SHARED_DB = shared_db.NAME
MASTER = "master"

client_address: contextvars.ContextVar[str] = contextvars.ContextVar("client_address", default="unknown")

_DDL = """
CREATE TABLE IF NOT EXISTS auth_failure (
    id bigserial PRIMARY KEY,
    scope varchar NOT NULL,
    account varchar NOT NULL,
    address varchar NOT NULL,
    at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX IF NOT EXISTS auth_failure_account_idx ON auth_failure (scope, account, at);
CREATE INDEX IF NOT EXISTS auth_failure_address_idx ON auth_failure (scope, address, at);
"""


class TooManyAttempts(AccessDenied):
    """Refused without checking the password: too many recent failures."""

    def __init__(self, seconds: int):
        self.seconds = seconds
        super().__init__(f"Too many failed attempts, try again in {seconds} s.")


def address_of(environ: dict, proxy_mode: bool = False) -> str:
    """The client address of a WSGI request; behind a proxy (``proxy_mode``) the one it forwarded.

    The last ``X-Forwarded-For`` entry is the one our proxy added; earlier
    entries come from the client and could be forged to dodge the throttle.
    """
    if proxy_mode and environ.get("HTTP_X_FORWARDED_FOR"):
        return environ["HTTP_X_FORWARDED_FOR"].split(",")[-1].strip()[:64]
    return str(environ.get("REMOTE_ADDR") or "unknown")[:64]


def create_table(cr) -> None:
    """Create the failure table in a new database (older ones get it on first use)."""
    cr.execute(_DDL)


def _ensure_table(dbname: str) -> None:
    shared_db.ensure_table("auth_failure", _DDL, dbname)


def _blocked_for(cr, scope: str, column: str, key: str, limit: int) -> int:
    """Seconds until ``key`` may try again (0: it may now)."""
    cr.execute(f"""SELECT EXTRACT(EPOCH FROM at + make_interval(secs => %s) - clock_timestamp())
                   FROM auth_failure
                   WHERE scope = %s AND {column} = %s AND at > clock_timestamp() - make_interval(secs => %s)
                   ORDER BY at DESC OFFSET %s LIMIT 1""",  # column: 'account' or 'address', never input
               (WINDOW, scope, key, WINDOW, limit - 1))
    row = cr.fetchone()
    return max(1, math.ceil(row[0])) if row else 0


def check(dbname: str, scope: str, account: str, address: str | None = None,
          account_limit: int | None = ACCOUNT_LIMIT, address_limit: int = ADDRESS_LIMIT, cr=None) -> None:
    """Raise :class:`TooManyAttempts` when ``account`` or ``address`` failed too often lately.

    ``cr``: a cursor on ``dbname`` to read with (only reads), else a new one.
    """
    from coquiapps import sql_db

    address = address or client_address.get()
    _ensure_table(dbname)
    with contextlib.nullcontext(cr) if cr is not None else sql_db.cursor(dbname) as cr:
        wait = max(_blocked_for(cr, scope, "account", account, account_limit) if account_limit else 0,
                   _blocked_for(cr, scope, "address", address, address_limit))
    if wait:
        _logger.warning("%s attempt refused for %s from %s on %s: too many failures (retry in %d s)",
                        scope, account, address, dbname, wait)
        raise TooManyAttempts(wait)


def failed(dbname: str, scope: str, account: str, address: str | None = None) -> None:
    """Record a failure (committed at once, whatever the caller's transaction does) and log it."""
    from coquiapps import sql_db

    address = address or client_address.get()
    _ensure_table(dbname)
    with sql_db.cursor(dbname) as cr:
        cr.execute("INSERT INTO auth_failure (scope, account, address) VALUES (%s, %s, %s)",
                   (scope, account, address))
        cr.execute("DELETE FROM auth_failure WHERE at < clock_timestamp() - make_interval(secs => %s)",
                   (WINDOW,))
    _logger.warning("%s failed for %s from %s on %s", scope, account, address, dbname)


def succeeded(dbname: str, scope: str, account: str, address: str | None = None,
              clear_address: bool = False) -> None:
    """Forget the failures of ``account`` (and of ``address`` when asked) after a right password."""
    from coquiapps import sql_db

    address = address or client_address.get()
    _ensure_table(dbname)
    with sql_db.cursor(dbname) as cr:
        cr.execute("DELETE FROM auth_failure WHERE scope = %s AND (account = %s OR (%s AND address = %s))",
                   (scope, account, clear_address, address))


# -- the two uses --------------------------------------------------------------------------
def check_login(dbname: str, account: str, cr=None) -> None:
    check(dbname, "login", account, cr=cr)


def login_failed(dbname: str, account: str) -> None:
    failed(dbname, "login", account)


def login_succeeded(dbname: str, account: str) -> None:
    succeeded(dbname, "login", account)


def check_master() -> None:
    check(SHARED_DB, MASTER, MASTER, account_limit=None, address_limit=MASTER_LIMIT)


def master_failed() -> None:
    failed(SHARED_DB, MASTER, MASTER)


def master_succeeded() -> None:
    succeeded(SHARED_DB, MASTER, "", clear_address=True)
