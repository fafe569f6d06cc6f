"""Who may call what over RPC: user credentials (cached) and the master password.

Checking a password costs a scrypt derivation (tens of milliseconds), too much
for every ``execute_kw``. A successful check is remembered per process, keyed
by the user's stored hash, so a password change (or a disabled user) is seen
at once.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import threading

from coquiapps.orm.exceptions import AccessError

_PEPPER = secrets.token_bytes(16)  # the cache never holds a reusable digest of a password
_verified: dict[tuple, bytes] = {}
_lock = threading.Lock()
MAX_CACHE = 4096


class AccessDenied(AccessError):
    """Wrong login, password or master password (the message never says which part)."""


def _digest(password: str) -> bytes:
    return hmac.new(_PEPPER, password.encode(), hashlib.sha256).digest()


def check_credentials(cr, dbname: str, uid: int, password: str) -> None:
    """Raise :class:`AccessDenied` unless ``password`` is the one of active user ``uid``."""
    from coquiapps.addons.base.models.res_users import verify_password

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
    if known is not None and hmac.compare_digest(known, digest):
        return
    if not verify_password(password, row[0]):
        raise AccessDenied("Access Denied")
    with _lock:
        if len(_verified) >= MAX_CACHE:
            _verified.clear()
        _verified[key] = digest


def check_master_password(password) -> None:
    """Raise :class:`AccessDenied` unless ``password`` is the config's ``admin_passwd``.

    The option holds a hash from :func:`hash_password` (``scrypt$...``); a
    plain value is still accepted, compared in constant time. An empty option
    means the database manager is closed.
    """
    from coquiapps.addons.base.models.res_users import verify_password
    from coquiapps.tools import config

    stored = config.current().get("admin_passwd") or ""
    if not stored:
        raise AccessDenied("The master password is not set on this server (admin_passwd in the "
                           "config file): managing databases is disabled.")
    if not isinstance(password, str) or not password:
        raise AccessDenied("Access Denied: wrong master password")
    if stored.startswith("scrypt$"):
        good = verify_password(password, stored)
    else:
        good = hmac.compare_digest(stored.encode(), password.encode())
    if not good:
        raise AccessDenied("Access Denied: wrong master password")
