"""Notices: reachable over XML-RPC, emailed through a real SMTP server, kept across the ``read`` rename."""
import socket
import threading
import xmlrpc.client

import pytest
from aiosmtpd.controller import Controller

from coquiapps import sql_db
from coquiapps.modules import loading
from coquiapps.orm import SUPERUSER_ID, Environment, Registry
from coquiapps.testing import databases
from coquiapps.testing.browser import served_app
from coquiapps.tools import config


def env_of(db):
    cr = sql_db.cursor(db)
    return cr, Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(db))


@pytest.fixture
def notice_db(base_db):
    """A private copy of the base database (the tests commit)."""
    return databases.copy_of(base_db, "notice")


def test_search_read_on_notices_over_xmlrpc(notice_db):
    """Issue #13: the field ``read`` hid read(), so search_read failed with "Expected singleton"."""
    cr, env = env_of(notice_db)
    with cr:
        admin = env.ref("base.user_admin")
        env["res.notice"].create([{"user_id": admin.id, "title": f"Check {i}", "level": "warning"}
                                  for i in range(2)])
    with served_app() as server:
        uid = xmlrpc.client.ServerProxy(f"{server}/xmlrpc/2/common").authenticate(notice_db, "admin", "admin", {})
        models = xmlrpc.client.ServerProxy(f"{server}/xmlrpc/2/object")
        rows = models.execute_kw(notice_db, uid, "admin", "res.notice", "search_read",
                                 [[("user_id", "=", uid), ("dismissed", "=", False)]],
                                 {"fields": ["title", "level", "dismissed"], "order": "title"})
        assert [(r["title"], r["level"], r["dismissed"]) for r in rows] == [
            ("Check 0", "warning", False), ("Check 1", "warning", False)]
        assert models.execute_kw(notice_db, uid, "admin", "res.notice", "action_dismiss", [[rows[0]["id"]]])
        left = models.execute_kw(notice_db, uid, "admin", "res.notice", "search_read",
                                 [[("user_id", "=", uid), ("dismissed", "=", False)]], {"fields": ["title"]})
        assert [r["title"] for r in left] == ["Check 1"]


class Inbox:
    """An aiosmtpd handler keeping the messages it receives; ``arrived`` is set on each one."""

    def __init__(self):
        self.messages = []
        self.arrived = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        self.arrived.set()
        return "250 OK"


@pytest.fixture
def smtp_server(monkeypatch):
    inbox = Inbox()
    # aiosmtpd's start() connects to the given port to check it is up: it needs a real one
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        values = config.current().values
        monkeypatch.setitem(values, "smtp_server", "127.0.0.1")
        monkeypatch.setitem(values, "smtp_port", port)
        yield inbox
    finally:
        controller.stop()


def test_notices_are_emailed_when_a_mail_server_is_configured(notice_db, smtp_server):
    cr, env = env_of(notice_db)
    with cr:
        admin = env.ref("base.user_admin")
        admin.partner_id.write({"email": "admin@coqui.example"})
        env["ir.config_parameter"].set_param("web.base.url", "http://erp.coqui.example")
        partner = env["res.partner"].create({"name": "Coqui Supplies"})
        notices = env["res.notice"].notify_admins("Amazon: client secret expiring", "Rotate it within 5 days.",
                                                  record=partner, level="danger")
        assert notices.mapped("user_id") == admin and notices.res_id == partner.id
    assert smtp_server.arrived.wait(60)
    [mail] = smtp_server.messages
    assert mail.rcpt_tos == ["admin@coqui.example"]
    body = mail.content.decode()
    assert "Subject: Amazon: client secret expiring" in body and "Rotate it within 5 days." in body
    assert "Open your notices: http://erp.coqui.example/web/notices" in body


def test_upgrade_renames_the_read_column_and_keeps_the_data(new_db):
    """A database made before the rename (column ``read``) keeps which notices were dismissed."""
    db = new_db()
    cr, env = env_of(db)
    with cr:
        admin = env.ref("base.user_admin")
        env["res.notice"].create([{"user_id": admin.id, "title": "Old, seen", "dismissed": True},
                                  {"user_id": admin.id, "title": "Old, new"}])
        # the schema of the code before the rename
        cr.execute('ALTER TABLE res_notice RENAME COLUMN dismissed TO "read"')
        cr.execute('ALTER INDEX res_notice__dismissed_index RENAME TO res_notice__read_index')
    cr, env = env_of(db)
    with cr:
        report = loading.upgrade_modules(env, ["base"])
        assert "column res_notice.read renamed to dismissed" in report.schema
    cr, env = env_of(db)
    with cr:
        notices = env["res.notice"].search([], order="title")
        assert [(n.title, n.dismissed) for n in notices] == [("Old, new", False), ("Old, seen", True)]
