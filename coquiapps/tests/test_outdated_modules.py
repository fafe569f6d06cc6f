"""A database kept from an older checkout: its modules are named, and `make demo` upgrades them."""
import logging

from coquiapps import sql_db
from coquiapps.cli.module import upgrade_outdated
from coquiapps.modules import loading
from coquiapps.orm import Registry


def _pretend_installed_at(db, name, version):
    with sql_db.cursor(db) as cr:
        cr.execute("UPDATE ir_module_module SET latest_version = %s WHERE name = %s", (version, name))


def test_outdated_modules_are_named_and_upgraded(new_db, caplog):
    db = new_db(modules=("base",), label="outdated")
    with sql_db.cursor(db) as cr:
        assert loading.outdated_modules(cr) == {}
        cr.execute("SELECT latest_version FROM ir_module_module WHERE name = 'base'")
        current = cr.fetchone()[0]
    _pretend_installed_at(db, "base", "0.9")
    with sql_db.cursor(db) as cr:
        assert loading.outdated_modules(cr) == {"base": ("0.9", current)}

    with caplog.at_level(logging.WARNING, logger="coquiapps.orm.registry"):
        Registry.load(db)
    assert f"coquiapps module upgrade -d {db} base" in caplog.text

    assert upgrade_outdated(db) == ["base"]
    with sql_db.cursor(db) as cr:
        assert loading.outdated_modules(cr) == {}
        cr.execute("SELECT latest_version FROM ir_module_module WHERE name = 'base'")
        assert cr.fetchone()[0] == current
    assert upgrade_outdated(db) == []
