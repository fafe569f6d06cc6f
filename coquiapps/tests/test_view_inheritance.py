"""View inheritance: each position, the shorthand specs, nested data and errors."""
from __future__ import annotations

import pytest
from lxml import etree

from coquiapps.tools.view_inheritance import ViewInheritanceError, apply_inheritance, combine

BASE = """<form string="Account">
    <sheet>
        <group name="main">
            <field name="name"/>
            <field name="state" readonly="1" class="a,b"/>
        </group>
        <notebook>
            <page name="orders" string="Orders"><field name="order_ids"/></page>
        </notebook>
    </sheet>
</form>"""


def apply(*archs: str) -> etree._Element:
    """The base form combined with the given inheriting archs, as an element."""
    return etree.fromstring(combine(BASE, [(f"view_{i}", a) for i, a in enumerate(archs)]))


def names(tree: etree._Element, xpath: str = "//group[@name='main']/*") -> list[str]:
    return [node.get("name") for node in tree.xpath(xpath)]


def test_xpath_inside_appends():
    tree = apply('<xpath expr="//group[@name=\'main\']" position="inside"><field name="x"/></xpath>')
    assert names(tree) == ["name", "state", "x"]


def test_default_position_is_inside():
    tree = apply('<xpath expr="//group[@name=\'main\']"><field name="x"/></xpath>')
    assert names(tree) == ["name", "state", "x"]


def test_after_and_before():
    tree = apply(
        '<data><xpath expr="//field[@name=\'name\']" position="after"><field name="a"/>'
        '<field name="b"/></xpath>'
        '<xpath expr="//field[@name=\'name\']" position="before"><field name="z"/></xpath></data>'
    )
    assert names(tree) == ["z", "name", "a", "b", "state"]


def test_after_keeps_the_following_text():
    base = etree.fromstring("<p><b/>tail<i/></p>")
    spec = etree.fromstring('<xpath expr="//b" position="after"><u/></xpath>')
    result = apply_inheritance(base, spec, "v")
    assert etree.tostring(result, encoding="unicode") == "<p><b/><u/>tail<i/></p>"


def test_replace():
    tree = apply('<field name="state" position="replace"><field name="sp_state"/></field>')
    assert names(tree) == ["name", "sp_state"]


def test_replace_with_nothing_removes_keeping_the_tail_text():
    base = etree.fromstring("<p>a<b/>b<i/></p>")
    spec = etree.fromstring('<xpath expr="//b" position="replace"/>')
    assert etree.tostring(apply_inheritance(base, spec, "v"), encoding="unicode") == "<p>ab<i/></p>"


def test_replace_root():
    tree = apply('<form position="replace"><tree><field name="name"/></tree></form>')
    assert tree.tag == "tree" and names(tree, "/tree/field") == ["name"]


def test_replace_inner():
    tree = apply('<xpath expr="//page" position="replace" mode="inner">t<field name="x"/></xpath>')
    assert names(tree, "//page/*") == ["x"]
    assert tree.xpath("//page")[0].text == "t"


def test_attributes_set_and_remove():
    tree = apply(
        '<field name="state" position="attributes">'
        '<attribute name="invisible">not active</attribute>'
        '<attribute name="readonly"></attribute>'
        '</field>'
    )
    state = tree.xpath("//field[@name='state']")[0]
    assert state.get("invisible") == "not active"
    assert "readonly" not in state.attrib


def test_attributes_add_and_remove_values():
    tree = apply(
        '<field name="state" position="attributes">'
        '<attribute name="class" add="c" remove="a" separator=","/></field>'
    )
    assert tree.xpath("//field[@name='state']")[0].get("class") == "b,c"


def test_field_shorthand_matches_first_field_by_name():
    tree = apply('<field name="order_ids" position="after"><field name="x"/></field>')
    assert names(tree, "//page/*") == ["order_ids", "x"]


def test_generic_shorthand_matches_tag_and_all_attributes():
    tree = apply('<page name="orders" string="Orders" position="before"><page name="new"/></page>')
    assert names(tree, "//notebook/page") == ["new", "orders"]
    with pytest.raises(ViewInheritanceError, match="cannot be located"):
        apply('<page name="orders" string="Other" position="before"><page name="new"/></page>')


def test_nested_data_and_order():
    tree = apply(
        '<data><data><field name="name" position="after"><field name="a"/></field></data>'
        '<!-- a comment --><field name="a" position="after"><field name="b"/></field></data>'
    )
    assert names(tree) == ["name", "a", "b", "state"]


def test_inheriting_views_apply_in_order():
    first = '<field name="name" position="after"><field name="a"/></field>'
    second = '<field name="a" position="attributes"><attribute name="required">1</attribute></field>'
    tree = apply(first, second)
    assert tree.xpath("//field[@name='a']")[0].get("required") == "1"


def test_move():
    tree = apply(
        '<field name="name" position="before"><field name="state" position="move"/></field>'
    )
    assert names(tree) == ["state", "name"]


def test_inputs_are_not_modified():
    base = etree.fromstring(BASE)
    spec = etree.fromstring('<field name="name" position="replace"><field name="x"/></field>')
    before = etree.tostring(base), etree.tostring(spec)
    result = apply_inheritance(base, spec, "v")
    assert (etree.tostring(base), etree.tostring(spec)) == before
    assert result is not base


def test_unmatched_spec_names_view_and_spec():
    spec = etree.fromstring('<data><xpath expr="//field[@name=\'foo\']" position="after"/></data>')
    with pytest.raises(ViewInheritanceError) as info:
        apply_inheritance(etree.fromstring(BASE), spec, "sale_amazon_spapi.view_account_form")
    assert str(info.value) == (
        "sale_amazon_spapi.view_account_form: element "
        "<xpath expr=\"//field[@name='foo']\" position=\"after\"> "
        "cannot be located in parent view"
    )


def test_unmatched_field_shorthand():
    with pytest.raises(ViewInheritanceError, match=r'view_0: element <field name="nope" position="after">'):
        apply('<field name="nope" position="after"/>')


def test_unknown_position():
    with pytest.raises(ViewInheritanceError, match="unknown position 'around'"):
        apply('<field name="name" position="around"/>')


def test_invalid_xpath():
    with pytest.raises(ViewInheritanceError, match="invalid expression"):
        apply('<xpath expr="//field[" position="after"/>')


def test_bad_attribute_children():
    with pytest.raises(ViewInheritanceError, match="attribute name"):
        apply('<field name="name" position="attributes"><field name="x"/></field>')


def test_invalid_xml_names_the_view():
    with pytest.raises(ViewInheritanceError, match="view_0: invalid XML"):
        apply("<field name='x'")


def test_combine_returns_a_string_and_accepts_xml_declarations():
    arch = '<?xml version="1.0" encoding="utf-8"?><field name="name" position="after"><field name="é"/></field>'
    result = combine(BASE, [("v", arch)])
    assert isinstance(result, str) and '<field name="é"/>' in result
