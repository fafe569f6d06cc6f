"""Translations: French from ``_()`` and in view labels, the .pot export, fr.po, locale formats."""
import datetime as dt
import re
import subprocess
import sys

import pytest
from babel.messages.pofile import read_po

from coquiapps import sql_db
from coquiapps.exceptions import UserError
from coquiapps.modules import discovery
from coquiapps.orm import SUPERUSER_ID, Environment, Registry
from coquiapps.service import model as object_service
from coquiapps.testing import databases
from coquiapps.tools import config, i18n_extract, locale_format, translate


def addon(name):
    return discovery.discover(config.current().addons_paths)[name]


@pytest.fixture(scope="module")
def fr_db(base_db):
    """A copy of the base database with French active and a French clerk (not an admin)."""
    name = databases.copy_of(base_db, "i18n")
    with sql_db.cursor(name) as cr:
        env = Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(name))
        env.ref("base.lang_fr").write({"active": True})
        clerk = env["res.users"].create({"name": "Camille", "login": "camille", "password": "camille-pw",
                                         "lang": "fr_FR", "groups_id": [(6, 0, [env.ref("base.group_user").id])]})
        return name, clerk.id


def test_underscore_follows_the_language():
    translate.ensure_loaded(["base"], "fr_FR")
    token = translate.set_lang("fr_FR")
    try:
        assert translate._("Only administrators can install, upgrade or uninstall apps.") == \
            "Seuls les administrateurs peuvent installer, mettre à niveau ou désinstaller des applications."
        assert translate._("Scheduled action deactivated: %s", "Sync") == "Action planifiée désactivée : Sync"
        assert translate._("A string nobody translated") == "A string nobody translated"
    finally:
        translate.reset_lang(token)
    assert translate._("Apps") == "Apps"


def test_french_user_gets_french_errors_over_rpc(fr_db):
    db, clerk = fr_db
    with sql_db.cursor(db) as cr:
        cr.execute("SELECT id FROM ir_module_module WHERE name = 'base'")
        module_id = cr.fetchone()[0]
    with pytest.raises(UserError) as info:
        object_service.execute_kw(db, clerk, "ir.module.module", "button_immediate_install", [[module_id]])
    assert str(info.value) == ("Seuls les administrateurs peuvent installer, mettre à niveau "
                               "ou désinstaller des applications.")
    # the same call in English when the context asks for it
    with pytest.raises(UserError, match="Only administrators"):
        object_service.execute_kw(db, clerk, "ir.module.module", "button_immediate_install", [[module_id]],
                                  {"context": {"lang": "en_US"}})


def test_view_labels_are_translated(fr_db):
    db, _clerk = fr_db
    with sql_db.cursor(db) as cr:
        env = Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(db))
        arch = env.ref("base.view_users_form").arch
    translate.ensure_loaded(["base"], "fr_FR")
    french = translate.translate_arch(arch, "fr_FR")
    assert 'string="Droits d\'acc&#232;s"' in french or "string=\"Droits d'accès\"" in french
    assert 'name="groups_id"' in french  # field names are never touched
    assert translate.translate_arch(arch, "en_US").count("Access Rights") == 1
    from lxml import etree

    node = etree.fromstring("<form><p>  Apps  </p><button string='Update' name='x'/></form>")
    assert translate.translate_arch(node, "fr_FR") is node
    assert node[0].text == "  Applications  " and node[1].get("string") == "Mettre à jour"


def test_export_pot(tmp_path):
    target = tmp_path / "base.pot"
    cfg = config.current()
    done = subprocess.run([sys.executable, "-m", "coquiapps.cli.main", "--addons-path", cfg["addons_path"],
                           "--data-dir", str(cfg.data_dir), "i18n", "export", "-m", "base", "-o", str(target)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    catalog = read_po(open(target, "rb"))
    ids = {m.id for m in catalog if m.id}
    assert "Only administrators can install, upgrade or uninstall apps." in ids  # _() in Python
    assert "Access Rights" in ids  # string= in a view
    assert "Users & Companies" in ids  # a menu name
    assert "Scheduled Actions" in ids  # a model/field label
    assert "Scheduled action deactivated: %s" in ids  # the runtime's own _() strings
    assert "group_id" not in ids and "res.groups" not in ids  # technical names are not labels


@pytest.mark.parametrize("module", ["base", "web"])
def test_french_catalogues_are_complete(module):
    folder = addon(module)
    template = i18n_extract.extract(folder, module)
    french = {m.id: m.string for m in read_po(open(folder / "i18n" / "fr.po", "rb")) if m.id}
    for message in template:
        if not message.id:
            continue
        assert french.get(message.id), f"{module}: no French for {message.id!r}"
        placeholders = re.compile(r"%(?:\(\w+\))?[sdrf]")
        assert sorted(placeholders.findall(message.id)) == sorted(placeholders.findall(french[message.id]))
    assert not [k for k, v in french.items() if not v]


def test_locale_formats():
    assert locale_format.format_date(dt.date(2024, 5, 1), "fr_FR") == "1 mai 2024"
    assert locale_format.format_date("2024-05-01", "en_US") == "May 1, 2024"
    assert locale_format.format_number(1234.5, "fr_FR", 2).replace("\u202f", " ").replace("\xa0", " ") == "1 234,50"
    assert locale_format.format_number(1234.5, "en_US", 2) == "1,234.50"
    assert locale_format.format_amount(12.5, "EUR", "en_US") == "€12.50"
    assert "14:00" in locale_format.format_datetime("2024-05-01 12:00:00", "fr_FR", "Europe/Paris")
    token = translate.set_lang("fr_FR")
    try:
        assert locale_format.format_date(dt.date(2024, 12, 24)) == "24 déc. 2024"
    finally:
        translate.reset_lang(token)
    assert locale_format.format_date(False) == ""
    assert locale_format.locale("xx_YY").language == "en"
