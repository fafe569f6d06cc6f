"""ir.attachment over a live XML-RPC server: fields as in Odoo, access through the linked record."""
import base64
import hashlib
import xmlrpc.client

import pytest

from coquiapps import sql_db
from coquiapps.orm import SUPERUSER_ID, Environment, Registry
from coquiapps.testing import databases

CSV = b"sku,marketplace,default_code\nSKU-1,ATVPDKIKX0DER,MUG\n"


@pytest.fixture(scope="module")
def world(base_db):
    """A private database (RPC calls commit) with two employees, a portal user and a notice each."""
    name = databases.copy_of(base_db, "attach")
    with sql_db.cursor(name) as cr:
        env = Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(name))
        employee = env.ref("base.group_user")
        users = {}
        for login in ("alice", "bob"):
            users[login] = env["res.users"].create({"name": login.title(), "login": login, "password": login,
                                                    "groups_id": [(6, 0, [employee.id])]}).id
        users["portal"] = env["res.users"].create({"name": "Portal", "login": "portal", "password": "portal",
                                                   "share": True, "groups_id": [(6, 0, [])]}).id
        notices = {login: env["res.notice"].create({"user_id": uid, "title": f"for {login}"}).id
                   for login, uid in users.items() if login != "portal"}
    return {"db": name, "users": users, "notices": notices}


class Client:
    """``client.call(model, method, *args, **kw)`` as one user over ``/xmlrpc/2/object``."""

    def __init__(self, server, db, login, password=None):
        self.db, self.password = db, password or login
        self.uid = xmlrpc.client.ServerProxy(f"{server}/xmlrpc/2/common").authenticate(
            db, login, self.password, {})
        assert self.uid, f"{login} cannot sign in"
        self.object = xmlrpc.client.ServerProxy(f"{server}/xmlrpc/2/object", allow_none=True)

    def call(self, model, method, *args, **kw):
        return self.object.execute_kw(self.db, self.uid, self.password, model, method, list(args), kw)


def as_(server, world, login):
    return Client(server, world["db"], login, "admin" if login == "admin" else None)


def attach(client, name, data=CSV, **values):
    return client.call("ir.attachment", "create", {"name": name, "datas": base64.b64encode(data).decode(),
                                                    **values})


def test_fields_as_odoo(server, world):
    alice = as_(server, world, "alice")
    aid = attach(alice, "offers.csv", res_model="res.notice", res_id=world["notices"]["alice"])
    [row] = alice.call("ir.attachment", "read", [aid], ["name", "datas", "mimetype", "file_size", "checksum",
                                                        "type", "res_model", "res_id", "res_name", "public",
                                                        "company_id", "create_uid", "create_date"])
    assert base64.b64decode(row["datas"]) == CSV
    assert row["mimetype"] == "text/csv" and row["file_size"] == len(CSV)
    assert row["checksum"] == hashlib.sha1(CSV).hexdigest()
    assert row["type"] == "binary" and row["res_model"] == "res.notice" and row["res_name"] == "for alice"
    assert row["create_uid"][0] == alice.uid and row["company_id"] and row["public"] is False
    fields = alice.call("ir.attachment", "fields_get", [], attributes=["type"])
    assert fields["datas"]["type"] == "binary" and fields["res_id"]["type"] == "integer"


def test_active_mimetype_of_a_user_is_served_as_text(server, world):
    alice = as_(server, world, "alice")
    aid = attach(alice, "page.html", b"<script>alert(1)</script>")
    assert alice.call("ir.attachment", "read", [aid], ["mimetype"])[0]["mimetype"] == "text/plain"
    sid = attach(alice, "logo.svg", b"<svg/>", mimetype="image/svg+xml")
    assert alice.call("ir.attachment", "read", [sid], ["mimetype"])[0]["mimetype"] == "text/plain"
    admin = as_(server, world, "admin")
    hid = attach(admin, "page.html", b"<p>hi</p>")
    assert admin.call("ir.attachment", "read", [hid], ["mimetype"])[0]["mimetype"] == "text/html"


def test_linked_attachment_follows_its_record(server, world):
    alice, bob = as_(server, world, "alice"), as_(server, world, "bob")
    aid = attach(alice, "alice.csv", res_model="res.notice", res_id=world["notices"]["alice"])
    # bob cannot read alice's notice: neither its file
    for method, args in (("read", [[aid], ["name"]]), ("write", [[aid], {"name": "x"}]), ("unlink", [[aid]])):
        with pytest.raises(xmlrpc.client.Fault, match="AccessError|not allowed|may not"):
            bob.call("ir.attachment", method, *args)
    assert aid not in bob.call("ir.attachment", "search", [])
    assert bob.call("ir.attachment", "search_count", [("id", "=", aid)]) == 0
    assert all(row["id"] != aid for row in bob.call("ir.attachment", "search_read", [], ["name"]))
    # nor attach a file to it, nor move his own file onto it
    with pytest.raises(xmlrpc.client.Fault, match="attach a file"):
        attach(bob, "intruder.csv", res_model="res.notice", res_id=world["notices"]["alice"])
    own = attach(bob, "mine.csv")
    with pytest.raises(xmlrpc.client.Fault, match="attach a file"):
        bob.call("ir.attachment", "write", [own], {"res_model": "res.notice", "res_id": world["notices"]["alice"]})
    # alice and the administrator can
    assert alice.call("ir.attachment", "read", [aid], ["name"])[0]["name"] == "alice.csv"
    assert aid in alice.call("ir.attachment", "search", [("res_model", "=", "res.notice")])
    admin = as_(server, world, "admin")
    assert admin.call("ir.attachment", "read", [aid], ["name"])[0]["name"] == "alice.csv"
    assert alice.call("ir.attachment", "write", [aid], {"name": "renamed.csv"}) is True


def test_recordless_attachment_is_its_creators(server, world):
    alice, bob, admin = (as_(server, world, name) for name in ("alice", "bob", "admin"))
    aid = attach(alice, "draft.csv")
    assert alice.call("ir.attachment", "read", [aid], ["name"])[0]["name"] == "draft.csv"
    assert admin.call("ir.attachment", "read", [aid], ["name"])[0]["name"] == "draft.csv"
    with pytest.raises(xmlrpc.client.Fault, match="may not read"):
        bob.call("ir.attachment", "read", [aid], ["name"])
    assert aid not in bob.call("ir.attachment", "search", [])
    with pytest.raises(xmlrpc.client.Fault, match="may not unlink"):
        bob.call("ir.attachment", "unlink", [aid])
    public = attach(alice, "public.csv", public=True)
    assert bob.call("ir.attachment", "read", [public], ["name"])[0]["name"] == "public.csv"
    with pytest.raises(xmlrpc.client.Fault, match="may not write"):
        bob.call("ir.attachment", "write", [public], {"name": "mine now"})


def test_portal_user_reads_no_attachment(server, world):
    alice, portal = as_(server, world, "alice"), as_(server, world, "portal")
    aid = attach(alice, "public.csv", public=True)
    with pytest.raises(xmlrpc.client.Fault, match="not allowed to read"):
        portal.call("ir.attachment", "read", [aid], ["name"])
    with pytest.raises(xmlrpc.client.Fault, match="not allowed to read"):
        portal.call("ir.attachment", "search", [])


def test_files_go_with_their_record(server, world):
    admin = as_(server, world, "admin")
    notice = admin.call("res.notice", "create", {"user_id": world["users"]["alice"], "title": "temporary"})
    aid = attach(admin, "gone.csv", res_model="res.notice", res_id=notice)
    admin.call("res.notice", "unlink", [notice])
    assert admin.call("ir.attachment", "search", [("id", "=", aid)]) == []
