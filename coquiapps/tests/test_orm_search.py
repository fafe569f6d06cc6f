"""Domains: every operator, logic, paths, ordering, paging."""
import pytest

from coquiapps.orm.domain import DomainError


@pytest.fixture
def orders(env):
    partner = env["res.partner"].create({"name": "Paula", "city": "Lyon"})
    tag = env["test.orm.tag"].create({"name": "vip"})
    return env["test.orm.order"].create([
        {"name": "alpha", "amount": 1, "sequence": 3, "partner_id": partner.id, "tag_ids": [(6, 0, [tag.id])],
         "line_ids": [(0, 0, {"qty": 1, "price": 5})]},
        {"name": "Beta", "amount": 2, "sequence": 2, "note": "100% sure"},
        {"name": "gamma_x", "amount": 3, "sequence": 1},
    ])


def names(env, domain, **kw):
    return env["test.orm.order"].search(domain, **kw).mapped("name")


@pytest.mark.parametrize("domain,expected", [
    ([("amount", "=", 2)], ["Beta"]),
    ([("amount", "!=", 2)], ["gamma_x", "alpha"]),
    ([("amount", "<", 2)], ["alpha"]),
    ([("amount", ">", 2)], ["gamma_x"]),
    ([("amount", "<=", 2)], ["Beta", "alpha"]),
    ([("amount", ">=", 2)], ["gamma_x", "Beta"]),
    ([("amount", "in", [1, 3])], ["gamma_x", "alpha"]),
    ([("amount", "not in", [1, 3])], ["Beta"]),
    ([("name", "like", "et")], ["Beta"]),
    ([("name", "ilike", "BETA")], ["Beta"]),
    ([("name", "=like", "gamma%")], ["gamma_x"]),
    ([("name", "=ilike", "ALPHA")], ["alpha"]),
    ([("name", "not ilike", "a")], []),
    ([("note", "ilike", "100%")], ["Beta"]),
    ([("name", "ilike", "_")], ["gamma_x"]),
    ([("note", "=", False)], ["gamma_x", "alpha"]),
    ([("note", "!=", False)], ["Beta"]),
    (["|", ("amount", "=", 1), ("amount", "=", 3)], ["gamma_x", "alpha"]),
    (["!", ("amount", "=", 1)], ["gamma_x", "Beta"]),
    (["&", ("amount", ">", 1), "|", ("name", "=", "Beta"), ("name", "=", "alpha")], ["Beta"]),
    ([("partner_id.city", "=", "Lyon")], ["alpha"]),
    ([("partner_id", "=", "Paula")], ["alpha"]),
    ([("partner_id", "=", False)], ["gamma_x", "Beta"]),
    ([("tag_ids.name", "=", "vip")], ["alpha"]),
    ([("tag_ids", "=", False)], ["gamma_x", "Beta"]),
    ([("line_ids.price", ">", 4)], ["alpha"]),
    ([("partner_name", "=", "Paula")], ["alpha"]),
])
def test_operators(env, orders, domain, expected):
    ids = orders.ids
    assert names(env, [("id", "in", ids)] + domain) == expected


def test_order_limit_offset_count(env, orders):
    Order = env["test.orm.order"]
    base = [("id", "in", orders.ids)]
    assert names(env, base, order="amount desc") == ["gamma_x", "Beta", "alpha"]
    assert names(env, base, order="amount", limit=1, offset=1) == ["Beta"]
    assert Order.search_count(base) == 3


def test_bad_domains_are_named(env):
    Order = env["test.orm.order"]
    with pytest.raises(DomainError, match="invalid field 'nope'"):
        Order.search([("nope", "=", 1)])
    with pytest.raises(DomainError, match="invalid operator"):
        Order.search([("name", "~", 1)])
    with pytest.raises(DomainError, match="not stored"):
        Order.search([("line_count", "=", 1)])
    with pytest.raises(ValueError, match="invalid order"):
        Order.search([], order="name; drop table x")


def test_values_are_parameters_not_sql(env, orders):
    evil = "x'); DROP TABLE test_orm_order; --"
    assert names(env, [("name", "=", evil)]) == []
    assert env["test.orm.order"].search_count([]) >= 3
