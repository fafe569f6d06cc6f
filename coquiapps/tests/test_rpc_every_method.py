"""Every public method of every installed model, called over real RPC by a portal user and a salesman.

Each public method of each model is called with plausible arguments on
records of every model (one is made where a model has none), once per user,
alternately through ``/xmlrpc/2/object`` (:mod:`xmlrpc.client`) and the web
client's ``/web/dataset/call_kw`` (a signed-in session) — the other user gets
the other transport for the same call —, then the attacks of issue 12 by
name through both. The ORM's plumbing (``sudo``, ``browse``, ``mapped`` ...,
refused by name) is shared out: each user calls it on every other model. Afterwards, the
database differs only by what the caller's access rights and record rules
allow (every row of every table is compared; numbers drawn from sequences
are bounded by the records created), no response carries a planted secret,
and nothing reached the relay that stands in for Amazon.
"""
from __future__ import annotations

from coquiapps.testing import databases
from coquiapps.testing.browser import served_app
from coquiapps.tests import rpc_plan, rpc_probe


def _run(world, server, role, calls, attacks) -> tuple[list, dict]:
    """Make the calls as ``role``; (secrets found in responses, outcome counts)."""
    _uid, login, password = world.users[role]
    callers = [rpc_probe.XmlRpc(server, world.db, login, password),
               rpc_probe.WebClient(server, world.db, login, password)]
    shift = list(world.users).index(role)
    leaked, outcome = [], {"ok": 0, "refused": 0}
    scheduled = [(callers[(i + shift) % 2], call) for i, call in enumerate(calls)]
    scheduled += [(caller, call) for call in attacks for caller in callers]
    for caller, (model, method, args, kwargs) in scheduled:
        ok, body, _fault = caller.call(model, method, args, kwargs)
        outcome["ok" if ok else "refused"] += 1
        leaked += [f"{caller.name} {model}.{method}: {name}" for name in rpc_probe.leaks(world, body)]
    return leaked, outcome


def test_every_public_method_as_portal_and_salesman(full_db):
    db = databases.copy_of(full_db, "rpc_every")
    with rpc_probe.Relay() as relay, served_app() as server:
        world = rpc_probe.prepare(db, relay.url)
        with rpc_probe.superuser(db) as env:
            rpc_plan.populate(env)
        for role in ("portal", "salesman"):
            uid = world.users[role][0]
            with rpc_probe.superuser(db) as env:
                calls = rpc_plan.plan(env, world, relay.url, plumbing=list(world.users).index(role))
            before, drawn_before = rpc_probe.snapshot(db), rpc_probe.sequence_total(db)
            leaked, outcome = _run(world, server, role, calls, rpc_plan.attacks(world, relay.url))
            found = rpc_probe.changes(before, rpc_probe.snapshot(db))
            assert not leaked, f"{role}: secrets in responses: {leaked}"
            wrong = rpc_probe.unexplained_changes(db, uid, found)
            assert not wrong, f"{role} changed what their rights and rules do not allow: {wrong}"
            created = sum(1 for _table, kind, _key in found if kind == "created")
            assert rpc_probe.sequence_total(db) - drawn_before <= created, \
                f"{role} drew sequence numbers without creating records"
            assert outcome["ok"] and outcome["refused"] and len(calls) > 800, outcome
        assert not relay.requests, f"calls reached the relay standing in for Amazon: {relay.requests}"
