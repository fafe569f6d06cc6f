"""A failed install leaves schema and data exactly as they were, and says where it failed."""
import pytest

from coquiapps.modules import loading
from coquiapps.service import pgtools
from coquiapps.testing.addon_factory import unique, write_addon
from coquiapps.tests.test_modules_lifecycle import addons_dir, model_addon, run  # noqa: F401

BROKEN = {
    "bad_xml": ({"data/things.xml": "<coquiapps><record id='x' model='res.partner'>\n<field name='name'>X</field>\n</coquiapps>"},
                r"data/things.xml, line 3: invalid XML"),
    "unknown_model": ({"data/things.xml": "<coquiapps>\n<record id='x' model='no.such.model'/>\n</coquiapps>"},
                      r"data/things.xml, line 2: model 'no.such.model' does not exist"),
    "bad_ref": ({"data/things.xml": "<coquiapps>\n\n<record id='x' model='res.partner'><field name='parent_id' ref='nope.nothing'/></record>\n</coquiapps>"},
                r"data/things.xml, line 3: external id 'nope.nothing' not found"),
    "bad_eval": ({"data/things.xml": "<coquiapps>\n<record id='x' model='res.partner'><field name='name' eval=\"__import__('os')\"/></record>\n</coquiapps>"},
                 r"data/things.xml, line 2: .*not allowed"),
    "bad_csv": ({"security/ir.model.access.csv": "id,name,model_id:id,group_id:id,perm_read\naccess_x,x,model_nope,base.group_user,1\n"},
                r"ir.model.access.csv, line 2: external id '.*model_nope' not found"),
    "bad_python": ({"models/thing.py": "from coquiapps import models\n\n\nclass Thing(models.Model)\n    pass\n"},
                   r"Python code cannot be loaded .*thing.py, line 4"),
    "import_error": ({"models/thing.py": "import no_such_module_at_all\n"},
                     r"Python code cannot be loaded .*thing.py, line 1.*no_such_module_at_all"),
    "failing_hook": ({"__init__.py": "from . import models\n\n\ndef post(env):\n    raise RuntimeError('hook says no')\n"},
                     r"post_init_hook post failed .*__init__.py, line 5.*hook says no"),
    "constraint": ({"data/things.xml": "<coquiapps>\n<record id='x' model='ir.config_parameter'><field name='key'>k</field></record>\n</coquiapps>"},
                   r"line 2: .*required"),
    "view_spec": ({"data/things.xml": """<coquiapps>
<record id='v' model='ir.ui.view'><field name='name'>ext</field><field name='inherit_id' ref='base.view_partner_form'/>
<field name='arch' type='xml'><xpath expr="//field[@name='no_such_field']" position="after"><field name='email'/></xpath></field></record>
</coquiapps>"""}, r"line 2: .*//field\[@name='no_such_field'\].*cannot be located"),
}


@pytest.fixture(scope="module")
def busy_db(request):
    from coquiapps.service import db
    from coquiapps.testing import databases

    name = databases.unique_name("atomic")
    databases.register(name)
    db.create_database(name, modules=[])
    return name


@pytest.mark.parametrize("variant", sorted(BROKEN))
def test_failed_install_changes_nothing(busy_db, addons_dir, variant):  # noqa: F811
    overrides, message = BROKEN[variant]
    name = unique("broken")
    manifest, files = model_addon(name)
    files.update(overrides)
    if variant == "failing_hook":
        manifest["post_init_hook"] = "post"
    write_addon(addons_dir, name, manifest, files)
    run(busy_db, lambda env: env["ir.module.module"].update_list())
    before = pgtools.snapshot(busy_db)
    with pytest.raises(loading.ModuleOperationError, match=message) as info:
        run(busy_db, lambda env: loading.install_modules(env, [name]))
    assert f"module {name}" in str(info.value)
    assert pgtools.snapshot(busy_db) == before


def test_dry_run_reports_and_rolls_back(busy_db, addons_dir):  # noqa: F811
    name = unique("dry")
    manifest, files = model_addon(name)
    write_addon(addons_dir, name, manifest, files)
    run(busy_db, lambda env: env["ir.module.module"].update_list())
    before = pgtools.snapshot(busy_db)
    report = run(busy_db, lambda env: loading.install_modules(env, [name]), commit=False)
    text = "\n".join(report.lines())
    assert f"tables: 1 ({name}_thing)" in text
    assert f"res_partner.{name}_flag" in text
    assert f"{name}.thing: 1" in text and "ir.cron: 1" in text
    assert f"{name}: tick" in text and "Things" in text
    assert pgtools.snapshot(busy_db) == before
