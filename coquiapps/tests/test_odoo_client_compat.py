"""Odoo's own clients against a live server (issue 16): ``xmlrpc.client`` as in Odoo's External API
documentation, and OdooRPC's idioms (``env.user.company_id.name``, ``env.ref``, ``read_group``...)."""
import json
import urllib.request
import xmlrpc.client

import pytest

from coquiapps import sql_db
from coquiapps.orm import SUPERUSER_ID, Environment, Registry
from coquiapps.testing import databases


@pytest.fixture(scope="module")
def compat_db(base_db):
    """A copy of the base database with a clerk (internal user) who may not see 'hidden' contacts."""
    name = databases.copy_of(base_db, "compat")
    with sql_db.cursor(name) as cr:
        env = Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(name))
        restricted = env["res.groups"].create({"name": "Restricted contacts"})
        env["res.users"].create({"name": "Clerk", "login": "clerk", "password": "clerk-pw",
                                 "groups_id": [(6, 0, [env.ref("base.group_user").id, restricted.id])]})
        env["ir.rule"].create({"name": "no hidden contacts", "model_id": env["ir.model"]._get_id("res.partner"),
                               "domain_force": "[('ref', '!=', 'hidden')]", "groups": [(6, 0, [restricted.id])]})
        cr.commit()
    return name


def proxy(server, service):
    return xmlrpc.client.ServerProxy(f"{server}/xmlrpc/2/{service}", allow_none=False)


@pytest.fixture(scope="module")
def call(server, compat_db):
    """``call(model, method, args, kwargs, user='admin')``: ``execute_kw`` as that user."""
    common = proxy(server, "common")
    uids = {login: common.authenticate(compat_db, login, password, {})
            for login, password in (("admin", "admin"), ("clerk", "clerk-pw"))}
    passwords = {"admin": "admin", "clerk": "clerk-pw"}
    models = proxy(server, "object")

    def call(model, method, args=(), kwargs=None, user="admin"):
        return models.execute_kw(compat_db, uids[user], passwords[user], model, method, list(args), kwargs or {})

    call.uids = uids
    return call


def test_read_load_classic_write_gives_bare_ids(server, compat_db, call):
    admin = call.uids["admin"]
    [classic] = call("res.users", "read", [[admin]], {"fields": ["company_id"]})
    [write] = call("res.users", "read", [[admin]], {"fields": ["company_id"], "load": "_classic_write"})
    answer = _json(server, "/jsonrpc", {"service": "object", "method": "execute_kw", "args": [
        compat_db, admin, "admin", "res.users", "read", [[admin], ["company_id"]], {"load": None}]})
    [none] = answer["result"]
    assert isinstance(classic["company_id"], list) and classic["company_id"][1]
    assert write["company_id"] == classic["company_id"][0] == none["company_id"]


def test_read_of_missing_id_leaves_it_out_and_rules_still_apply(call):
    visible = call("res.partner", "create", [{"name": "Visible"}])
    hidden = call("res.partner", "create", [{"name": "Hidden", "ref": "hidden"}])
    gone = call("res.partner", "create", [{"name": "Gone"}])
    call("res.partner", "unlink", [[gone]])
    rows = call("res.partner", "read", [[visible, gone]], {"fields": ["name"]}, user="clerk")
    assert rows == [{"id": visible, "name": "Visible"}]
    assert call("res.partner", "read", [[]], {"fields": ["name"]}) == []
    with pytest.raises(xmlrpc.client.Fault) as info:  # an existing record the rules hide is still refused
        call("res.partner", "read", [[visible, hidden]], {"fields": ["name"]}, user="clerk")
    assert info.value.faultCode == 4
    with pytest.raises(xmlrpc.client.Fault, match="record ids"):  # no ids at all: an error, as in Odoo
        call("res.partner", "read", [])


def test_copy_exists_name_create(call):
    pid = call("res.partner", "create", [{"name": "Original"}])
    copied = call("res.partner", "copy", [[pid]])
    assert isinstance(copied, int) and copied != pid
    assert call("res.partner", "exists", [[pid, copied, 999999]]) == [pid, copied]
    new_id, label = call("res.partner", "name_create", ["Made From A Name"])
    assert label == "Made From A Name"
    assert call("res.partner", "read", [[new_id], ["name"]])[0]["name"] == "Made From A Name"


def test_create_contact_without_name_is_refused(call):
    with pytest.raises(xmlrpc.client.Fault) as info:
        call("res.partner", "create", [{}])
    assert info.value.faultCode == 2 and "Contacts require a name" in info.value.faultString
    address = call("res.partner", "create", [{"type": "delivery", "city": "Ponce"}])
    assert isinstance(address, int)


def test_check_object_reference(call):
    model, res_id = call("ir.model.data", "check_object_reference", ["base", "main_company"])
    assert model == "res.company" and isinstance(res_id, int)
    with pytest.raises(xmlrpc.client.Fault) as info:
        call("ir.model.data", "check_object_reference", ["base", "no_such_record"])
    assert info.value.faultCode == 1
    assert "External ID not found in the system: base.no_such_record" in info.value.faultString


def test_read_group(call):
    parent = call("res.partner", "create", [{"name": "RG Parent"}])
    for name, ref in (("RG A", "rg"), ("RG B", "rg"), ("RG C", "rg"), ("RG Hidden", "hidden")):
        call("res.partner", "create", [{"name": name, "ref": ref, "parent_id": parent}])
    domain = [("parent_id", "=", parent)]
    [group] = call("res.partner", "read_group", [domain, ["name"], ["parent_id"]])
    assert group["parent_id"] == [parent, "RG Parent"] and group["parent_id_count"] == 4
    assert group["__domain"] == [["parent_id", "=", parent], ["parent_id", "=", parent]]
    # record rules apply: the clerk does not count the hidden contact
    [seen] = call("res.partner", "read_group", [domain, ["name"], ["parent_id"]], user="clerk")
    assert seen["parent_id_count"] == 3
    # lazy over two groupbys: one level, its count, the rest in __context; ordering by the value
    lazy = call("res.partner", "read_group", [domain, [], ["ref", "parent_id"]], {"orderby": "ref desc"})
    assert [(g["ref"], g["ref_count"]) for g in lazy] == [("rg", 3), ("hidden", 1)]
    assert lazy[0]["__context"] == {"group_by": ["parent_id"]}
    assert lazy[0]["__domain"] == [["parent_id", "=", parent], ["ref", "=", "rg"]]
    # numeric fields are summed by default; other functions by name; eager: __count
    modules = call("ir.module.module", "search_read", [[]], {"fields": ["state", "sequence"]})
    expected = {}
    for module in modules:
        expected.setdefault(module["state"], []).append(module["sequence"])
    groups = call("ir.module.module", "read_group",
                  [[], ["sequence", "top:max(sequence)", "name"], ["state"]], {"lazy": False})
    assert {g["state"]: (g["__count"], g["sequence"], g["top"]) for g in groups} == {
        state: (len(values), sum(values), max(values)) for state, values in expected.items()}
    assert "name" not in groups[0]
    # offset and limit count groups; ordering by an aggregate
    ordered = call("ir.module.module", "read_group", [[], ["sequence"], ["state"]],
                   {"orderby": "state_count desc", "limit": 1})
    assert len(ordered) == 1 and ordered[0]["state_count"] == max(len(v) for v in expected.values())
    # dates: month by default, day, week, quarter and year, with their ranges
    for spec in ("create_date", "create_date:day", "create_date:week", "create_date:quarter",
                 "create_date:year"):
        [dated] = call("res.partner", "read_group", [domain, [], [spec]])
        assert dated["create_date_count"] == 4
        assert dated["__range"][spec]["from"] < dated["__range"][spec]["to"]
        assert dated["__domain"][-3:] == ["&", ["create_date", ">=", dated["__range"][spec]["from"]],
                                         ["create_date", "<", dated["__range"][spec]["to"]]]
    [week] = call("res.partner", "read_group", [domain, [], ["create_date:week"]])
    assert week["create_date:week"].startswith("W")
    [month] = call("res.partner", "read_group", [domain, [], ["create_date"]])
    assert month["create_date"].split()[-1].isdigit() and len(month["create_date"].split()) == 2
    with pytest.raises(xmlrpc.client.Fault, match="Invalid field 'no_such_field'"):
        call("res.partner", "read_group", [[], [], ["no_such_field"]])
    with pytest.raises(xmlrpc.client.Fault, match="granularity"):
        call("res.partner", "read_group", [[], [], ["create_date:fortnight"]])


def test_read_group_honours_field_groups(call):
    with pytest.raises(xmlrpc.client.Fault) as info:
        call("res.users", "read_group", [[], [], ["password_crypt"]], user="clerk")
    assert info.value.faultCode == 4 and "restricted to base.group_system" in info.value.faultString
    with pytest.raises(xmlrpc.client.Fault) as info:
        call("res.users", "read_group", [[], ["x:max(password_crypt)"], ["login"]], user="clerk")
    assert info.value.faultCode == 4 and "restricted to base.group_system" in info.value.faultString
    # password hashes are never grouped nor aggregated, even for a system administrator (read() hides them)
    for args in ([[], [], ["password_crypt"]], [[], ["x:max(password_crypt)"], ["login"]]):
        with pytest.raises(xmlrpc.client.Fault) as info:
            call("res.users", "read_group", args)
        assert info.value.faultCode == 4 and "password or secret" in info.value.faultString


def test_custom_model_as_in_the_external_api(call, compat_db):
    """The last example of Odoo's External API documentation, unchanged."""
    call("ir.model", "create", [{"name": "Custom Model", "model": "x_custom_model", "state": "manual"}])
    described = call("x_custom_model", "fields_get", [], {"attributes": ["string", "help", "type"]})
    assert {"id", "display_name", "create_uid", "create_date", "write_uid", "write_date"} <= set(described)
    model_id = call("ir.model", "create", [{"name": "Custom Model", "model": "x_custom", "state": "manual"}])
    call("ir.model.fields", "create", [{"model_id": model_id, "name": "x_name", "ttype": "char",
                                        "state": "manual", "required": True}])
    record_id = call("x_custom", "create", [{"x_name": "test record"}])
    [record] = call("x_custom", "read", [[record_id]])
    assert record["x_name"] == "test record" and record["display_name"] == "test record"
    assert record["create_uid"][0] == call.uids["admin"]
    [state] = call("ir.model", "read", [[model_id], ["state"]])
    assert state["state"] == "manual"
    # only system administrators; names start with x_
    with pytest.raises(xmlrpc.client.Fault) as info:
        call("ir.model", "create", [{"name": "Nope", "model": "x_nope", "state": "manual"}], user="clerk")
    assert info.value.faultCode == 4
    with pytest.raises(xmlrpc.client.Fault, match="x_"):
        call("ir.model", "create", [{"name": "Bad", "model": "custom_bad", "state": "manual"}])
    with pytest.raises(xmlrpc.client.Fault) as info:  # the clerk reaches no custom records
        call("x_custom", "read", [[record_id]], user="clerk")
    assert info.value.faultCode == 4
    # a custom field on a model of a module, then removed again
    partner_model = call("ir.model", "search", [[("model", "=", "res.partner")]])[0]
    call("ir.model.fields", "create", [{"model_id": partner_model, "name": "x_shoe_size", "ttype": "integer",
                                        "state": "manual", "field_description": "Shoe size"}])
    pid = call("res.partner", "create", [{"name": "Tall", "x_shoe_size": 46}])
    assert call("res.partner", "read", [[pid], ["x_shoe_size"]])[0]["x_shoe_size"] == 46
    field_ids = call("ir.model.fields", "search", [[("model", "=", "res.partner"), ("name", "=", "x_shoe_size")]])
    call("ir.model.fields", "unlink", [field_ids])
    with pytest.raises(xmlrpc.client.Fault, match="x_shoe_size"):
        call("res.partner", "read", [[pid], ["x_shoe_size"]])
    # a custom model with its fields in one call, of several types
    call("ir.model", "create", [{"name": "Visit", "model": "x_visit", "field_id": [
        (0, 0, {"name": "x_name", "ttype": "char", "field_description": "Subject"}),
        (0, 0, {"name": "x_partner_id", "ttype": "many2one", "relation": "res.partner", "on_delete": "cascade"}),
        (0, 0, {"name": "x_kind", "ttype": "selection", "selection": "[('call', 'Call'), ('meet', 'Meeting')]"}),
        (0, 0, {"name": "x_hours", "ttype": "float"})]}])
    visit = call("x_visit", "create", [{"x_name": "Kick-off", "x_partner_id": pid, "x_kind": "meet", "x_hours": 1.5}])
    [row] = call("x_visit", "read", [[visit], ["x_partner_id", "x_kind", "x_hours", "display_name"]])
    assert row == {"id": visit, "x_partner_id": [pid, "Tall"], "x_kind": "meet", "x_hours": 1.5,
                   "display_name": "Kick-off"}
    with pytest.raises(xmlrpc.client.Fault, match="wrong value"):
        call("x_visit", "create", [{"x_name": "Bad", "x_kind": "party"}])
    with pytest.raises(xmlrpc.client.Fault, match="selection must be a list"):
        call("ir.model.fields", "create", [{"model_id": model_id, "name": "x_bad", "ttype": "selection",
                                            "selection": "__import__('os')"}])
    # custom models survive a module install (the loader rebuilds the registry and reflects the models) ...
    module = call("ir.module.module", "search", [[("name", "=", "test_orm")]])
    call("ir.module.module", "button_immediate_install", [module])
    assert call("x_custom", "read", [[record_id], ["x_name"]]) == [{"id": record_id, "x_name": "test record"}]
    # ... and a registry loaded afresh (another worker process)
    Registry.delete(compat_db)
    assert "x_name" in Registry.get(compat_db)["x_custom"]._fields
    call("ir.model", "unlink", [[model_id]])
    with pytest.raises(xmlrpc.client.Fault, match="x_custom"):
        call("x_custom", "search", [[]])
    with sql_db.cursor(compat_db) as cr:
        cr.execute("SELECT to_regclass('x_custom')")
        assert cr.fetchone()[0] is None


def test_fault_strings_keep_their_quotes(call):
    with pytest.raises(xmlrpc.client.Fault) as info:
        call("res.partner", "read", [[1], ["no_such_field"]])
    assert "Invalid field 'no_such_field' on model 'res.partner'" in info.value.faultString


def _json(server, path, params):
    body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}).encode()
    req = urllib.request.Request(f"{server}{path}", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as answer:
        return json.loads(answer.read())


def test_wrong_password_is_access_denied_as_in_odoo(server, compat_db, call):
    bad = _json(server, "/web/session/authenticate", {"db": compat_db, "login": "admin", "password": "nope"})
    assert bad["error"]["data"]["name"] == "odoo.exceptions.AccessDenied"
    assert bad["error"]["data"]["message"] == "Access Denied"
    assert proxy(server, "common").authenticate(compat_db, "admin", "nope", {}) is False
    with pytest.raises(xmlrpc.client.Fault) as info:
        proxy(server, "object").execute_kw(compat_db, call.uids["admin"], "nope", "res.partner", "search", [[]])
    assert info.value.faultCode == 3 and info.value.faultString == "Access Denied"
    answer = _json(server, "/jsonrpc", {"service": "object", "method": "execute_kw",
                                        "args": [compat_db, call.uids["admin"], "nope", "res.partner", "search", [[]]]})
    assert answer["error"]["code"] == 200
    assert answer["error"]["data"]["name"] == "odoo.exceptions.AccessDenied"
    assert answer["error"]["data"]["message"] == "Access Denied"


@pytest.fixture
def master_config(tmp_path):
    """A configuration of this test with the master password 'master-pw'."""
    from coquiapps.testing.master import set_master_password
    from coquiapps.tools import config

    previous = config.current()
    cfg = config.Config(values={**previous.values, "admin_passwd": ""}, path=tmp_path / "coquiapps.conf")
    config.set_current(cfg)
    set_master_password(cfg, "master-pw")
    yield cfg
    config.set_current(previous)


def test_db_dump_restore_and_lists(server, compat_db, master_config):
    import base64
    import io
    import zipfile

    dbs = proxy(server, "db")
    langs = dbs.list_lang()
    assert ["en_US", "English (US)"] in langs and langs == sorted(langs, key=lambda lang: lang[1])
    countries = dbs.list_countries()
    assert ["be", "Belgium"] in countries and ["pr", "Puerto Rico"] in countries
    assert [name for _code, name in countries] == sorted(name for _code, name in countries)
    with pytest.raises(xmlrpc.client.Fault) as info:
        dbs.dump("wrong", compat_db, "zip")
    assert info.value.faultCode == 3
    with pytest.raises(xmlrpc.client.Fault) as info:  # never someone else's database
        dbs.dump("master-pw", "postgres", "zip")
    archive = base64.b64decode(dbs.dump("master-pw", compat_db, "zip"))
    with zipfile.ZipFile(io.BytesIO(archive)) as content:
        assert {"dump.dump", "manifest.json"} <= set(content.namelist())
    custom = base64.b64decode(dbs.dump("master-pw", compat_db, "dump"))
    assert custom.startswith(b"PGDMP")
    with pytest.raises(xmlrpc.client.Fault, match="backup format"):
        dbs.dump("master-pw", compat_db, "tar")
    for label, data, copy in (("zip", archive, False), ("dump", custom, True)):
        name = databases.unique_name(f"restored{label}")
        databases.register(name)
        assert dbs.restore("master-pw", name, base64.b64encode(data).decode(), copy) is True
        assert dbs.db_exist(name) is True
        assert proxy(server, "common").authenticate(name, "clerk", "clerk-pw", {})
        with sql_db.cursor(name) as cr, sql_db.cursor(compat_db) as source:
            query = "SELECT value FROM ir_config_parameter WHERE key = 'database.uuid'"
            cr.execute(query)
            source.execute(query)
            assert (cr.fetchone() == source.fetchone()) is not copy  # a copy gets its own uuid
        assert dbs.drop("master-pw", name) is True
    with pytest.raises(xmlrpc.client.Fault):  # the name is taken
        dbs.restore("master-pw", compat_db, base64.b64encode(custom).decode())
    with pytest.raises(xmlrpc.client.Fault, match="base64"):
        dbs.restore("master-pw", databases.unique_name("bad"), "not base64!")


def test_odoorpc_idioms(server, compat_db):
    odoorpc = pytest.importorskip("odoorpc")
    port = int(server.rsplit(":", 1)[1])
    odoo = odoorpc.ODOO("127.0.0.1", port=port, timeout=120)
    odoo.login(compat_db, "admin", "admin")
    user = odoo.env.user
    assert user.company_id.name == odoo.env["res.company"].browse(user.company_id.id).name
    assert user.company_id.name  # many2one through read(load='_classic_write')
    company = odoo.env.ref("base.main_company")
    assert company._name == "res.company" and company.id == user.company_id.id
    Partner = odoo.env["res.partner"]
    parent = Partner.create({"name": "OdooRPC Parent"})
    child = Partner.create({"name": "OdooRPC Child", "parent_id": parent})
    assert Partner.browse(child).parent_id.name == "OdooRPC Parent"
    copied = Partner.browse(child).copy()  # the new id, as Odoo answers
    assert isinstance(copied, int) and copied != child and Partner.browse(copied).name == "OdooRPC Child"
    [group] = Partner.read_group([("parent_id", "=", parent)], ["name"], ["parent_id"])
    assert group["parent_id_count"] == 2 and group["parent_id"][0] == parent
    assert Partner.name_create("OdooRPC Named")[1] == "OdooRPC Named"
    with pytest.raises(ValueError):  # a missing record: OdooRPC finds it absent from read()
        Partner.browse(999999).name  # noqa: B018
    clerk = odoorpc.ODOO("127.0.0.1", port=port, timeout=60)
    clerk.login(compat_db, "clerk", "clerk-pw")  # a user who may not read every field of res.users
    assert clerk.env.user.name == "Clerk" and clerk.env.user.company_id.name == user.company_id.name
    with pytest.raises(odoorpc.error.RPCError, match="Wrong login ID or password"):  # common.login said False
        odoorpc.ODOO("127.0.0.1", port=port, timeout=60).login(compat_db, "admin", "wrong")
