"""``/web/dataset/call_kw``: the service layer's remote-call policy, with results made JSON-able."""
from __future__ import annotations

import datetime as dt
import decimal

from coquiapps.service import call_policy


def call_kw(env, model: str, method: str, args: list, kwargs: dict):
    """Call ``model.method`` as :func:`coquiapps.service.call_policy.call_kw` does; a JSON-able result."""
    return to_json(call_policy.call_kw(env, model, method, args, kwargs))


def to_json(value):
    """Records to ids, dates to strings, recursively."""
    if hasattr(value, "_ids") and hasattr(value, "_name"):
        return value.ids
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.decode(errors="replace")
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [to_json(v) for v in value]
    return value
