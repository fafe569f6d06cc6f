"""Odoo's External API examples against a live server, with ``xmlrpc.client`` as the docs use it.

Covers what the base models add: the partner's country (the docs' first
``read`` example), a user's contact fields, actions, reports, language
install, and the company logo route.
"""
import urllib.request
import xmlrpc.client

import pytest

from coquiapps.testing import databases


@pytest.fixture(scope="module")
def db(base_db):
    return databases.copy_of(base_db, "extapi")


@pytest.fixture(scope="module")
def api(server, db):
    """``execute_kw`` as the admin, the way the External API documentation writes it."""
    uid = xmlrpc.client.ServerProxy(f"{server}/xmlrpc/2/common").authenticate(db, "admin", "admin", {})
    models = xmlrpc.client.ServerProxy(f"{server}/xmlrpc/2/object")

    def call(model, method, *args, **kwargs):
        return models.execute_kw(db, uid, "admin", model, method, list(args), kwargs)

    call.uid = uid
    return call


def test_docs_read_example_with_country(api):
    us = api("res.country", "search", [["code", "=", "US"]])
    state = api("res.country.state", "search", [["code", "=", "NY"], ["country_id", "in", us]])
    pid = api("res.partner", "create", {"name": "New Partner", "is_company": True, "state_id": state[0]})
    [record] = api("res.partner", "read", [pid], fields=["name", "country_id", "state_id", "comment"])
    assert record["country_id"] == [us[0], "United States"]
    assert record["state_id"][0] == state[0] and record["comment"] is False
    assert api("res.partner", "search_count", [["country_id.code", "=", "US"], ["id", "=", pid]]) == 1
    countries = api("res.country", "search_read", [["code", "in", ["FR", "JP"]]],
                    fields=["code", "name", "phone_code"])
    assert {(c["code"], c["phone_code"]) for c in countries} == {("FR", 33), ("JP", 81)}


def test_user_carries_its_contact_fields(api):
    uid = api("res.users", "create", {"name": "Api User", "login": "api-user", "email": "api@example.com",
                                      "comment": "made over XML-RPC"})
    [user] = api("res.users", "read", [uid], fields=["email", "comment", "child_ids", "image_1920", "state",
                                                    "action_id", "partner_id"])
    assert user["email"] == "api@example.com" and user["comment"] == "made over XML-RPC"
    assert user["child_ids"] == [] and user["image_1920"] is False
    assert user["state"] == "new" and user["action_id"] is False
    api("res.users", "write", [uid], {"email": "api2@example.com"})
    [partner] = api("res.partner", "read", [user["partner_id"][0]], fields=["email"])
    assert partner["email"] == "api2@example.com"
    assert api("res.users", "search", [["email", "=", "api2@example.com"]]) == [uid]
    [admin] = api("res.users", "read", [api.uid], fields=["state"])
    assert admin["state"] == "active"
    fields = api("res.users", "fields_get", attributes=["type"])
    assert fields["child_ids"]["type"] == "one2many" and fields["action_id"]["type"] == "many2one"


def test_actions_and_reports(api):
    actions = api("ir.actions.actions", "search_read", [], fields=["name", "type"])
    assert actions and {a["type"] for a in actions} >= {"ir.actions.act_window"}
    window = api("ir.actions.act_window", "search_read", [["res_model", "=", "res.users"]], fields=["name"],
                 limit=1)[0]
    [same] = api("ir.actions.actions", "read", [window["id"]], fields=["name", "type"])
    assert same["type"] == "ir.actions.act_window" and same["name"] == window["name"]
    assert api("ir.actions.report", "search_read", [["model", "=", "res.partner"]], fields=["name"]) == []
    rid = api("ir.actions.report", "create", {"name": "Card", "model": "res.partner", "report_name": "base.card"})
    action = api("ir.actions.report", "report_action", [rid], [1])
    assert action["type"] == "ir.actions.report" and action["report_name"] == "base.card"
    with pytest.raises(xmlrpc.client.Fault, match="Private methods"):
        api("ir.actions.report", "_render_qweb_pdf", "base.card", [1])


def test_home_action_opens_at_login(server, db, api):
    from coquiapps.testing.http_session import HttpSession

    [group] = api("ir.model.data", "search_read", [["module", "=", "base"], ["name", "=", "group_user"]],
                  fields=["res_id"])
    uid = api("res.users", "create", {"name": "Homer", "login": "homer", "password": "homer-password-1",
                                      "groups_id": [[6, 0, [group["res_id"]]]]})
    [action] = api("ir.actions.act_window", "search", [["res_model", "=", "res.users"]], limit=1)
    api("res.users", "write", [uid], {"action_id": action})
    client = HttpSession(server)
    token = client.token(f"/web/login?db={db}")
    status, headers, _page = client.request("POST", "/web/login", {
        "login": "homer", "password": "homer-password-1", "redirect": "/web", "csrf_token": token})
    assert status == 303 and headers["Location"].endswith(f"/web/action/{action}")


def test_language_install_wizard_over_rpc(api):
    wizard = api("base.language.install", "create", {"lang_ids": [[6, 0, api("res.lang", "search",
                 [["code", "=", "fr_FR"], ["active", "=", False]])]]})
    api("base.language.install", "lang_install", [wizard])
    assert api("res.lang", "search_count", [["code", "=", "fr_FR"], ["active", "=", True]]) == 1


def test_company_logo_is_served(server, db, api):
    with urllib.request.urlopen(f"{server}/web/binary/company_logo?dbname={db}", timeout=30) as answer:
        assert answer.status == 200 and answer.headers["Content-Type"] == "image/png"
        default = answer.read()
    assert default.startswith(b"\x89PNG")
    gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"
    import base64
    company = api("res.users", "read", [api.uid], fields=["company_id"])[0]["company_id"][0]
    api("res.company", "write", [company], {"logo": base64.b64encode(gif).decode()})
    with urllib.request.urlopen(f"{server}/logo.png?dbname={db}", timeout=30) as answer:
        assert answer.headers["Content-Type"] == "image/gif" and answer.read() == gif


def test_odoorpc_reads_base_models(server, db):
    """OdooRPC as an admin's script uses it: the user's contact fields, countries, actions."""
    odoorpc = pytest.importorskip("odoorpc")
    host, port = server.removeprefix("http://").split(":")
    odoo = odoorpc.ODOO(host, port=int(port), timeout=120)
    odoo.login(db, "admin", "admin")
    user = odoo.env.user
    [row] = odoo.execute("res.users", "read", [user.id], ["partner_id"])
    partner = odoo.execute("res.partner", "read", [row["partner_id"][0]], ["email", "comment"])[0]
    assert user.email == partner["email"] and user.comment == partner["comment"]
    assert user.state == "active" and user.child_ids.ids == []
    japan = odoo.env["res.country"].search([("code", "=", "JP")])
    assert odoo.env["res.country"].read(japan, ["phone_code"])[0]["phone_code"] == 81
    kinds = {a["type"] for a in odoo.env["ir.actions.actions"].search_read([], ["type"])}
    assert "ir.actions.act_window" in kinds
