"""Password hashes: scrypt with a random salt, for users' passwords, API keys and the master password."""
from __future__ import annotations

import base64
import hashlib
import hmac
import os

SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_password(password: str) -> str:
    """scrypt with a random salt, encoded as ``scrypt$n$r$p$salt$hash``."""
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **SCRYPT)
    return "scrypt${n}${r}${p}$".format(**SCRYPT) + "$".join(
        base64.b64encode(x).decode() for x in (salt, digest))


def verify_password(password: str, encoded: str | None) -> bool:
    try:
        scheme, n, r, p, salt, digest = (encoded or "").split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    computed = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), dklen=32,
                              n=int(n), r=int(r), p=int(p))
    return hmac.compare_digest(computed, base64.b64decode(digest))
