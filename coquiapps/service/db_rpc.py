"""The ``db`` service: list, create, duplicate and drop databases behind the master password.

Only the databases this server serves exist for it: CoquiAPPs databases
that pass ``db_filter`` (``-d``). ``db_exist`` never confirms any other name.
"""
from __future__ import annotations

import logging

from coquiapps import release
from coquiapps.orm.exceptions import AccessError

_logger = logging.getLogger(__name__)


def exp_list(host: str | None = None) -> list[str]:
    from coquiapps.service import db
    from coquiapps.service.common import filter_matches
    from coquiapps.tools import config

    if not config.current().get("list_db"):
        raise AccessError("Access Denied: listing databases is disabled on this server (list_db).")
    return [name for name in db.list_dbs() if filter_matches(name, host)]


def _ours(name, host: str | None = None) -> None:
    from coquiapps.service.common import db_allowed

    if not isinstance(name, str) or not db_allowed(name, host):
        raise AccessError(f"Database {name!r} is not a CoquiAPPs database of this server.")


def exp_db_exist(name: str, host: str | None = None) -> bool:
    from coquiapps.service.common import db_allowed

    return isinstance(name, str) and db_allowed(name, host)


def exp_create_database(master_pwd, name, demo=False, lang="en_US", user_password="admin",
                        login="admin", country_code=None, phone=None, host: str | None = None) -> bool:
    from coquiapps.service import db, security
    from coquiapps.service.common import filter_matches

    security.check_master_password(master_pwd)
    if not isinstance(name, str) or not filter_matches(name, host):
        raise AccessError(f"Database {name!r} would not be served by this server (db_filter).")
    _logger.info("creating database %s over RPC", name)
    db.create_database(name, demo=bool(demo), lang=lang or "en_US", admin_password=user_password,
                       login=login or "admin")
    return True


def exp_duplicate_database(master_pwd, source, target, neutralize_database=True, host: str | None = None) -> bool:
    from coquiapps.service import db, security
    from coquiapps.service.common import filter_matches

    security.check_master_password(master_pwd)
    _ours(source, host)
    if not isinstance(target, str) or not filter_matches(target, host):
        raise AccessError(f"Database {target!r} would not be served by this server (db_filter).")
    _logger.info("duplicating database %s to %s over RPC (neutralize=%s)", source, target, neutralize_database)
    db.duplicate_database(source, target, neutralize=bool(neutralize_database))
    return True


def exp_drop(master_pwd, name, host: str | None = None) -> bool:
    from coquiapps.service import db, security
    from coquiapps.service.common import db_allowed

    security.check_master_password(master_pwd)
    if not isinstance(name, str) or not db_allowed(name, host):
        return False  # the same answer as for a name that does not exist: nothing is confirmed
    _logger.info("dropping database %s over RPC", name)
    db.drop_database(name)
    return True


def exp_server_version() -> str:
    return release.series


METHODS = {"list": exp_list, "db_exist": exp_db_exist, "create_database": exp_create_database,
           "duplicate_database": exp_duplicate_database, "drop": exp_drop,
           "server_version": exp_server_version}


def dispatch(method: str, params: list, host: str | None = None):
    if method == "list":
        return exp_list(host)
    func = METHODS.get(method)
    if func is None:
        raise NameError(f"method {method!r} is not part of the db service")
    if method == "server_version":
        return func(*params)
    return func(*params, host=host)
