"""Neutralized databases (staging copies): each module's ``data/neutralize.sql`` and the mark.

The database service neutralizes a copy (:func:`coquiapps.service.db.neutralize_database`);
installing a module on a copy that is already neutralized neutralizes that module too.
"""
from __future__ import annotations

from coquiapps.modules import discovery
from coquiapps.tools import config


def neutralize_modules(cr, names: list[str]) -> list[str]:
    """Run the ``data/neutralize.sql`` of these modules; returns the ones that have one.

    Also used when a module is installed on a database that is already
    neutralized: the staging copy stays switched off for the new module too.
    """
    locations = discovery.discover(config.current().addons_paths)
    ran = []
    for name in names:
        script = locations.get(name)
        script = script / "data" / "neutralize.sql" if script else None
        if script and script.is_file():
            cr.execute(script.read_text())
            ran.append(name)
    return ran


def is_neutralized(cr) -> bool:
    cr.execute("SELECT to_regclass('ir_config_parameter') IS NOT NULL")
    if not cr.fetchone()[0]:
        return False  # not (yet) a CoquiAPPs database
    cr.execute("SELECT value FROM ir_config_parameter WHERE key = 'database.is_neutralized'")
    row = cr.fetchone()
    return bool(row and row[0] == "True")
