"""Update Apps List, install, upgrade, uninstall, auto_install, hooks, dry run."""
import pytest

from coquiapps import sql_db
from coquiapps.modules import loading
from coquiapps.orm import SUPERUSER_ID, Environment, Registry
from coquiapps.testing.addon_factory import unique, write_addon
from coquiapps.tools import config


@pytest.fixture
def addons_dir(tmp_path, monkeypatch):
    """A fresh addons folder on the addons path of this process."""
    values = config.current().values
    monkeypatch.setitem(values, "addons_path", ",".join([values["addons_path"], str(tmp_path)]))
    return tmp_path


def run(dbname, func, *args, commit=True):
    """Call ``func(env, *args)`` in a transaction (committed unless told otherwise)."""
    cr = sql_db.cursor(dbname)
    try:
        env = Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(dbname))
        result = func(env, *args)
        cr.commit() if commit else cr.rollback()
        return result
    except BaseException:
        cr.rollback()
        raise
    finally:
        cr.close()


def model_addon(name, extra_field=False, version="1.0", **manifest):
    field = "    extra = fields.Integer()\n" if extra_field else ""
    files = {
        "__init__.py": "from . import models\n",
        "models/__init__.py": "from . import thing\n",
        "models/thing.py": f"""
from coquiapps import fields, models


class Thing(models.Model):
    _name = "{name}.thing"
    _description = "Thing"

    name = fields.Char(required=True)
{field}

class Partner(models.Model):
    _inherit = "res.partner"

    {name}_flag = fields.Boolean()
""",
        "security/ir.model.access.csv": (
            "id,name,model_id:id,group_id:id,perm_read,perm_write,perm_create,perm_unlink\n"
            f"access_thing,thing,model_{name}_thing,base.group_user,1,1,1,1\n"),
        "data/things.xml": f"""
<coquiapps>
    <record id="thing_one" model="{name}.thing"><field name="name">One</field></record>
    <record id="cron_tick" model="ir.cron">
        <field name="name">{name}: tick</field>
        <field name="model_id" ref="model_{name}_thing"/>
        <field name="code">model.search_count([])</field>
        <field name="interval_type">hours</field>
    </record>
    <record id="action_things" model="ir.actions.act_window">
        <field name="name">Things</field>
        <field name="res_model">{name}.thing</field>
    </record>
    <menuitem id="menu_things" name="Things" action="action_things"/>
</coquiapps>
""",
    }
    return {"name": name.title(), "depends": ["base"], "version": version,
            "data": ["security/ir.model.access.csv", "data/things.xml"], **manifest}, files


def table_exists(dbname, table):
    with sql_db.cursor(dbname) as cr:
        cr.execute("SELECT to_regclass(%s) IS NOT NULL", (table,))
        return cr.fetchone()[0]


def column_exists(dbname, table, column):
    with sql_db.cursor(dbname) as cr:
        cr.execute("SELECT 1 FROM information_schema.columns WHERE table_name=%s AND column_name=%s",
                   (table, column))
        return cr.fetchone() is not None


def test_update_list_counts_and_reports_bad_manifests(new_db, addons_dir):
    db = new_db()
    good = unique("good")
    write_addon(addons_dir, good, {"name": "Good"})
    bad = {
        unique("syntax"): "{'name': 'x',",
        unique("notdict"): "['name']",
        unique("types"): "{'name': 'T', 'depends': 'base'}",
        unique("unknowndep"): "{'name': 'U', 'depends': ['no_such_module']}",
        unique("autoinst"): "{'name': 'A', 'depends': ['base'], 'auto_install': ['web_nope']}",
        unique("version"): "{'name': 'V', 'version': '1.x'}",
    }
    for name, text in bad.items():
        write_addon(addons_dir, name, text)
    cyc_a, cyc_b = unique("cyca"), unique("cycb")
    write_addon(addons_dir, cyc_a, {"name": "A", "depends": [cyc_b]})
    write_addon(addons_dir, cyc_b, {"name": "B", "depends": [cyc_a]})

    updated, added = run(db, lambda env: env["ir.module.module"].update_list())
    assert (updated, added) == (0, 1 + len(bad) + 2)
    errors = run(db, lambda env: env["ir.module.module"].manifest_errors())
    assert set(bad) | {cyc_a, cyc_b} <= set(errors) and good not in errors
    assert "__manifest__.py line 1" in errors[next(n for n in bad if n.startswith("syntax"))]
    assert "expected a dict" in errors[next(n for n in bad if n.startswith("notdict"))]
    assert "'depends' must be a list" in errors[next(n for n in bad if n.startswith("types"))]
    assert "no_such_module" in errors[next(n for n in bad if n.startswith("unknowndep"))]
    assert "dependency cycle" in errors[cyc_a]
    state = run(db, lambda env: env["ir.module.module"].search([("name", "=", good)]).state)
    assert state == "uninstalled"
    # a second run finds nothing new; a newer version on disk counts as updated once installed
    assert run(db, lambda env: env["ir.module.module"].update_list()) == [0, 0]


def test_install_upgrade_uninstall(new_db, addons_dir):
    db = new_db()
    name = unique("life")
    manifest, files = model_addon(name)
    write_addon(addons_dir, name, manifest, files)
    report = run(db, lambda env: loading.install_modules(env, [name]))
    assert report.installed == [name]
    assert f"table {name}_thing" in report.schema
    assert table_exists(db, f"{name}_thing") and column_exists(db, "res_partner", f"{name}_flag")

    def check_installed(env):
        assert env.ref(f"{name}.thing_one").name == "One"
        assert env.ref(f"{name}.cron_tick").interval_type == "hours"
        assert env.ref(f"{name}.menu_things").action.startswith("ir.actions.act_window,")
        module = env["ir.module.module"].search([("name", "=", name)])
        assert (module.state, module.latest_version) == ("installed", "17.0.1.0")
    run(db, check_installed)

    # upgrade: a new field becomes a column, removed data records go away
    manifest, files = model_addon(name, extra_field=True, version="1.1")
    files["data/things.xml"] = files["data/things.xml"].replace(
        '<record id="thing_one"', '<record id="thing_two"').replace(">One<", ">Two<")
    write_addon(addons_dir, name, manifest, files)
    assert run(db, lambda env: env["ir.module.module"].update_list()) == [1, 0]
    run(db, lambda env: loading.upgrade_modules(env, [name]))
    assert column_exists(db, f"{name}_thing", "extra")

    def check_upgraded(env):
        assert env.ref(f"{name}.thing_two").name == "Two"
        assert env.ref(f"{name}.thing_one", raise_if_not_found=False) is None
        assert env["ir.module.module"].search([("name", "=", name)]).latest_version == "17.0.1.1"
    run(db, check_upgraded)

    run(db, lambda env: loading.uninstall_modules(env, [name]))
    assert not table_exists(db, f"{name}_thing")
    assert not column_exists(db, "res_partner", f"{name}_flag")

    def check_uninstalled(env):
        assert env["ir.module.module"].search([("name", "=", name)]).state == "uninstalled"
        assert not env["ir.model.data"].search([("module", "=", name)])
        assert not env["ir.cron"].with_context(active_test=False).search([("name", "=", f"{name}: tick")])
        assert f"{name}.thing" not in env.registry
    run(db, check_uninstalled)


def test_auto_install_and_dependents(new_db, addons_dir):
    db = new_db()
    core, bridge, other = unique("core"), unique("bridge"), unique("other")
    write_addon(addons_dir, core, {"name": "Core"})
    write_addon(addons_dir, other, {"name": "Other"})
    write_addon(addons_dir, bridge, {"name": "Bridge", "depends": [core, other], "auto_install": [core]})
    run(db, lambda env: env["ir.module.module"].update_list())
    report = run(db, lambda env: loading.install_modules(env, [core]))
    assert report.installed == [core, other, bridge]
    # uninstalling a dependency takes its dependents along
    report = run(db, lambda env: loading.uninstall_modules(env, [other]))
    assert report.uninstalled == [bridge, other]


def test_hooks_receive_env(new_db, addons_dir):
    db = new_db()
    name = unique("hooks")
    write_addon(addons_dir, name, {"name": "Hooks", "post_init_hook": "post", "uninstall_hook": "bye"}, {
        "__init__.py": """
def post(env):
    env["ir.config_parameter"].set_param("hook.post", env.uid)


def bye(env):
    env["ir.config_parameter"].set_param("hook.bye", "yes")
"""})
    run(db, lambda env: loading.install_modules(env, [name]))
    assert run(db, lambda env: env["ir.config_parameter"].get_param("hook.post")) == "1"
    run(db, lambda env: loading.uninstall_modules(env, [name]))
    assert run(db, lambda env: env["ir.config_parameter"].get_param("hook.bye")) == "yes"


def test_missing_external_dependency_is_named(new_db, addons_dir):
    db = new_db()
    name = unique("extdep")
    write_addon(addons_dir, name, {"name": "Ext", "external_dependencies": {"python": ["no_such_pkg_xyz"],
                                                                            "bin": ["no-such-binary"]}})
    with pytest.raises(loading.ModuleOperationError, match="no_such_pkg_xyz.*no-such-binary"):
        run(db, lambda env: loading.install_modules(env, [name]))


def test_new_database_gets_auto_install_modules(new_db, addons_dir):
    name = unique("autonew")
    write_addon(addons_dir, name, {"name": "Auto", "auto_install": True})
    db = new_db()
    state = run(db, lambda env: env["ir.module.module"].search([("name", "=", name)]).state)
    assert state == "installed"


def test_registry_follows_install_in_other_process(new_db, addons_dir):
    db = new_db()
    name = unique("signal")
    manifest, files = model_addon(name)
    write_addon(addons_dir, name, manifest, files)
    old = Registry.get(db)
    run(db, lambda env: loading.install_modules(env, [name]))
    Registry.registries[db] = old  # as another process still holds it
    with sql_db.cursor(db) as cr:
        fresh = old.check_signaling(cr)
    assert fresh is not old and f"{name}.thing" in fresh


def test_install_on_a_neutralized_copy_neutralizes_the_new_module(new_db, addons_dir):
    """A staging copy made before a module existed stays switched off once the module is installed."""
    from coquiapps.service import db as db_service
    from coquiapps.testing import databases

    name = unique("neutral")
    manifest, files = model_addon(name)
    files["data/neutralize.sql"] = f"UPDATE {name}_thing SET name = 'neutralized';"
    write_addon(addons_dir, name, manifest, files)
    source = new_db()
    staging = databases.unique_name("neutralcopy")
    databases.register(staging)
    db_service.duplicate_database(source, staging, neutralize=True)
    for dbname in (staging, source):
        run(dbname, lambda env: env["ir.module.module"].update_list())
        run(dbname, loading.install_modules, [name])

    def state(env):
        crons = env["ir.cron"].with_context(active_test=False).search([("name", "=", f"{name}: tick")])
        return env[f"{name}.thing"].search([]).mapped("name"), crons.mapped("active")

    assert run(staging, state) == (["neutralized"], [False])
    assert run(source, state) == (["One"], [True])  # a database that is not a copy is left alone


def probe_addon(name, depends):
    """An addon extending res.partner with a method that lists the modules ``super()`` passes through."""
    files = {"__init__.py": "from . import partner\n", "partner.py": f"""
from coquiapps import models


class Partner(models.Model):
    _inherit = "res.partner"

    def _module_order_probe(self):
        parent = getattr(super(), "_module_order_probe", None)
        return (parent() if parent else []) + ["{name}"]
"""}
    return {"name": name.title(), "depends": depends}, files


def test_installing_and_loading_processes_stack_modules_in_one_order(new_db, addons_dir):
    # base <- a <- c and base <- d: depth order is [a, d, c], a name-first walk gives [a, c, d]
    db = new_db()
    a, c, d = unique("ordera"), unique("orderc"), unique("orderd")
    for name, depends in ((a, ["base"]), (c, [a]), (d, ["base"])):
        write_addon(addons_dir, name, *probe_addon(name, depends))
    run(db, lambda env: loading.install_modules(env, [c, d]))

    def order(registry):
        return [m for m in registry.modules if m in (a, c, d)]

    def probe(registry):
        with sql_db.cursor(db) as cr:
            return Environment(cr, SUPERUSER_ID, {}, registry=registry)["res.partner"]._module_order_probe()

    installing = Registry.get(db)
    loaded = Registry.load(db)
    assert loaded is not installing
    assert order(installing) == order(loaded) == [a, d, c]
    assert probe(installing) == probe(loaded) == [a, d, c]
