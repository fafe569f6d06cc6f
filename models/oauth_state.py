"""The OAuth ``state`` parameter: signed, expiring, naming database, account and attempt.

``state`` = base64url(JSON payload) + "." + base64url(HMAC-SHA256(database.secret, payload)).
The signature proves we issued it; the payload's attempt id and nonce let the
database check it was not used before (single use). Pure functions, no ORM.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

STATE_LIFETIME = 15 * 60
MAX_STATE_LENGTH = 1024


class StateError(ValueError):
    """The state is forged, malformed or expired; the message is safe to show."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(secret: str, payload: dict) -> str:
    body = _b64(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode())
    mac = hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest()
    return f"{body}.{_b64(mac)}"


def peek(state: str) -> dict:
    """The payload *without* checking the signature (to learn which database to check it in)."""
    if not state or len(state) > MAX_STATE_LENGTH or state.count(".") != 1:
        raise StateError("the state parameter is missing or malformed")
    try:
        payload = json.loads(_unb64(state.split(".")[0]))
    except (ValueError, UnicodeDecodeError) as exc:
        raise StateError("the state parameter is malformed") from exc
    if not isinstance(payload, dict):
        raise StateError("the state parameter is malformed")
    return payload


def verify(secret: str, state: str, now: float | None = None, check_expiry: bool = True) -> dict:
    """The payload of a state we signed and that has not expired; StateError otherwise.

    ``check_expiry=False`` only to recognise a state we issued (a reloaded result page).
    """
    payload = peek(state)
    body, mac = state.split(".")
    expected = hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest()
    try:
        given = _unb64(mac)
    except ValueError as exc:
        raise StateError("the state parameter is malformed") from exc
    # only our own canonical encoding: base64 ignores some bits of the last character,
    # and a state that differs from the one we issued is not ours, even if it decodes the same
    if _b64(given) != mac or _b64(_unb64(body)) != body:
        raise StateError("the state parameter was not issued by this database (bad signature)")
    if not hmac.compare_digest(expected, given):
        raise StateError("the state parameter was not issued by this database (bad signature)")
    expires = payload.get("exp")
    if not isinstance(expires, (int, float)) or (check_expiry and (now or time.time()) > expires):
        raise StateError("this authorization request has expired; start it again")
    for key, kind in (("db", str), ("account", int), ("attempt", int), ("nonce", str)):
        if not isinstance(payload.get(key), kind):
            raise StateError("the state parameter is malformed")
    return payload


def nonce_hash(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()
