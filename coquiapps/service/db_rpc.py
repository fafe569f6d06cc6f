"""The ``db`` service: list, create, duplicate, drop, dump and restore databases behind the master password.

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


DUMP_FORMATS = ("zip", "dump")


def exp_dump(master_pwd, name, backup_format="zip", host: str | None = None) -> str:
    """The backup of ``name``, base64: a zip (``dump.dump`` and ``manifest.json``) or, with
    ``backup_format='dump'``, the bare ``pg_dump -Fc`` archive (as Odoo's ``db.dump``)."""
    import base64

    from coquiapps.service import backup, pgtools, security

    security.check_master_password(master_pwd)
    _ours(name, host)
    if backup_format not in DUMP_FORMATS:
        raise ValueError(f"unknown backup format {backup_format!r}: use 'zip' or 'dump'")
    _logger.info("dumping database %s over RPC (%s)", name, backup_format)
    data = backup.backup(name) if backup_format == "zip" else pgtools.dump_custom(name)
    return base64.b64encode(data).decode("ascii")


def exp_restore(master_pwd, name, data, copy=False, host: str | None = None) -> bool:
    """Create ``name`` from base64 ``data`` (a backup zip or a ``pg_dump -Fc`` archive).

    ``copy``: the restored database gets a new secret and uuid (as a duplicate would).
    """
    import base64
    import binascii

    from coquiapps.service import backup, security
    from coquiapps.service.common import filter_matches

    security.check_master_password(master_pwd)
    if not isinstance(name, str) or not filter_matches(name, host):
        raise AccessError(f"Database {name!r} would not be served by this server (db_filter).")
    if not isinstance(data, str):
        raise TypeError("restore: the backup must be given as a base64 string")
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("restore: the backup is not valid base64") from None
    _logger.info("restoring database %s over RPC (copy=%s)", name, bool(copy))
    backup.restore(name, raw, copy=bool(copy))
    return True


def exp_list_lang() -> list[list[str]]:
    """``[[code, name], ...]`` of the languages a new database can be created in, by name (as Odoo)."""
    from coquiapps.service import db

    return sorted((list(item) for item in db.known_languages()), key=lambda item: item[1])


def exp_list_countries() -> list[list[str]]:
    from coquiapps.service.countries import list_countries

    return list_countries()


def exp_server_version() -> str:
    return release.series


METHODS = {"list": exp_list, "db_exist": exp_db_exist, "create_database": exp_create_database,
           "duplicate_database": exp_duplicate_database, "drop": exp_drop, "dump": exp_dump,
           "restore": exp_restore, "server_version": exp_server_version}
#: methods that take no master password nor database name
PUBLIC = {"server_version": exp_server_version, "list_lang": exp_list_lang,
          "list_countries": exp_list_countries}


def dispatch(method: str, params: list, host: str | None = None):
    if method == "list":
        return exp_list(host)
    if method in PUBLIC:
        return PUBLIC[method](*params)
    func = METHODS.get(method)
    if func is None:
        raise NameError(f"method {method!r} is not part of the db service")
    return func(*params, host=host)
