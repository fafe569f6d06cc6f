"""Trust boundaries of the ORM (issue 12): operation names, evaluated rule domains, field
groups in searches and sorts, record rules on every read path, company context, search bounds."""
import pytest

from coquiapps.exceptions import AccessError
from coquiapps.tools.safe_eval import SafeEvalError, safe_eval


@pytest.fixture
def main_company(env):
    return env.ref("base.main_company")


@pytest.fixture
def other_company(env):
    return env["res.company"].create({"name": "Other Co"})


@pytest.fixture
def salesman(env, main_company):
    return env["res.users"].create({
        "login": "sec_salesman", "name": "Sec Salesman", "company_id": main_company.id,
        "groups_id": [(6, 0, [env.ref("sale.group_sale_salesman").id])],
    })


@pytest.fixture
def orders(env, main_company, other_company):
    Order = env["test.orm.order"]
    mine = Order.create({"name": "sec mine", "company_id": main_company.id, "secret": "s3cret"})
    theirs = Order.create({"name": "sec theirs", "company_id": other_company.id})
    return mine, theirs


# -- item 2: operation names, evaluated rule domains ------------------------------------------
INJECTED = "read OR TRUE) --"


@pytest.mark.parametrize("operation", [INJECTED, "READ", "perm_read", "", None, 1])
def test_operation_names_come_from_a_fixed_set(env, salesman, orders, operation):
    order = orders[0].with_user(salesman)
    with pytest.raises(AccessError, match="Invalid access operation"):
        order.check_access_rule(operation)
    with pytest.raises(AccessError, match="Invalid access operation"):
        order.check_access_rights(operation)
    with pytest.raises(AccessError, match="Invalid access operation"):
        env["ir.rule"].with_user(salesman)._compute_domain("test.orm.order", operation)
    with pytest.raises(AccessError, match="Invalid access operation"):
        env["ir.model.access"]._check("test.orm.order", operation, salesman.id)


def test_rule_context_exposes_plain_values_only(env, salesman, main_company):
    context = env["ir.rule"].with_user(salesman)._eval_context()
    assert safe_eval("user.id", context) == salesman.id
    assert safe_eval("user.company_id.id", context) == main_company.id
    assert safe_eval("user.company_ids.ids", context) == [main_company.id]
    assert context["company_ids"] == [main_company.id]
    for expr in ("user.env", "user['env']", "user.sudo()", "user.company_id.env",
                 "user._ids", "user.partner_id.name"):
        with pytest.raises(SafeEvalError):
            safe_eval(expr, context)


@pytest.mark.parametrize("expr", [
    "record.env", "record.env.cr", "record['env']", "record.cr", "record.sudo()",
    "record.with_user(1)", "record.with_env", "record.with_context(a=1)", "record.pool",
    "record.registry", "record._ids", "record.partner_id.env", "record.check_access_rule",
    "record.write", "record['write']", "record.browse(1)",
])
def test_records_in_evaluated_expressions_do_not_expose_the_environment(env, orders, expr):
    with pytest.raises(SafeEvalError, match="not allowed"):
        safe_eval(expr, {"record": orders[0]})
    assert safe_eval("record.name + '!'", {"record": orders[0]}) == "sec mine!"
    assert safe_eval("record.ids", {"record": orders[0]}) == orders[0].ids


# -- item 4: field groups when searching, sorting and through related fields ------------------
def test_restricted_field_cannot_be_searched(env, salesman):
    Users = env["res.users"].with_user(salesman)
    for domain in ([("password_crypt", "=like", "$%")], [("password_crypt", "like", "scrypt")],
                   [("password_crypt", "!=", False)], ["|", ("id", "=", 0), ("password_crypt", "ilike", "a")]):
        with pytest.raises(AccessError, match=r"search on the field .*res\.users\.password_crypt"):
            Users.search(domain)
    with pytest.raises(AccessError, match="password_crypt"):
        Users.search_count([("password_crypt", "=like", "$%")])


def test_restricted_field_cannot_be_reached_through_a_path(env, salesman):
    with pytest.raises(AccessError, match="password_crypt"):
        env["res.partner"].with_user(salesman).search([("create_uid.password_crypt", "=like", "s%")])
    with pytest.raises(AccessError, match="password_crypt"):
        env["sale.order"].with_user(salesman).search([("user_id.password_crypt", "=like", "s%")])


def test_restricted_field_cannot_order_a_search(env, salesman):
    Users = env["res.users"].with_user(salesman)
    with pytest.raises(AccessError, match=r"sort by the field .*password_crypt"):
        Users.search([], order="password_crypt")
    with pytest.raises(AccessError, match="password_crypt"):
        Users.search_read([], ["login"], order="login, password_crypt desc")


def test_related_field_inherits_the_groups_of_its_target(env, orders, salesman):
    line = env["test.orm.line"].create({"order_id": orders[0].id})
    field = env["test.orm.line"]._fields["order_secret"]
    assert field.groups == "base.group_system" and field.password
    as_salesman = line.with_user(salesman)
    with pytest.raises(AccessError, match="order_secret"):
        as_salesman.read(["order_secret"])
    with pytest.raises(AccessError, match="secret"):
        as_salesman.search([("order_secret", "=like", "s%")])
    with pytest.raises(AccessError, match="secret"):
        as_salesman.search([("order_id.secret", "=like", "s%")])
    # the superuser still searches by it
    assert env["test.orm.line"].search([("order_secret", "=like", "s3%")]) == line


# -- item 5: companies of the context, record rules on every read path -------------------------
def test_context_companies_must_be_the_users(env, salesman, orders, other_company):
    Order = env["test.orm.order"].with_user(salesman)
    with pytest.raises(AccessError, match="Access to unauthorized or invalid companies."):
        Order.with_context(allowed_company_ids=[other_company.id]).search([])
    with pytest.raises(AccessError, match="Access to unauthorized or invalid companies."):
        Order.with_context(allowed_company_ids=["1 OR TRUE"]).search([])
    with pytest.raises(AccessError, match="unauthorized or invalid companies"):
        _ = Order.with_company(other_company).env.company
    # a company the user belongs to is fine, and the superuser picks any
    assert orders[0] in Order.with_context(allowed_company_ids=[env.ref("base.main_company").id]).search([])
    assert orders[1] in env["test.orm.order"].with_company(other_company).search([])


@pytest.mark.parametrize("path", [
    lambda rec: rec.copy_data(),
    lambda rec: rec.copy({"name": "sec copy"}),
    lambda rec: rec.name_get(),
    lambda rec: rec.display_name,
    lambda rec: rec.name,
    lambda rec: rec.mapped("name"),
    lambda rec: rec.read(["name"]),
], ids=["copy_data", "copy", "name_get", "display_name", "attribute", "mapped", "read"])
def test_record_rules_on_every_read_path(env, salesman, orders, path):
    admin_group = env.ref("base.group_system")
    salesman.write({"groups_id": [(4, admin_group.id)]})  # may create/copy: only the rule refuses
    theirs = orders[1].with_user(salesman)
    with pytest.raises(AccessError, match="record rules of test.orm.order"):
        path(theirs)
    assert path(orders[0].with_user(salesman))  # own company: allowed


def test_relations_apply_the_rules_of_the_comodel(env, salesman, orders, other_company):
    mine, _theirs = orders
    hidden = env["res.partner"].create({"name": "Hidden Partner", "company_id": other_company.id})
    mine.partner_id = hidden
    as_salesman = mine.with_user(salesman)
    with pytest.raises(AccessError, match="record rules of res.partner"):
        _ = as_salesman.partner_id.email
    with pytest.raises(AccessError, match="record rules of res.partner"):
        as_salesman.mapped("partner_id.email")
    assert "Hidden Partner" not in [name for _id, name in
                                    env["res.partner"].with_user(salesman).name_search("Hidden")]
    # a neighbour the user may not read does not stop reading an allowed record
    both = env["test.orm.order"].with_user(salesman).browse([mine.id, orders[1].id])
    assert both[0].display_name == "sec mine"


def test_x2many_lists_only_readable_records(env, salesman, main_company, other_company):
    visible = env["res.partner"].create({"name": "Visible Contact", "company_id": main_company.id})
    hidden = env["res.partner"].create({"name": "Hidden Contact", "company_id": other_company.id})
    parent = env["res.partner"].create({"name": "Parent", "company_id": main_company.id,
                                        "child_ids": [(6, 0, [visible.id, hidden.id])]})
    assert parent.child_ids == visible | hidden
    parent.invalidate_recordset()  # the cursor's cache is shared by every environment
    assert parent.with_user(salesman).child_ids.ids == [visible.id]


# -- item 13: limit, offset and order ------------------------------------------------------------
@pytest.mark.parametrize(("kwargs", "message"), [
    ({"limit": -1}, "limit must be between 0 and"),
    ({"limit": 2**63}, "limit must be between 0 and"),
    ({"limit": "10"}, "limit must be a whole number"),
    ({"limit": 1.5}, "limit must be a whole number"),
    ({"offset": -5}, "offset must be between 0 and"),
    ({"offset": 10**30}, "offset must be between 0 and"),
    ({"order": "name; DROP TABLE res_users"}, "invalid order"),
    ({"order": "name desc nulls sideways"}, "invalid order"),
    ({"order": "(SELECT 1)"}, "invalid order"),
    ({"order": ["name"]}, "expected a string"),
    ({"order": "no_such_field"}, "not a stored field"),
])
def test_search_arguments_are_checked(env, salesman, kwargs, message):
    with pytest.raises(ValueError, match=message):
        env["res.partner"].with_user(salesman).search([], **kwargs)


def test_valid_search_arguments(env, salesman):
    Partner = env["res.partner"].with_user(salesman)
    assert len(Partner.search([], limit=1)) == 1
    assert Partner.search([], limit=2**63 - 1, offset=0, order="name desc nulls last, id")
    assert Partner.search([], limit=None, offset=None) == Partner.search([])
