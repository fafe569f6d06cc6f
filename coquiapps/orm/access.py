"""The fixed vocabulary of access checks, and the bounds of search arguments.

An operation name, a ``limit``/``offset`` or an ``order`` string can arrive from a
remote caller; each is checked here against a closed set before anything is
built from it, so no request value is ever formatted into SQL.
"""
from __future__ import annotations

import re

from coquiapps.orm.exceptions import AccessError

#: The only operations access rights and record rules know.
OPERATIONS = ("read", "write", "create", "unlink")

#: PostgreSQL's LIMIT/OFFSET are bigint.
MAX_BIGINT = 2**63 - 1

_ORDER_TERM = re.compile(
    r"^\s*([a-z_][a-z0-9_]*)(?:\s+(asc|desc))?(?:\s+nulls\s+(first|last))?\s*$", re.I)
_DIRECTIONS = {"asc": "ASC", "desc": "DESC"}
_NULLS = {"first": "NULLS FIRST", "last": "NULLS LAST"}


def check_operation(operation) -> str:
    """``operation`` if it is one of :data:`OPERATIONS`; AccessError naming it otherwise."""
    if not isinstance(operation, str) or operation not in OPERATIONS:
        raise AccessError(f"Invalid access operation {operation!r}: "
                          f"expected one of {', '.join(OPERATIONS)}.")
    return operation


def check_bound(name: str, value):
    """``limit``/``offset``: None (no bound) or an integer in 0..2**63-1; ValueError otherwise."""
    if value is None or value is False:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be a whole number, got {type(value).__name__} {value!r}")
    if not 0 <= value <= MAX_BIGINT:
        raise ValueError(f"{name} must be between 0 and {MAX_BIGINT}, got {value}")
    return value


def parse_order(model_name: str, order) -> list[tuple[str, str, str | None]]:
    """``"name desc, id"`` as ``[(field name, 'ASC'|'DESC', 'NULLS FIRST'|'NULLS LAST'|None)]``.

    Only field names, asc/desc and nulls first/last are accepted; the SQL
    keywords returned are constants of this module, never the caller's text.
    """
    if not isinstance(order, str):
        raise ValueError(f"invalid order {order!r} on {model_name}: expected a string")
    terms = []
    for term in order.split(","):
        match = _ORDER_TERM.match(term)
        if not match:
            raise ValueError(f"invalid order {term.strip()!r} on {model_name}: expected "
                             f"'field [asc|desc] [nulls first|last]'")
        direction = _DIRECTIONS[(match.group(2) or "asc").lower()]
        nulls = _NULLS[match.group(3).lower()] if match.group(3) else None
        terms.append((match.group(1), direction, nulls))
    return terms
