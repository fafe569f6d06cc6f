"""Encryption of secret field values at rest.

The key of a database is derived (HKDF-SHA256) from the **server key**, kept
outside the database (config ``server_key`` or ``COQUIAPPS_SERVER_KEY``), and
the database's own ``database.secret``. A stolen dump alone is useless, and
a duplicated database — which gets a new ``database.secret`` — cannot read
the original's secrets. Values are stored as ``enc1:<Fernet token>``.
"""
from __future__ import annotations

import base64
import logging
import secrets

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from coquiapps.tools import config as config_mod

_logger = logging.getLogger(__name__)
PREFIX = "enc1:"


def server_key(cfg: config_mod.Config | None = None) -> str:
    """The server key; generated and saved to the config file on first use."""
    cfg = cfg or config_mod.current()
    key = cfg.get("server_key")
    if not key:
        key = secrets.token_urlsafe(32)
        cfg.save(server_key=key)
        _logger.warning(
            "generated a new server key in %s: back this file up; without it the encrypted "
            "credentials of every database on this server cannot be read", cfg.path)
    return key


def derive(key: str, database_secret: str) -> Fernet:
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=database_secret.encode(),
               info=b"coquiapps field encryption v1").derive(key.encode())
    return Fernet(base64.urlsafe_b64encode(raw))


def _database_secret(cr) -> str:
    cr.execute("SELECT value FROM ir_config_parameter WHERE key = 'database.secret'")
    row = cr.fetchone()
    if not row:
        raise RuntimeError("database.secret is missing: this database cannot encrypt secrets")
    return row[0]


def fernet_for(env) -> Fernet:
    """The cipher of ``env``'s database (cached on the registry, keyed by the secret)."""
    secret = _database_secret(env.cr)
    cache = env.registry.__dict__.setdefault("_fernet_cache", {})
    if secret not in cache:
        cache.clear()
        cache[secret] = derive(server_key(), secret)
    return cache[secret]


def encrypt(env, plaintext: str) -> str:
    return PREFIX + fernet_for(env).encrypt(plaintext.encode()).decode()


def decrypt(env, stored: str | None) -> str | None:
    """The plaintext, or None when it cannot be read here (another server key or database copy)."""
    if stored is None:
        return None
    if not stored.startswith(PREFIX):
        return stored  # written before the field was encrypted; encrypted on next write
    try:
        return fernet_for(env).decrypt(stored[len(PREFIX):].encode()).decode()
    except InvalidToken:
        return None


def is_readable(env, stored: str | None) -> bool:
    return stored is None or decrypt(env, stored) is not None


def reencrypt(cr, old: Fernet, new: Fernet, table: str, column: str) -> int:
    """Re-encrypt one column with a new cipher; returns the number of values changed."""
    from psycopg2 import sql

    cr.execute(sql.SQL("SELECT id, {c} FROM {t} WHERE {c} LIKE %s").format(
        c=sql.Identifier(column), t=sql.Identifier(table)), (PREFIX + "%",))
    count = 0
    for rid, stored in cr.fetchall():
        try:
            plain = old.decrypt(stored[len(PREFIX):].encode())
        except InvalidToken:
            continue  # unreadable already (a copy's leftovers): leave it
        cr.execute(sql.SQL("UPDATE {t} SET {c} = %s WHERE id = %s").format(
            c=sql.Identifier(column), t=sql.Identifier(table)),
            (PREFIX + new.encrypt(plain).decode(), rid))
        count += 1
    return count
