"""Home, login, logout, menus, developer mode and the database selector."""
from __future__ import annotations

import logging
from urllib.parse import urlencode

from coquiapps import http, sql_db
from coquiapps.exceptions import AccessError
from coquiapps.http import dbselect, request
from coquiapps.service.throttle import TooManyAttempts
from coquiapps.tools.translate import _

from ..webclient import actions, layout, menus

_logger = logging.getLogger(__name__)


class Home(http.Controller):
    """Pages around the session: login, logout, home with the apps."""

    @http.route(["/", "/web"], type="http", auth="none")
    def web_home(self, **kw):
        if not request.db:
            return request.redirect("/web/database/selector")
        if not request.uid:
            return request.redirect("/web/login")
        return layout.page("web/home.html", {"apps": menus.tree(request.env, request.debug)})

    @http.route("/web/login", type="http", auth="none", methods=["GET", "POST"])
    def web_login(self, redirect=None, **kw):
        target = actions.safe_back(redirect)
        if not request.db:
            return request.redirect("/web/database/selector?" + urlencode({"redirect": target}))
        if request.httprequest.method == "GET" and request.uid:
            return request.redirect(target)
        values = {"redirect": target, "login": kw.get("login", ""), "error": None,
                  "databases": self._databases()}
        if request.httprequest.method == "POST":
            try:
                uid = request.env["res.users"]._login(kw.get("login", ""), kw.get("password", ""))
            except TooManyAttempts as exc:
                values["error"] = str(exc)
                return layout.page("web/login.html", values, status=429)
            except AccessError:
                values["error"] = _("Wrong login/password")
                return layout.page("web/login.html", values, status=200)
            request.update_env(uid=uid)
            user = request.env.user
            request.session.authenticate(request.db, uid, user.sudo().login,
                                         request.env["res.users"].context_get())
            home = user.sudo().action_id  # the user's home action opens first, as in Odoo
            if target in ("/", "/web") and home.type == "ir.actions.act_window":
                target = f"/web/action/{home.id}"
            return request.redirect(target)
        return layout.page("web/login.html", values)

    @staticmethod
    def _databases() -> list[str]:
        from coquiapps.tools import config

        if not config.current().get("list_db"):
            return []
        try:
            return dbselect.allowed_dbs(request.httprequest.host)
        except sql_db.DatabaseError as exc:  # PostgreSQL unreachable: the login page still shows
            _logger.warning("cannot list databases: %s", exc)
            return []

    @http.route("/web/session/logout", type="http", auth="none", methods=["GET", "POST"])
    def web_logout(self, redirect="/web/login"):
        """POST (with the CSRF token) logs out; a GET only asks, so a link or image cannot log anyone out."""
        target = actions.safe_back(redirect, "/web/login")
        if request.httprequest.method == "GET":
            if not request.uid:
                return request.redirect(target)
            return request.render("web/logout.html", {"redirect": target})
        request.session.logout()
        return request.redirect(target)

    @http.route("/web/database/selector", type="http", auth="none")
    def selector(self, redirect="/web", **kw):
        from coquiapps.tools import config

        dbs = self._databases()
        return request.render("web/selector.html", {
            "databases": dbs, "redirect": actions.safe_back(redirect),
            "list_db": config.current().get("list_db"), "notices": request.pop_notices()})

    @http.route("/web/menu/<int:menu_id>", type="http", auth="user")
    def open_menu(self, menu_id):
        roots = menus.tree(request.env, request.debug)
        _root, item = menus.find(roots, menu_id)
        if item is None:
            return request.not_found(_("This menu does not exist or is not yours to see."))
        action = menus.first_action(item)
        if not action:
            return request.redirect("/web")
        model, _sep, action_id = action.partition(",")
        if model != "ir.actions.act_window":
            record = request.env[model].sudo().browse(int(action_id)).exists()
            if record and model == "ir.actions.act_url":
                return request.redirect(record.url)
            return request.not_found(_("This menu's action cannot be opened here."))
        return request.redirect(f"/web/action/{action_id}")

    @http.route("/web/debug", type="http", auth="user")
    def toggle_debug(self, redirect="/web", **kw):
        request.session["debug"] = not request.debug
        request.notify(_("Developer mode is on.") if request.debug else _("Developer mode is off."), "info")
        return request.redirect(actions.safe_back(redirect))
