"""``/web/preferences``: the language and time zone of the logged-in user."""
from __future__ import annotations

import zoneinfo
from functools import cache

from coquiapps import http
from coquiapps.http import request
from coquiapps.tools import translate
from coquiapps.tools.translate import _

from ..webclient import layout

URL = "/web/preferences"


def active_langs(env) -> list[tuple[str, str]]:
    """(code, name) of the active languages, English first."""
    langs = env["res.lang"].sudo().search([("active", "=", True)])
    return sorted(((lang.code, lang.name) for lang in langs), key=lambda item: (item[0] != "en_US", item[1]))


@cache
def timezones() -> tuple[str, ...]:
    """The time zones a user may choose (IANA names, ``UTC`` first)."""
    names = {name for name in zoneinfo.available_timezones()
             if "/" in name and not name.startswith(("Etc/", "SystemV/", "posix/", "right/"))}
    return ("UTC", *sorted(names))


class Preferences(http.Controller):
    """The user's own preferences (Odoo's "My Preferences")."""

    @http.route(URL, type="http", auth="user", methods=["GET"])
    def preferences(self, **kw):
        user = request.env.user.sudo()
        return layout.page("web/preferences.html", {
            "title": _("Preferences"), "langs": active_langs(request.env), "timezones": timezones(),
            "user_lang": user.lang or "en_US", "user_tz": user.tz or "",
        })

    @http.route(URL, type="http", auth="user", methods=["POST"])
    def save_preferences(self, lang="", tz="", **kw):
        if lang not in dict(active_langs(request.env)):
            request.notify(_("The language %s is not active.", lang), "danger")
            return request.redirect(URL)
        if tz and tz not in timezones():  # empty: follow the browser's zone
            request.notify(_("Unknown time zone %s.", tz), "danger")
            return request.redirect(URL)
        # a user may change these two fields of their own account (nothing else here)
        request.env.user.sudo().write({"lang": lang, "tz": tz or False})
        request.session["context"] = {**(request.session.get("context") or {}), "lang": lang, "tz": tz}
        translate.ensure_loaded(request.registry.modules, lang)
        translate.set_lang(lang)  # the notice already in the new language (reset after the request)
        request.notify(_("Preferences saved."), "success")
        return request.redirect(URL)
