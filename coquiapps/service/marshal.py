"""Values leaving the server over RPC: recordsets to ids, dates to strings, None to False.

Both the XML-RPC and the JSON-RPC transports call :func:`to_wire` on a
method's result; :func:`from_xmlrpc` turns what :mod:`xmlrpc.client` decoded
back into the plain values the ORM takes (dates as strings, binaries as base64).
"""
from __future__ import annotations

import base64
import datetime as dt
import decimal

DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def _is_recordset(value) -> bool:
    return hasattr(value, "_ids") and hasattr(value, "_name") and hasattr(value, "env")


def to_wire(value):
    """A copy of ``value`` made only of types both XML-RPC and JSON carry."""
    if value is None:
        return False
    if isinstance(value, bool | int | float | str):
        return value
    if _is_recordset(value):
        return list(value._ids)
    if isinstance(value, dt.datetime):
        return value.strftime(DATETIME_FORMAT)
    if isinstance(value, dt.date):
        return value.strftime(DATE_FORMAT)
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dict):
        return {str(key): to_wire(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_wire(item) for item in value]
    return str(value)


def from_xmlrpc(value):
    """Arguments decoded by ``xmlrpc.client.loads(use_builtin_types=True)`` made ORM-ready."""
    if isinstance(value, dt.datetime):
        return value.strftime(DATETIME_FORMAT)
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dict):
        return {key: from_xmlrpc(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [from_xmlrpc(item) for item in value]
    return value
