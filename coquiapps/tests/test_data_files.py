"""XML and CSV data: records, refs, eval, menus, functions, deletes, noupdate, views."""
import pytest

from coquiapps.modules import loading
from coquiapps.testing.addon_factory import unique, write_addon
from coquiapps.tests.test_modules_lifecycle import addons_dir, run  # noqa: F401

DATA = """
<odoo>
    <record id="partner_a" model="res.partner">
        <field name="name">Alpha</field>
        <field name="is_company" eval="True"/>
        <field name="comment" eval="'made ' + str(1 + 1)"/>
    </record>
    <record id="partner_b" model="res.partner">
        <field name="name">Beta</field>
        <field name="parent_id" ref="partner_a"/>
    </record>
    <data noupdate="1">
        <record id="partner_kept" model="res.partner"><field name="name">Kept</field></record>
    </data>
    <menuitem id="menu_root" name="Root" sequence="5">
        <menuitem id="menu_child" name="Child"/>
    </menuitem>
    <function model="ir.config_parameter" name="set_param" eval="['data.test', 'called']"/>
    <record id="form_ext" model="ir.ui.view">
        <field name="name">partner form extension</field>
        <field name="inherit_id" ref="base.view_partner_form"/>
        <field name="arch" type="xml">
            <data>
                <field name="email" position="after"><field name="comment"/></field>
                <xpath expr="//field[@name='phone']" position="attributes">
                    <attribute name="invisible">not email</attribute>
                </xpath>
            </data>
        </field>
    </record>
</odoo>
"""
CSV = "id,name,is_company,parent_id:id\ncsv_one,From CSV,1,partner_a\n"


def test_records_menus_functions_views(new_db, addons_dir):  # noqa: F811
    db = new_db()
    name = unique("data")
    write_addon(addons_dir, name, {"name": "Data", "data": ["data.xml", "res.partner.csv"]},
                {"data.xml": DATA, "res.partner.csv": CSV})
    run(db, lambda env: loading.install_modules(env, [name]))

    def check(env):
        a, b = env.ref(f"{name}.partner_a"), env.ref(f"{name}.partner_b")
        assert a.is_company and a.comment == "made 2" and b.parent_id == a
        csv_one = env.ref(f"{name}.csv_one")
        assert csv_one.is_company and csv_one.parent_id == a
        assert env.ref(f"{name}.menu_child").parent_id == env.ref(f"{name}.menu_root")
        assert env["ir.config_parameter"].get_param("data.test") == "called"
        arch = env.ref("base.view_partner_form").get_combined_arch()
        assert arch.index('name="email"') < arch.index('name="comment"')
        assert 'name="phone" invisible="not email"' in arch
        # the admin changes a noupdate record and an updatable one
        env.ref(f"{name}.partner_kept").name = "Changed by admin"
        a.name = "Alpha changed"
    run(db, check)
    run(db, lambda env: loading.upgrade_modules(env, [name]))

    def after_upgrade(env):
        assert env.ref(f"{name}.partner_kept").name == "Changed by admin"
        assert env.ref(f"{name}.partner_a").name == "Alpha"
    run(db, after_upgrade)


def test_delete_tag_and_root_tag_check(new_db, addons_dir):  # noqa: F811
    db = new_db()
    name = unique("deleter")
    write_addon(addons_dir, name, {"name": "Deleter", "data": ["a.xml", "b.xml"]}, {
        "a.xml": "<coquiapps><record id='gone' model='res.partner'><field name='name'>Gone</field></record></coquiapps>",
        "b.xml": "<coquiapps><delete model='res.partner' id='gone'/></coquiapps>"})
    run(db, lambda env: loading.install_modules(env, [name]))
    assert run(db, lambda env: env.ref(f"{name}.gone", raise_if_not_found=False)) is None
    bad = unique("badroot")
    write_addon(addons_dir, bad, {"name": "Bad root", "data": ["a.xml"]}, {"a.xml": "<html/>"})
    with pytest.raises(loading.ModuleOperationError, match="a.xml, line 1: root element must be"):
        run(db, lambda env: loading.install_modules(env, [bad]))


def test_demo_data_only_when_asked(new_db, addons_dir):  # noqa: F811
    name = unique("demo")
    write_addon(addons_dir, name, {"name": "Demo", "auto_install": True, "demo": ["demo.xml"]}, {
        "demo.xml": "<coquiapps><record id='demo_partner' model='res.partner'><field name='name'>Demo</field></record></coquiapps>"})
    plain, with_demo = new_db(), new_db(demo=True)
    assert run(plain, lambda env: env.ref(f"{name}.demo_partner", raise_if_not_found=False)) is None
    assert run(with_demo, lambda env: env.ref(f"{name}.demo_partner").name) == "Demo"
