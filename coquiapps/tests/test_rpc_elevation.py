"""Issue 12's public methods that elevated, and the remote-call policy, over real HTTP.

Each attack is made as a portal user and as a salesman through
``/xmlrpc/2/object``, ``/jsonrpc`` and ``/web/dataset/call_kw``; each must be refused with a
clear AccessError and leave the database as it was. The administrator keeps
the calls that are theirs.
"""
from __future__ import annotations

import pytest

from coquiapps.testing import databases
from coquiapps.testing.browser import served_app
from coquiapps.tests import rpc_probe

ROLES = ("portal", "salesman")
TRANSPORTS = {"xmlrpc": rpc_probe.XmlRpc, "jsonrpc": rpc_probe.JsonRpc, "web": rpc_probe.WebClient}


@pytest.fixture(scope="module")
def site(full_db):
    """(world, server URL, relay) on a private copy of the full database."""
    db = databases.copy_of(full_db, "rpc_elev")
    with rpc_probe.Relay() as relay, served_app() as server:
        world = rpc_probe.prepare(db, relay.url)
        world.users["admin"] = (2, "admin", "admin")
        yield world, server, relay


@pytest.fixture(scope="module")
def caller(site):
    """``caller(role, transport)``: one signed-in caller per role and transport, kept for the module."""
    world, server, _relay = site
    made = {}

    def get(role: str, transport: str):
        if (role, transport) not in made:
            _uid, login, password = world.users[role]
            made[role, transport] = TRANSPORTS[transport](server, world.db, login, password)
        return made[role, transport]

    return get


@pytest.fixture(params=[(role, transport) for role in ROLES for transport in TRANSPORTS],
                ids=lambda p: f"{p[0]}-{p[1]}")
def attacker(request, caller):
    """A caller for each (role, transport)."""
    return caller(*request.param)


def _rows(world, query: str, params=()) -> list:
    with rpc_probe.superuser(world.db) as env:
        env.cr.execute(query, params)
        return env.cr.fetchall()


def _refused(caller, model, method, args, kwargs=None, reason="") -> str:
    ok, _body, message = caller.call(model, method, args, kwargs)
    assert not ok, f"{caller.name}: {model}.{method} was accepted"
    assert reason in message, message
    return message


def test_set_param_and_defaults_are_for_administrators(site, attacker):
    world, _server, relay = site
    params = _rows(world, "SELECT key, value FROM ir_config_parameter ORDER BY key")
    reason = "Only administrators can change system parameters."
    _refused(attacker, "ir.config_parameter", "set_param",
             ["sale_amazon_spapi.lwa_token_url", f"{relay.url}/steal"], reason=reason)
    _refused(attacker, "ir.config_parameter", "set_param_default", ["probe.new.key", "x"], reason=reason)
    _refused(attacker, "ir.config_parameter", "init", [], {"force": True}, reason="cannot be called remotely")
    assert _rows(world, "SELECT key, value FROM ir_config_parameter ORDER BY key") == params


def test_notify_admins_sequences_apps_list_are_refused(site, attacker):
    world, _server, _relay = site
    notices = _rows(world, "SELECT count(*) FROM res_notice")
    numbers = _rows(world, "SELECT id, number_next FROM ir_sequence ORDER BY id")
    _refused(attacker, "res.notice", "notify_admins", ["Action required", "Sign in at http://evil"],
             reason="Only administrators can send notices to the administrators.")
    _refused(attacker, "ir.sequence", "next_by_code_batch", ["sale.order", 100000], reason="does not exist")
    _refused(attacker, "ir.sequence", "_next_by_code_batch", ["sale.order", 100000],
             reason="cannot be called remotely")
    _refused(attacker, "ir.sequence", "next_by_code", ["sale.order"],
             reason="Only administrators can draw numbers from a sequence directly.")
    _refused(attacker, "ir.module.module", "update_list", [],
             reason="Only administrators can update the list of apps.")
    assert _rows(world, "SELECT count(*) FROM res_notice") == notices
    assert _rows(world, "SELECT id, number_next FROM ir_sequence ORDER BY id") == numbers


def test_no_password_oracle(site, attacker):
    _refused(attacker, "res.users", "check_credentials", [2, "admin"], reason="does not exist")
    _refused(attacker, "res.users", "_check_credentials", [2, "admin"], reason="cannot be called remotely")


@pytest.mark.parametrize("method", ["check_access_rule", "check_access", "sudo", "with_user", "browse",
                                    "with_context", "with_env", "with_company", "invalidate_model", "mapped",
                                    "filtered", "sorted", "ensure_one", "copy_data", "pool", "env",
                                    "ids", "init", "__init__", "__class__", "_login", "_check_system", "name"])
def test_plumbing_private_and_non_methods_are_refused(site, caller, method):
    """Item 2: ``check_access_rule`` (whose operation reached SQL) and the rest of the plumbing."""
    world, _server, _relay = site
    for transport in TRANSPORTS:
        _refused(caller("salesman", transport), "res.partner", method, [[world.customer], "read) OR (1=1"],
                 reason="cannot be called remotely")


def test_ids_must_be_ids(site, caller):
    world, _server, _relay = site
    for transport in TRANSPORTS:
        _refused(caller("salesman", transport), "res.partner", "read", [["1; DROP TABLE res_partner"]],
                 reason="list of ids")
        _refused(caller("salesman", transport), "res.partner", "read", [[world.customer]], {"context": "not a dict"},
                 reason="context must be a dict")


def test_other_users_groups_and_contacts(site, attacker):
    """Item 13: nobody but the user or an administrator renames or re-emails a user's contact."""
    world, _server, _relay = site
    admin_partner = _rows(world, "SELECT name, email FROM res_partner WHERE id = %s", (world.admin_partner,))
    _refused(attacker, "res.partner", "write",
             [[world.admin_partner], {"email": "admin@attacker.invalid", "name": "Not The Admin"}])
    assert _rows(world, "SELECT name, email FROM res_partner WHERE id = %s", (world.admin_partner,)) == admin_partner
    if attacker.uid != world.users["portal"][0]:
        return
    _refused(attacker, "res.users", "has_group", [[2], "base.group_system"], reason="not allowed to read")


def test_salesman_edits_customers_and_own_contact_not_admins(site, caller):
    world, _server, _relay = site
    uid = world.users["salesman"][0]
    salesman = caller("salesman", "web")
    own = _rows(world, "SELECT partner_id FROM res_users WHERE id = %s", (uid,))[0][0]
    assert salesman.call("res.partner", "write", [[world.customer], {"email": "buyer@customer.example"}])[0]
    assert salesman.call("res.partner", "write", [[own], {"email": "me@company.example"}])[0]
    message = _refused(salesman, "res.partner", "write", [[world.admin_partner], {"name": "Mallory"}])
    assert message == "Only the user or an administrator can change the contact of a user."
    email = "SELECT email FROM res_partner WHERE id = %s"
    assert _rows(world, email, (world.customer,)) == [("buyer@customer.example",)]
    assert _rows(world, email, (own,)) == [("me@company.example",)]


def test_administrator_keeps_their_calls(site, caller):
    world, _server, relay = site
    salesman = _rows(world, "SELECT partner_id FROM res_users WHERE id = %s", (world.users["salesman"][0],))[0][0]
    for transport in TRANSPORTS:
        admin = caller("admin", transport)
        assert admin.call("ir.config_parameter", "set_param", ["probe.admin.key", transport])[0]
        assert admin.call("res.partner", "write", [[salesman], {"phone": transport}])[0]
        assert admin.call("ir.sequence", "next_by_code", ["sale.order"])[0]
    assert _rows(world, "SELECT value FROM ir_config_parameter WHERE key = 'probe.admin.key'") == [("web",)]
    assert _rows(world, "SELECT phone FROM res_partner WHERE id = %s", (salesman,)) == [("web",)]
    assert not relay.requests
