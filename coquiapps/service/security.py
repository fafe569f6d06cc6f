"""Who may call what over RPC: user credentials (cached) and the master password.

Checking a password costs a scrypt derivation (tens of milliseconds), too much
for every ``execute_kw``. A successful check is remembered per process, keyed
by the user's stored hash, so a password change (or a disabled user) is seen
at once.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading

from coquiapps.exceptions import AccessDenied  # noqa: F401  (its historical import path)
from coquiapps.service.apikeys import key_user
from coquiapps.tools.passwords import hash_password, verify_password

_logger = logging.getLogger(__name__)
_PEPPER = secrets.token_bytes(16)  # the cache never holds a reusable digest of a password
_verified: dict[tuple, bytes] = {}
_lock = threading.Lock()
MAX_CACHE = 4096


def _digest(password: str) -> bytes:
    return hmac.new(_PEPPER, password.encode(), hashlib.sha256).digest()


def check_credentials(cr, dbname: str, uid: int, password: str) -> None:
    """Raise :class:`AccessDenied` unless ``password`` is the password or an API key of active user ``uid``.

    Failures are throttled per user and per client address (:mod:`~coquiapps.service.throttle`).
    """
    from coquiapps.service import throttle

    if not isinstance(uid, int) or isinstance(uid, bool) or not isinstance(password, str) or not password:
        raise AccessDenied("Access Denied")
    cr.execute("SELECT password_crypt FROM res_users WHERE id = %s AND active", (uid,))
    row = cr.fetchone()
    if not row or not row[0]:
        raise AccessDenied("Access Denied")
    key = (dbname, uid, row[0])
    digest = _digest(password)
    with _lock:
        known = _verified.get(key)
    account = f"uid:{uid}"
    throttle.check_login(dbname, account, cr)
    if known is not None and hmac.compare_digest(known, digest):
        return
    # a key is looked up by its prefix first: a script using one pays no password hash per call
    if key_user(cr, password, uid=uid) == uid:
        return
    if not verify_password(password, row[0]):
        throttle.login_failed(dbname, account)
        raise AccessDenied("Access Denied")
    with _lock:
        if len(_verified) >= MAX_CACHE:
            _verified.clear()
        _verified[key] = digest


def stored_master_password() -> str:
    """The master password's hash as configured now (``""``: none, the database manager is closed).

    Read from the config file at each check when there is one, so that
    ``coquiapps db set-master-password`` or a change made through one worker
    is seen by every running process; ``COQUIAPPS_ADMIN_PASSWD`` overrides it.
    """
    import configparser
    import os

    from coquiapps.tools import config

    cfg = config.current()
    if "COQUIAPPS_ADMIN_PASSWD" in os.environ:
        return os.environ["COQUIAPPS_ADMIN_PASSWD"]
    if cfg.path is not None and cfg.path.exists():
        parser = configparser.ConfigParser(interpolation=None)
        parser.read(cfg.path)
        value = parser.get("options", "admin_passwd", fallback="")
        cfg.values["admin_passwd"] = value
        return value
    return cfg.get("admin_passwd") or ""


def master_password_set() -> bool:
    """Whether the server has a master password (without one the database manager is closed)."""
    return bool(stored_master_password())


CLOSED = ("The database manager is closed: no master password is configured. Set one on the server "
          "with 'coquiapps db set-master-password' (or start 'coquiapps server' once, which makes one).")


def check_master_password(password) -> None:
    """Raise :class:`AccessDenied` unless ``password`` is the master password of this server.

    The one check of the web database manager and of the ``db`` RPC service.
    The master password is the config's ``admin_passwd``, a hash from
    :func:`hash_password` (``scrypt$...``); a plain value written in the
    config file by hand is still accepted, compared in constant time. Without
    one nothing is accepted (never "the first caller sets it"); failures are
    throttled per client address and logged. ``list_db = False`` disables
    database management altogether.
    """
    from coquiapps.service import throttle
    from coquiapps.tools import config
    from coquiapps.tools.translate import _

    cfg = config.current()
    if not cfg.get("list_db"):
        raise AccessDenied(_("Database management is disabled on this server (list_db = False)."))
    stored = stored_master_password()
    if not stored:
        raise AccessDenied(_(CLOSED))
    if not isinstance(password, str) or not password:
        raise AccessDenied(_("The master password is required."))
    throttle.check_master()
    if stored.startswith("scrypt$"):
        good = verify_password(password, stored)
    else:
        good = hmac.compare_digest(stored.encode(), password.encode())
    if not good:
        throttle.master_failed()
        raise AccessDenied(_("Wrong master password."))
    throttle.master_succeeded()


def set_master_password(new: str) -> None:
    """Store ``new`` (hashed) as the master password in the config file."""
    from coquiapps.tools import config

    if not isinstance(new, str) or not new:
        raise ValueError("the master password cannot be empty")
    config.current().save(admin_passwd=hash_password(new))


def change_master_password(old, new) -> None:
    """Replace the master password (``old`` must be the current one)."""
    from coquiapps.tools.translate import _

    check_master_password(old)
    if not isinstance(new, str) or not new:
        raise AccessDenied(_("The new master password cannot be empty."))
    set_master_password(new)
