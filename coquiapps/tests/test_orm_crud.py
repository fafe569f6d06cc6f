"""Records: create, read, write, unlink, field types and conversions."""
import datetime as dt
from decimal import Decimal

import pytest

from coquiapps import Command
from coquiapps.exceptions import MissingError, UserError, ValidationError


@pytest.fixture
def Order(env):
    return env["test.orm.order"]


def test_create_defaults_and_types(Order, env):
    usd = env.ref("base.USD")
    order = Order.create({
        "name": "A", "date": "2024-02-29", "moment": "2024-02-29 13:45:10", "amount": "12.5",
        "currency_id": usd.id, "total": Decimal("19.99"), "data": {"k": [1, 2]}, "blob": b"\x00\x01",
    })
    assert order.sequence == 10 and order.active is True and order.state == "draft"
    assert order.date == dt.date(2024, 2, 29)
    assert order.moment == dt.datetime(2024, 2, 29, 13, 45, 10)
    assert order.amount == 12.5 and order.total == pytest.approx(19.99)
    assert order.currency_id == usd and order.data == {"k": [1, 2]} and order.blob == b"\x00\x01"
    assert order.note is False and order.partner_id.id is False and not order.tag_ids


def test_aware_datetime_is_stored_in_utc(Order):
    moment = dt.datetime(2024, 1, 1, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    order = Order.create({"name": "tz", "moment": moment})
    assert order.moment == dt.datetime(2024, 1, 1, 10, 0)


def test_datetime_keeps_microseconds_where_asked(Order, env):
    moment = dt.datetime(2024, 1, 1, 12, 0, 5, 250_001)
    order = Order.create({"name": "us", "moment": moment})
    assert order.moment == dt.datetime(2024, 1, 1, 12, 0, 5)  # whole seconds by default, as before
    # ir.cron.trigger.call_at is declared with microseconds=True: written and read back to the microsecond
    trigger = env["ir.cron.trigger"].create({"cron_id": env["ir.cron"].search([], limit=1).id, "call_at": moment})
    trigger.write({"call_at": moment + dt.timedelta(microseconds=1)})
    trigger.invalidate_model(["call_at"])
    assert trigger.call_at == dt.datetime(2024, 1, 1, 12, 0, 5, 250_002)


def test_required_field_is_enforced(Order):
    with pytest.raises(ValidationError, match="required"):
        Order.create({"sequence": 3})


def test_selection_refuses_unknown_value(Order):
    with pytest.raises(ValidationError, match="wrong value 'nope'"):
        Order.create({"name": "s", "state": "nope"})


def test_unknown_field_is_named(Order):
    with pytest.raises(ValueError, match="Invalid field 'nope' on model 'test.orm.order'"):
        Order.create({"name": "x", "nope": 1})


def test_batch_create_returns_all(Order):
    orders = Order.create([{"name": f"b{i}"} for i in range(5)])
    assert len(orders) == 5 and orders.mapped("name") == [f"b{i}" for i in range(5)]


def test_write_and_read(Order, env):
    partner = env["res.partner"].create({"name": "Buyer"})
    order = Order.create({"name": "W"})
    order.write({"amount": 3, "partner_id": partner.id, "note": "hello"})
    row = order.read(["amount", "partner_id", "note", "date"])[0]
    assert row == {"id": order.id, "amount": 3.0, "partner_id": (partner.id, "Buyer"), "note": "hello",
                   "date": False}
    order.note = "via attribute"
    assert order.note == "via attribute"


def test_sql_constraint_message(Order):
    Order.create({"name": "dup"})
    with pytest.raises(ValidationError, match="Order names must be unique"):
        Order.create({"name": "dup"})


def test_python_constraint(Order):
    with pytest.raises(ValidationError, match="cannot be negative"):
        Order.create({"name": "neg", "amount": -1})
    order = Order.create({"name": "pos", "amount": 1})
    with pytest.raises(ValidationError):
        order.write({"amount": -5})


def test_unlink_and_missing(Order):
    order = Order.create({"name": "gone"})
    order.unlink()
    assert not order.exists()
    with pytest.raises(MissingError):
        order.name  # noqa: B018


def test_ondelete_restrict_names_the_problem(Order, env):
    partner = env["res.partner"].create({"name": "Kept"})
    Order.create({"name": "r", "partner_id": partner.id})
    with pytest.raises(UserError, match="referenced by another record"):
        partner.unlink()


def test_one2many_commands_and_cascade(Order, env):
    order = Order.create({"name": "o2m", "line_ids": [Command.create({"qty": 2, "price": 5}),
                                                      (0, 0, {"qty": 1, "price": 1})]})
    assert len(order.line_ids) == 2 and order.line_count == 2
    first, second = order.line_ids
    order.write({"line_ids": [Command.update(first.id, {"price": 10}), Command.delete(second.id)]})
    assert order.line_ids == first and first.subtotal == 20
    line_ids = order.line_ids.ids
    order.unlink()
    assert not env["test.orm.line"].browse(line_ids).exists()


def test_many2many_commands(Order, env):
    Tag = env["test.orm.tag"]
    a, b, c = Tag.create([{"name": "a"}, {"name": "b"}, {"name": "c"}])
    order = Order.create({"name": "m2m", "tag_ids": [Command.set([a.id, b.id])]})
    assert order.tag_ids == a | b
    order.write({"tag_ids": [Command.link(c.id), Command.unlink(a.id)]})
    assert order.tag_ids == b | c
    order.write({"tag_ids": [Command.clear()]})
    assert not order.tag_ids


def test_stored_compute_follows_dependencies(Order, env):
    order = Order.create({"name": "sum", "line_ids": [(0, 0, {"qty": 2, "price": 3})]})
    assert order.amount_lines == 6
    env["test.orm.line"].create({"order_id": order.id, "qty": 1, "price": 4})
    assert order.amount_lines == 10
    order.line_ids[0].write({"qty": 10})
    assert order.amount_lines == 34
    order.line_ids[1].unlink()
    assert order.amount_lines == 30
    # the stored value is in the table, not only in the cache
    env.cr.execute("SELECT amount_lines FROM test_orm_order WHERE id = %s", (order.id,))
    assert env.cr.fetchone()[0] == 30


def test_stored_computes_of_one_method_in_a_batch(Order, env):
    """Lines of several orders created at once: every order gets both fields its method sets."""
    orders = Order.create([{"name": f"batch{i}"} for i in range(3)])
    env["test.orm.line"].create([{"order_id": order.id, "qty": q, "price": 2}
                                 for order in orders for q in (1, 5)])
    assert orders.mapped("amount_lines") == [12, 12, 12]
    assert orders.mapped("line_max") == [10, 10, 10]
    env.cr.execute("SELECT amount_lines, line_max FROM test_orm_order WHERE id IN %s", (tuple(orders.ids),))
    assert env.cr.fetchall() == [(12, 10)] * 3


def test_lines_of_many_new_records_are_one_insert(Order, env, monkeypatch):
    """Records created together with their one2many lines: the lines of all are inserted at once,
    each under its own record, totals computed for every record."""
    inserts = []
    execute_values = env.cr.execute_values

    def counting(query, *args, **kwargs):
        inserts.append(str(query))
        return execute_values(query, *args, **kwargs)

    monkeypatch.setattr(env.cr, "execute_values", counting)
    orders = Order.create([{"name": f"many{i}", "line_ids": [(0, 0, {"qty": i + 1, "price": 2}),
                                                              Command.create({"qty": 1, "price": 1})]}
                           for i in range(3)])
    assert sum(query.startswith('INSERT INTO "test_orm_line"') for query in inserts) == 1
    assert [order.line_ids.mapped("qty") for order in orders] == [[1, 1], [2, 1], [3, 1]]
    assert orders.mapped("amount_lines") == [3, 5, 7] and orders.mapped("line_count") == [2, 2, 2]
    moved = orders[0].line_ids[0]
    mixed = Order.create([{"name": "keeps", "line_ids": [Command.create({"qty": 1, "price": 1})]},
                          {"name": "links", "line_ids": [Command.link(moved.id)]}])
    assert len(mixed[0].line_ids) == 1 and mixed[1].line_ids == moved and orders[0].line_ids.mapped("qty") == [1]


def test_related_field(Order, env):
    partner = env["res.partner"].create({"name": "Rel"})
    order = Order.create({"name": "rel", "partner_id": partner.id})
    assert order.partner_name == "Rel"
    partner.name = "Renamed"
    assert order.partner_name == "Renamed"


def test_copy_skips_non_copyable(Order):
    order = Order.create({"name": "orig", "secret": "s3cr3t", "line_ids": [(0, 0, {"qty": 1, "price": 2})]})
    twin = order.copy({"name": "twin"})
    assert twin.secret is False and twin.name == "twin" and len(twin.line_ids) == 0


def test_recordset_operations(Order):
    orders = Order.create([{"name": f"r{i}", "amount": i} for i in range(4)])
    assert orders.filtered(lambda o: o.amount > 1).mapped("name") == ["r2", "r3"]
    assert orders.sorted("amount", reverse=True)[0].name == "r3"
    assert (orders[:2] | orders[1:3]) == orders[:3]
    assert (orders - orders[:1]) == orders[1:]
    assert orders.mapped("name")[:2] == ["r0", "r1"]
    with pytest.raises(ValueError, match="Expected singleton"):
        orders.ensure_one()


def test_archived_records_hidden_by_default(Order):
    Order.create({"name": "archived", "active": False})
    assert not Order.search([("name", "=", "archived")])
    assert Order.with_context(active_test=False).search([("name", "=", "archived")])


def test_browse_false_or_none_is_empty(env):
    """browse(False) is an empty recordset as in Odoo (False is an int in Python), and so is what it reads."""
    for value in (False, None, 0, ()):
        partners = env["res.partner"].browse(value)
        assert not partners and partners.ids == []
    assert env["res.country"].browse(False).code is False


def test_copy_of_a_contact_without_country(env):
    partner = env["res.partner"].create({"name": "No country"})
    assert partner.copy().country_id.id is False
