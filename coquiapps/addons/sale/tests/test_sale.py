"""Sales: order references, totals, state changes, products, access rights."""
import pytest

from coquiapps.exceptions import AccessError, UserError, ValidationError


@pytest.fixture
def product(env):
    return env["product.product"].create({"name": "Widget", "default_code": "W-1", "list_price": 3.5})


@pytest.fixture
def customer(env):
    return env["res.partner"].create({"name": "Test Customer"})


def _order(env, customer, product, **values):
    return env["sale.order"].create({
        "partner_id": customer.id,
        "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 2})],
        **values,
    })


def test_reference_from_sequence_and_defaults(env, customer, product):
    first, second = _order(env, customer, product), _order(env, customer, product)
    assert first.name.startswith("S") and first.name != second.name
    assert int(second.name[1:]) == int(first.name[1:]) + 1
    assert first.state == "draft"
    assert first.currency_id == env.company.currency_id
    assert first.company_id == env.company
    assert first.user_id == env.user


def test_lines_default_to_product_and_totals(env, customer, product):
    order = _order(env, customer, product)
    line = order.order_line
    assert line.name == "[W-1] Widget"
    assert line.price_unit == 3.5 and line.price_subtotal == 7.0
    assert order.amount_untaxed == 7.0 and order.amount_total == 7.0
    line.write({"price_unit": 10, "product_uom_qty": 3})
    assert order.amount_total == 30.0
    env["sale.order.line"].create({"order_id": order.id, "name": "Extra", "price_unit": 1.25})
    assert order.amount_total == 31.25
    line.unlink()
    assert order.amount_total == 1.25


def test_state_changes(env, customer, product):
    order = _order(env, customer, product)
    order.action_confirm()
    assert order.state == "sale"
    with pytest.raises(UserError):
        order.action_confirm()
    with pytest.raises(UserError):
        order.action_draft()
    with pytest.raises(UserError, match="Cancel the sales order"):
        order.unlink()
    order.action_cancel()
    assert order.state == "cancel"
    order.action_draft()
    assert order.state == "draft"


def test_internal_reference_unique_per_company(env, product):
    other = env["res.company"].create({"name": "Other Co"})
    env["product.product"].create({"name": "Same code elsewhere", "default_code": "W-1", "company_id": other.id})
    with pytest.raises(ValidationError, match="unique per company"), env.cr.savepoint():
        env["product.product"].create({"name": "Clash", "default_code": "W-1"})


def test_salesman_and_manager_rights(env, customer, product):
    company = env.ref("base.main_company")
    salesman = env["res.users"].create({
        "login": "salesman", "name": "Salesman", "company_id": company.id,
        "groups_id": [(6, 0, [env.ref("sale.group_sale_salesman").id])]})
    manager = env["res.users"].create({
        "login": "salesmanager", "name": "Sales Manager", "company_id": company.id,
        "groups_id": [(6, 0, [env.ref("sale.group_sale_manager").id])]})
    assert manager.has_group("sale.group_sale_salesman") and manager.has_group("base.group_user")
    order = env["sale.order"].with_user(salesman).create({"partner_id": customer.id})
    order.write({"order_line": [(0, 0, {"product_id": product.id})]})
    with pytest.raises(AccessError):
        env["product.product"].with_user(salesman).create({"name": "Nope"})
    env["product.product"].with_user(manager).create({"name": "Yes", "default_code": "Y-1"})
    assert env.ref("sale.sale_menu_root").web_icon == "sale,static/description/icon.png"
