"""A broken copy of this module, 20 ways: a failed install leaves schema and data exactly as they were."""
import re
import shutil
from pathlib import Path

import pytest

from coquiapps.modules import loading
from coquiapps.service import pgtools
from coquiapps.testing import databases
from coquiapps.testing.addon_factory import unique
from coquiapps.tests.test_modules_lifecycle import addons_dir, run  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
KEEP = ("__init__.py", "__manifest__.py", "models", "controllers", "wizards", "spapi", "views", "data",
        "security", "cli", "i18n")
ACCESS = "security/ir.model.access.csv"
VIEWS = "views/amazon_account_views.xml"


def append(path, text):
    return lambda root: (root / path).write_text((root / path).read_text() + text)


def replace(path, old, new, count=1):
    def apply(root):
        source = (root / path).read_text()
        assert old in source, (path, old)
        (root / path).write_text(source.replace(old, new, count))
    return apply


def write(path, text):
    return lambda root: (root / path).write_text(text)


def manifest(change):
    def apply(root):
        source = (root / "__manifest__.py").read_text()
        (root / "__manifest__.py").write_text(change(source))
    return apply


def add_data(name, text):
    def apply(root):
        (root / "data" / name).write_text(text)
        manifest(lambda s: s.replace('"data/ir_cron.xml",', f'"data/ir_cron.xml", "data/{name}",'))(root)
    return apply


VARIANTS = {
    "bad_xml": append(VIEWS, "<coquiapps><record"),
    "truncated_view_file": write(VIEWS, "<coquiapps>\n<record id='x' model='ir.ui.view'>\n"),
    "unknown_model_record": add_data("x.xml", "<coquiapps><record id='x' model='no.such.model'/></coquiapps>"),
    "unknown_field": add_data("x.xml", "<coquiapps><record id='x' model='res.partner'>"
                              "<field name='no_such_field'>1</field></record></coquiapps>"),
    "bad_ref": add_data("x.xml", "<coquiapps><record id='x' model='res.partner'>"
                        "<field name='parent_id' ref='nope.nothing'/></record></coquiapps>"),
    "forbidden_eval": add_data("x.xml", "<coquiapps><record id='x' model='res.partner'>"
                               "<field name='name' eval=\"__import__('os')\"/></record></coquiapps>"),
    "failing_function": add_data("x.xml", "<coquiapps><function model='res.partner' name='no_such_method'/>"
                                 "</coquiapps>"),
    "bad_csv_model": append(ACCESS, "access_x,x,model_nope,base.group_user,1,0,0,0\n"),
    "bad_csv_columns": write(ACCESS, "id,name,model_id:id,group_id:id,perm_read\n\"unterminated,\n"),
    "bad_csv_group": append(ACCESS, "access_y,y,model_amazon_spapi_app,no.group,1,0,0,0\n"),
    "failing_post_init_hook": append("__init__.py", "\n\ndef post_init_hook(env):  # noqa: F811\n"
                                     "    raise RuntimeError('hook says no')\n"),
    "missing_hook": manifest(lambda s: s.replace('"post_init_hook": "post_init_hook"',
                                                 '"post_init_hook": "no_such_hook"')),
    "syntax_error": append("models/endpoints.py", "\ndef broken(:\n"),
    "import_error": append("models/endpoints.py", "\nimport no_such_module_at_all  # noqa\n"),
    "error_at_import": append("models/oauth_state.py", "\nraise RuntimeError('import-time failure')\n"),
    "unknown_inherit": append("models/endpoints.py", "\nfrom coquiapps import models as _m\n\n\n"
                              "class Nope(_m.Model):\n    _inherit = 'no.such.model'\n"),
    "bad_view_xpath": replace(VIEWS, 'expr="//', 'expr="//no_such_node_at_all/'),
    "view_unknown_field": replace(VIEWS, '<field name="', '<field name="no_such_field_x" /><field name="'),
    "missing_data_file": manifest(lambda s: s.replace('"data/ir_cron.xml",', '"data/ir_cron.xml", "data/none.xml",')),
    "sql_constraint_violation": add_data("x.xml", "<coquiapps><record id='x' model='ir.config_parameter'>"
                                         "<field name='value'>no key</field></record></coquiapps>"),
}


def module_copy(addons, name):
    target = addons / name
    target.mkdir()
    for entry in KEEP:
        source = ROOT / entry
        if source.is_dir():
            shutil.copytree(source, target / entry, ignore=shutil.ignore_patterns("__pycache__", "tests"))
        elif source.exists():
            shutil.copy2(source, target / entry)
    # its own system parameters, so the copy can install beside the real module
    params = target / "data" / "ir_config_parameter.xml"
    params.write_text(params.read_text().replace("sale_amazon_spapi.", f"{name}."))
    return target


@pytest.fixture(scope="module")
def busy_db(full_db):
    return databases.copy_of(full_db, "atomic")


def test_the_unbroken_copy_installs(busy_db, addons_dir):  # noqa: F811
    name = unique("spapi_copy")
    module_copy(addons_dir, name)
    run(busy_db, lambda env: env["ir.module.module"].update_list())
    run(busy_db, lambda env: loading.install_modules(env, [name]), commit=False)  # dry run: works


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_broken_copy_install_changes_nothing(busy_db, addons_dir, variant):  # noqa: F811
    name = unique("spapi_broken")
    VARIANTS[variant](module_copy(addons_dir, name))
    run(busy_db, lambda env: env["ir.module.module"].update_list())
    before = pgtools.snapshot(busy_db)
    with pytest.raises(Exception) as info:  # noqa: B017 - each variant fails its own way
        run(busy_db, lambda env: loading.install_modules(env, [name]))
    assert "ir_config_parameter_key_uniq" not in str(info.value) or variant.startswith("sql")
    assert re.search(name, str(info.value)) or isinstance(info.value, loading.ModuleOperationError), info.value
    assert pgtools.snapshot(busy_db) == before
