"""Calling a model method for ``/web/dataset/call_kw``: public methods only, JSON-able results."""
from __future__ import annotations

import datetime as dt
import decimal

from coquiapps.exceptions import AccessError

# Recordset helpers that are public in Python but are not meant for remote callers.
REFUSED = {"browse", "with_env", "with_user", "with_context", "with_company", "sudo", "ensure_one",
           "mapped", "filtered", "sorted", "filtered_domain", "invalidate_recordset", "invalidate_model",
           "exists", "pool", "env", "ids"}
RECORD_METHODS = ("read", "write", "unlink", "copy", "name_get", "toggle_active", "action_archive",
                  "action_unarchive", "get_external_id")


def call_kw(env, model: str, method: str, args: list, kwargs: dict):
    """Call ``env[model].method(*args, **kwargs)`` as Odoo's RPC does (ids first for record methods)."""
    if not isinstance(method, str) or method.startswith("_") or method in REFUSED:
        raise AccessError(f"Private methods (such as {model}.{method}) cannot be called remotely")
    if model not in env:
        raise AccessError(f"Model {model!r} does not exist")
    records = env[model]
    context = kwargs.pop("context", None)
    if isinstance(context, dict):
        records = records.with_context(**context)
    func = getattr(type(records), method, None)
    if func is None or not callable(func):
        raise AttributeError(f"The method '{model}.{method}' does not exist")
    args = list(args or [])
    if _is_model_method(func, method):
        result = getattr(records, method)(*args, **kwargs)
    else:
        ids = args.pop(0) if args else []
        ids = [ids] if isinstance(ids, int) else list(ids or [])
        result = getattr(records.browse(ids), method)(*args, **kwargs)
    if method == "create" and hasattr(result, "_ids"):
        return result.id if len(result) == 1 and not isinstance(args[0] if args else None, list) else result.ids
    return to_json(result)


def _is_model_method(func, name: str) -> bool:
    if name in RECORD_METHODS:
        return False
    if getattr(func, "_api", None) in ("model", "model_create") or getattr(func, "_api_model", False):
        return True
    return name in ("create", "search", "search_read", "search_count", "name_search", "fields_get",
                    "default_get", "check_access_rights")


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
