"""Tables and columns follow the models; impossible type changes stop with a clear error."""
import pytest

from coquiapps.modules import loading
from coquiapps.testing.addon_factory import unique, write_addon
from coquiapps.tests.test_modules_lifecycle import addons_dir, column_exists, run  # noqa: F401

MODEL = """
from coquiapps import fields, models


class Gauge(models.Model):
    _name = "{name}.gauge"
    _description = "Gauge"

    level = fields.{kind}()
"""


def install_with(addons_dir, db, name, kind, upgrade=False):  # noqa: F811
    write_addon(addons_dir, name, {"name": "Gauge"}, {
        "__init__.py": "from . import gauge\n", "gauge.py": MODEL.format(name=name, kind=kind)})
    operation = loading.upgrade_modules if upgrade else loading.install_modules
    return run(db, lambda env: operation(env, [name]))


def column_type(env, table, column):
    env.cr.execute("SELECT data_type FROM information_schema.columns WHERE table_name=%s AND column_name=%s",
                   (table, column))
    return env.cr.fetchone()[0]


def test_convertible_type_change_keeps_values(new_db, addons_dir):  # noqa: F811
    db = new_db()
    name = unique("gauge")
    install_with(addons_dir, db, name, "Integer")
    run(db, lambda env: env[f"{name}.gauge"].create({"level": 7}))
    report = install_with(addons_dir, db, name, "Float", upgrade=True)
    assert f"column {name}_gauge.level converted int4 -> float8" in report.schema

    def check(env):
        assert column_type(env, f"{name}_gauge", "level") == "double precision"
        assert env[f"{name}.gauge"].search([]).level == 7.0
    run(db, check)


def test_impossible_type_change_is_refused(new_db, addons_dir):  # noqa: F811
    db = new_db()
    name = unique("gauge")
    install_with(addons_dir, db, name, "Char")
    with pytest.raises(Exception, match=rf"field {name}.gauge.level is now boolean .* cannot be converted"):
        install_with(addons_dir, db, name, "Boolean", upgrade=True)
    assert run(db, lambda env: column_type(env, f"{name}_gauge", "level")) == "character varying"


RENAMED = """
from coquiapps import fields, models


class Gauge(models.Model):
    _name = "{name}.gauge"
    _description = "Gauge"

    {field} = fields.Boolean(index=True{extra})
"""


def write_gauge(addons_dir, name, field, extra=""):  # noqa: F811
    write_addon(addons_dir, name, {"name": "Gauge"}, {
        "__init__.py": "from . import gauge\n", "gauge.py": RENAMED.format(name=name, field=field, extra=extra)})


def test_renamed_field_keeps_its_column_data_on_upgrade(new_db, addons_dir):  # noqa: F811
    db = new_db()
    name = unique("gauge")
    write_gauge(addons_dir, name, "seen")
    run(db, lambda env: loading.install_modules(env, [name]))
    run(db, lambda env: env[f"{name}.gauge"].create([{"seen": True}, {"seen": False}]))
    write_gauge(addons_dir, name, "dismissed", ', oldname="seen"')
    report = run(db, lambda env: loading.upgrade_modules(env, [name]))
    assert f"column {name}_gauge.seen renamed to dismissed" in report.schema

    assert not column_exists(db, f"{name}_gauge", "seen")

    def check(env):
        assert sorted(env[f"{name}.gauge"].search([]).mapped("dismissed")) == [False, True]
        env.cr.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", (f"{name}_gauge__dismissed_index",))
        assert env.cr.fetchone()
    run(db, check)


@pytest.mark.parametrize("field", ["read", "write", "env", "ids", "browse"])
def test_field_hiding_an_orm_name_is_refused(new_db, addons_dir, field):  # noqa: F811
    db = new_db()
    name = unique("gauge")
    write_gauge(addons_dir, name, field)
    with pytest.raises(Exception, match=rf"model '{name}.gauge': field '{field}' .* would hide the ORM's"):
        run(db, lambda env: loading.install_modules(env, [name]))
    assert run(db, lambda env: env.cr.execute("SELECT to_regclass(%s)", (f"{name}_gauge",))
               or env.cr.fetchone()[0]) is None
