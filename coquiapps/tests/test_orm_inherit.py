"""_inherit: extension by a later module, mixins, super() through the chain."""


def test_extension_adds_fields_and_overrides(env):
    order = env["test.orm.order"].create({"name": "ext"})
    assert order.extra == "extended"
    order.action_done()
    assert order.state == "done" and order.extra == "done via extension"


def test_selection_add_and_refined_attributes(env):
    fields = env["test.orm.order"]._fields
    assert ("cancel", "Cancelled") in fields["state"].selection
    assert fields["name"].required and fields["name"].help == "Extended help"


def test_mixin_fields_and_super(env):
    mixed = env["test.orm.mixed"].create({"name": "m"})
    assert mixed.mixin_note == "from mixin"
    assert mixed.describe() == "mixed+mixin:from mixin"
    assert "test_orm_mixin" not in [r[0] for r in _tables(env)]


def test_reflection_lists_contributing_modules(env):
    model = env["ir.model"].search([("model", "=", "test.orm.order")])
    assert model.modules == "test_orm, test_orm_inherit"
    field = env["ir.model.fields"].search([("model", "=", "test.orm.order"), ("name", "=", "extra")])
    assert field.modules == "test_orm_inherit" and field.ttype == "char"
    assert env.ref("test_orm_inherit.model_test_orm_order") == model


def _tables(env):
    env.cr.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    return env.cr.fetchall()
