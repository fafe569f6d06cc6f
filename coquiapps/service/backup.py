"""Backups as zip files: ``dump.dump`` (``pg_dump -Fc``) and ``manifest.json`` (modules and versions).

Restores go through ``pg_restore`` only (:func:`coquiapps.service.pgtools.restore`):
a zip holding ``dump.dump``, or a bare custom-format dump. Plain SQL (the
``dump.sql`` of older backups) is refused: feeding it to ``psql`` would run
any meta-command in it.
"""
from __future__ import annotations

import io
import json
import uuid
import zipfile

from coquiapps import release, sql_db
from coquiapps.service import pgtools

DUMP_NAME = "dump.dump"


def backup(dbname: str) -> bytes:
    """A zip of the database: custom-format dump plus a manifest of the installed modules."""
    with sql_db.cursor(dbname) as cr:
        cr.execute("SELECT name, latest_version FROM ir_module_module WHERE state = 'installed' ORDER BY name")
        modules = dict(cr.fetchall())
        cr.execute("SELECT current_setting('server_version')")
        pg_version = cr.fetchone()[0]
    manifest = {"db_name": dbname, "version": release.version, "version_info": list(release.version_info),
                "major_version": release.series, "pg_version": pg_version, "modules": modules}
    dump = pgtools.dump_custom(dbname)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(DUMP_NAME, dump)
        archive.writestr("manifest.json", json.dumps(manifest, indent=2))
    return buffer.getvalue()


def restore(dbname: str, data: bytes, copy: bool = True, neutralize: bool = False) -> None:
    """Create ``dbname`` from a backup zip (or a custom-format dump); as a copy it gets a new secret."""
    from coquiapps.service import db

    dump = _dump_of(data)
    db._create_empty(dbname)
    try:
        pgtools.restore(dbname, dump)
        with sql_db.cursor(dbname) as cr:
            if copy:
                cr.execute("UPDATE ir_config_parameter SET value = %s WHERE key = 'database.secret'",
                           (uuid.uuid4().hex + uuid.uuid4().hex,))
                cr.execute("UPDATE ir_config_parameter SET value = %s WHERE key = 'database.uuid'",
                           (str(uuid.uuid1()),))
            if neutralize:
                db.neutralize_database(cr)
    except BaseException:
        db.drop_database(dbname)
        raise


def _dump_of(data: bytes) -> bytes:
    """The custom-format dump in ``data`` (a backup zip or the dump itself); ValueError otherwise."""
    if data.startswith(pgtools.CUSTOM_MAGIC):
        return data
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if DUMP_NAME in names:
                return archive.read(DUMP_NAME)
    except zipfile.BadZipFile:
        raise ValueError("this file is neither a CoquiAPPs backup (zip) nor a custom-format PostgreSQL dump "
                         "(pg_dump -Fc); plain SQL dumps are not restored") from None
    if "dump.sql" in names:
        raise ValueError("this backup holds a plain SQL dump (dump.sql, made by an older version): it is not "
                         "restored here because SQL scripts can run psql commands; restore it with psql "
                         "yourself, then make a new backup")
    raise ValueError(f"the backup has no {DUMP_NAME}")
