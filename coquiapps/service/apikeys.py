"""Checking an API key a script sends instead of its password (the keys are ``res.users.apikeys``).

A key is 40 hex characters; only its first 8 characters (to find it) and a
salted scrypt hash (to check it) are stored. The base addon makes and revokes
keys; the RPC credential check (:mod:`coquiapps.service.security`) and the
login of ``res.users`` ask :func:`key_user`.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import threading

from coquiapps.tools.passwords import verify_password

KEY_BYTES = 20
INDEX_SIZE = 8
RPC_SCOPE = "rpc"

# a checked key is remembered per process as a peppered digest, keyed by its stored hash:
# a revoked key's row is gone, so it is never found again (as for passwords in service.security)
_PEPPER = secrets.token_bytes(16)
_verified: dict[tuple, bytes] = {}
_lock = threading.Lock()
MAX_CACHE = 4096


def _digest(key: str) -> bytes:
    return hmac.new(_PEPPER, key.encode(), hashlib.sha256).digest()


def key_user(cr, key: str, scope: str = RPC_SCOPE, uid: int | None = None) -> int | None:
    """The active user whose API key ``key`` is (for ``scope``; only ``uid``'s keys if given), or None."""
    if not isinstance(key, str) or len(key) != 2 * KEY_BYTES:
        return None
    cr.execute("SELECT to_regclass('res_users_apikeys') IS NOT NULL")
    if not cr.fetchone()[0]:
        return None  # a database whose base predates API keys
    cr.execute("""SELECT k.id, k.user_id, k.key FROM res_users_apikeys k JOIN res_users u ON u.id = k.user_id
                  WHERE k.index = %s AND u.active AND (k.scope IS NULL OR k.scope = %s)
                  AND (%s::int IS NULL OR k.user_id = %s)""", (key[:INDEX_SIZE], scope, uid, uid))
    digest = _digest(key)
    for key_id, user_id, stored in cr.fetchall():
        cache_key = (cr.dbname, key_id, stored)
        with _lock:
            known = _verified.get(cache_key)
        if known is not None and hmac.compare_digest(known, digest):
            return user_id
        if verify_password(key, stored):
            with _lock:
                if len(_verified) >= MAX_CACHE:
                    _verified.clear()
                _verified[cache_key] = digest
            return user_id
    return None
