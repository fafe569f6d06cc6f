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

from coquiapps.orm.exceptions import AccessError

_logger = logging.getLogger(__name__)
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


def master_password_set() -> bool:
    """Whether the server has a master password (config ``admin_passwd``)."""
    from coquiapps.tools import config

    return bool(config.current().get("admin_passwd"))


def check_master_password(password) -> None:
    """Raise :class:`AccessDenied` unless ``password`` is the master password of this server.

    The one check of the web database manager and of the ``db`` RPC service.
    The master password is the config's ``admin_passwd``, a hash from
    :func:`hash_password` (``scrypt$...``); a plain value written in the
    config file by hand is still accepted, compared in constant time. On a
    fresh install (no ``admin_passwd`` yet) the first password given becomes
    the master password, saved hashed in the config file. ``list_db = False``
    disables database management altogether.
    """
    from coquiapps.addons.base.models.res_users import hash_password, verify_password
    from coquiapps.tools import config
    from coquiapps.tools.translate import _

    cfg = config.current()
    if not cfg.get("list_db"):
        raise AccessDenied(_("Database management is disabled on this server (list_db = False)."))
    if not isinstance(password, str) or not password:
        raise AccessDenied(_("The master password is required."))
    with _lock:
        stored = cfg.get("admin_passwd") or ""
        if not stored:
            cfg.save(admin_passwd=hash_password(password))
            _logger.warning("the master password of this server has been set (saved hashed in %s)", cfg.path)
            return
    if stored.startswith("scrypt$"):
        good = verify_password(password, stored)
    else:
        good = hmac.compare_digest(stored.encode(), password.encode())
    if not good:
        raise AccessDenied(_("Wrong master password."))


def change_master_password(old, new) -> None:
    """Replace the master password (``old`` must be the current one)."""
    from coquiapps.addons.base.models.res_users import hash_password
    from coquiapps.tools import config
    from coquiapps.tools.translate import _

    check_master_password(old)
    if not isinstance(new, str) or not new:
        raise AccessDenied(_("The new master password cannot be empty."))
    config.current().save(admin_passwd=hash_password(new))
