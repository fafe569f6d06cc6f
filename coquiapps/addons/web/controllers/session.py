"""JSON routes of the session, compatible with OdooRPC and Odoo's web client."""
from __future__ import annotations

from coquiapps import http, release
from coquiapps.exceptions import AccessError
from coquiapps.http import dbselect, request


def session_info() -> dict:
    """What ``/web/session/authenticate`` and ``get_session_info`` return."""
    if not request.uid:
        return {"uid": None, "db": request.db, "user_context": {}}
    user = request.env.user.sudo()
    context = request.env["res.users"].context_get()
    return {
        "uid": request.uid, "db": request.db, "username": user.login, "name": user.name,
        "partner_id": user.partner_id.id, "company_id": user.company_id.id,
        "user_context": context, "is_admin": user.has_group("base.group_system"),
        "is_system": user.has_group("base.group_system"), "server_version": release.series,
        "server_version_info": VERSION_INFO,
        "session_id": request.session.sid,
    }


VERSION_INFO = [17, 0, 0, "final", 0, ""]


class Session(http.Controller):
    """Log in, read the session and log out over JSON-RPC."""

    @http.route("/web/session/authenticate", type="json", auth="none")
    def authenticate(self, db=None, login=None, password=None, **kw):
        host = request.httprequest.host
        if not db or not dbselect.matches(db, host) or db not in dbselect.allowed_dbs(host):
            raise AccessError(f"Database {db!r} is not available.")
        if request.db != db:
            from coquiapps import sql_db
            from coquiapps.orm.registry import Registry

            if request.cr is not None:
                request.cr.close()
            request.cr = sql_db.cursor(db)
            request.registry = Registry.get(db).check_signaling(request.cr)
            request.db = db
            request.update_env(uid=None)
        uid = request.env["res.users"]._login(login or "", password or "")
        request.update_env(uid=uid)
        info = session_info()
        request.session.authenticate(db, uid, login, info["user_context"])
        info["session_id"] = request.session.sid
        return info

    @http.route("/web/session/get_session_info", type="json", auth="user")
    def get_session_info(self, **kw):
        return session_info()

    @http.route("/web/session/destroy", type="json", auth="none")
    def destroy(self, **kw):
        request.session.logout()
        return True

    @http.route("/web/webclient/version_info", type="json", auth="none")
    def version_info(self, **kw):
        return {"server_version": "17.0", "server_version_info": VERSION_INFO,
                "server_serie": "17.0", "protocol_version": 1}

    @http.route("/web/database/list", type="json", auth="none")
    def database_list(self, **kw):
        from coquiapps.tools import config

        if not config.current().get("list_db"):
            raise AccessError("Listing databases is disabled on this server.")
        return dbselect.allowed_dbs(request.httprequest.host)
