"""The ``common`` service: server version and logging in (``authenticate``, ``login``)."""
from __future__ import annotations

import logging

from coquiapps import release

_logger = logging.getLogger(__name__)
VERSION_INFO = [17, 0, 0, "final", 0, ""]


def version() -> dict:
    return {"server_version": release.series, "server_version_info": list(VERSION_INFO),
            "server_serie": release.series, "protocol_version": 1}


def authenticate(db: str, login: str, password: str, user_agent_env=None, host: str | None = None) -> int | bool:
    """The uid of the active user ``login`` with ``password`` in ``db``, or False.

    The login date is recorded. An API key of the user stands for the
    password (not at the web login form). A database that does not exist (or that the
    server's ``db_filter`` hides) gives False too, as a wrong password does.
    """
    from coquiapps import sql_db
    from coquiapps.orm import SUPERUSER_ID, Environment, Registry
    from coquiapps.orm.exceptions import AccessError
    from coquiapps.service.throttle import TooManyAttempts

    if not all(isinstance(v, str) and v for v in (db, login, password)) or not db_allowed(db, host):
        return False
    try:
        with sql_db.cursor(db) as cr:
            env = Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(db).check_signaling(cr))
            uid = env["res.users"]._login(login, password, interactive=False)  # API keys welcome
    except TooManyAttempts:
        raise  # "try again in N s" says more than False
    except AccessError:
        return False  # logged by the throttle
    except sql_db.DatabaseError as exc:
        _logger.info("login refused on %s: %s", db, exc)
        return False
    return uid


def filter_matches(name: str, host: str | None = None) -> bool:
    """Whether ``name`` matches the config's ``db_filter`` (``%h`` host, ``%d`` its first label)."""
    import re

    from coquiapps.tools import config

    pattern = config.current().get("db_filter") or ".*"
    hostname = (host or "").partition(":")[0]
    pattern = pattern.replace("%h", re.escape(hostname)).replace("%d", re.escape(hostname.split(".")[0]))
    return bool(re.fullmatch(pattern, name))


def db_allowed(name: str, host: str | None = None) -> bool:
    """Whether ``name`` is one of our databases and passes ``db_filter``."""
    from coquiapps.service import db as db_service

    return filter_matches(name, host) and name in db_service.list_dbs()


def dispatch(method: str, params: list, host: str | None = None):
    if method == "version":
        return version()
    if method in ("authenticate", "login"):
        if len(params) < 3:
            raise TypeError(f"{method} takes (db, login, password)")
        return authenticate(*params[:4], host=host)
    raise NameError(f"method {method!r} is not part of the common service")
