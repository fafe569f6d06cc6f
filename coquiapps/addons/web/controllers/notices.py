"""``/web/notices``: the notices sent to the logged-in user (alerts to act on), and dismissing them."""
from __future__ import annotations

from coquiapps import http
from coquiapps.http import request
from coquiapps.tools.translate import _

from ..webclient import layout, notices

URL = notices.URL


class Notices(http.Controller):
    """The page behind the counter of the top bar."""

    @http.route(URL, type="http", auth="user", methods=["GET"])
    def notices(self, dismissed="", **kw):
        show_dismissed = dismissed == "1"
        records = notices.own(request.env, dismissed=show_dismissed)
        return layout.page("web/notices.html", {
            "title": _("Dismissed Notices") if show_dismissed else _("Notices"),
            "rows": notices.rows(records), "show_dismissed": show_dismissed})

    @http.route(f"{URL}/<int:notice_id>/dismiss", type="http", auth="user", methods=["POST"])
    def dismiss(self, notice_id, **kw):
        notice = request.env["res.notice"].search([("id", "=", notice_id), ("user_id", "=", request.env.uid)])
        if not notice:
            request.notify(_("This notice does not exist or was not sent to you."), "danger")
        else:
            notice.action_dismiss()
            request.notify(_("Notice dismissed: %s", notice.title), "success")
        return request.redirect(URL)

    @http.route(f"{URL}/dismiss_all", type="http", auth="user", methods=["POST"])
    def dismiss_all(self, **kw):
        current = notices.own(request.env)
        current.action_dismiss()
        request.notify(_("%s notice(s) dismissed.", len(current)), "success")
        return request.redirect(URL)
