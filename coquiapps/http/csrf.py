"""CSRF tokens: an HMAC of the session id and an expiry, checked on state-changing POSTs."""
from __future__ import annotations

import hashlib
import hmac
import time

TOKEN_LIFETIME = 48 * 3600


def make_token(secret: bytes, sid: str, now: float | None = None) -> str:
    """A token valid for this session for ``TOKEN_LIFETIME`` seconds."""
    expiry = int((now or time.time()) + TOKEN_LIFETIME)
    digest = hmac.new(secret, f"{sid}:{expiry}".encode(), hashlib.sha256).hexdigest()
    return f"{digest}o{expiry}"


def check_token(secret: bytes, sid: str, token: str | None, now: float | None = None) -> bool:
    """Whether ``token`` was made for this session and has not expired."""
    if not token or "o" not in token:
        return False
    digest, _, expiry = token.rpartition("o")
    if not expiry.isdigit() or int(expiry) < (now or time.time()):
        return False
    expected = hmac.new(secret, f"{sid}:{expiry}".encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, digest)
