"""The ``object`` service: model methods called remotely with the caller's access rights.

:func:`execute_kw` opens a cursor, calls the method as user ``uid`` under the
remote-call policy of :mod:`coquiapps.service.call_policy` (which the web
client's ``/web/dataset/call_kw`` uses too) and commits, retrying a few times when
PostgreSQL reports a serialization failure between concurrent transactions.
"""
from __future__ import annotations

import logging
import time

import psycopg2.errors

from coquiapps.service.call_policy import call_kw

_logger = logging.getLogger(__name__)
MAX_TRIES = 5
RETRYABLE = (psycopg2.errors.SerializationFailure, psycopg2.errors.DeadlockDetected,
             psycopg2.errors.LockNotAvailable)


def _user_lang(env, context: dict | None) -> str:
    if context and context.get("lang"):
        return context["lang"]
    env.cr.execute("SELECT lang FROM res_users WHERE id = %s", (env.uid,))
    row = env.cr.fetchone()
    return (row and row[0]) or "en_US"


def execute_kw(dbname: str, uid: int, model: str, method: str, args=None, kwargs=None):
    """Call ``model.method`` in database ``dbname`` as user ``uid``; commit; return wire values.

    The caller has checked who ``uid`` is. Errors propagate (UserError,
    AccessError ... carry the message for the user); the transaction is then
    rolled back.
    """
    from coquiapps import sql_db
    from coquiapps.orm import Environment, Registry
    from coquiapps.service.marshal import to_wire
    from coquiapps.tools import translate

    for attempt in range(1, MAX_TRIES + 1):
        try:
            with sql_db.cursor(dbname) as cr:
                registry = Registry.get(dbname).check_signaling(cr)
                context = (kwargs or {}).get("context")
                env = Environment(cr, uid, {}, registry=registry)
                lang = _user_lang(env, context if isinstance(context, dict) else None)
                translate.ensure_loaded(registry.modules, lang)
                token = translate.set_lang(lang)
                try:
                    result = to_wire(call_kw(env, model, method, args, kwargs))
                finally:
                    translate.reset_lang(token)
            return result
        except RETRYABLE as exc:
            if attempt == MAX_TRIES:
                raise
            _logger.info("%s.%s: %s, retrying (%d/%d)", model, method, type(exc).__name__, attempt, MAX_TRIES)
            time.sleep(0.05 * attempt)
    raise AssertionError("unreachable")


def dispatch(method: str, params: list, host: str | None = None):
    """The ``object`` service: ``execute_kw(db, uid, password, model, method, args, kwargs)``, ``execute``.

    Only on the databases this server serves (``db_filter``, ``-d``).
    """
    from coquiapps import sql_db
    from coquiapps.service import security
    from coquiapps.service.common import db_allowed

    if method not in ("execute", "execute_kw"):
        raise NameError(f"method {method!r} is not part of the object service")
    if len(params) < 5:
        raise TypeError(f"{method} takes (db, uid, password, model, method, ...)")
    dbname, uid, password, model, name = params[:5]
    if not isinstance(dbname, str) or not db_allowed(dbname, host):
        raise security.AccessDenied("Access Denied")  # as for a wrong password: no name is confirmed
    with sql_db.cursor(dbname) as cr:
        security.check_credentials(cr, dbname, uid, password)
    if method == "execute":
        return execute_kw(dbname, uid, model, name, list(params[5:]), {})
    args = params[5] if len(params) > 5 else []
    kwargs = params[6] if len(params) > 6 else {}
    if not isinstance(args, list) or not isinstance(kwargs, dict):
        raise TypeError("execute_kw: args must be a list and kwargs a dict")
    return execute_kw(dbname, uid, model, name, args, kwargs)
