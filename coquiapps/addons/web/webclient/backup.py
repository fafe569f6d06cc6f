"""Backups as zip files: ``dump.sql`` (pg_dump) and ``manifest.json`` (modules and versions)."""
from __future__ import annotations

import io
import json
import uuid
import zipfile

from coquiapps import release, sql_db


def backup(dbname: str) -> bytes:
    """A zip of the database: SQL dump plus a manifest of the installed modules."""
    from coquiapps.service import pgtools

    with sql_db.cursor(dbname) as cr:
        cr.execute("SELECT name, latest_version FROM ir_module_module WHERE state = 'installed' ORDER BY name")
        modules = dict(cr.fetchall())
        cr.execute("SELECT current_setting('server_version')")
        pg_version = cr.fetchone()[0]
    manifest = {"db_name": dbname, "version": release.version, "version_info": list(release.version_info),
                "major_version": release.series, "pg_version": pg_version, "modules": modules}
    dump = pgtools.dump(dbname)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("dump.sql", dump)
        archive.writestr("manifest.json", json.dumps(manifest, indent=2))
    return buffer.getvalue()


def restore(dbname: str, data: bytes, copy: bool = True, neutralize: bool = False) -> None:
    """Create ``dbname`` from a backup zip (or a plain SQL dump); as a copy it gets a new secret."""
    from coquiapps.service import db, pgtools

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "dump.sql" not in archive.namelist():
                raise ValueError("the backup has no dump.sql")
            script = archive.read("dump.sql")
    except zipfile.BadZipFile:
        script = data
    db._create_empty(dbname)
    try:
        pgtools.restore(dbname, script)
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
