"""``/web/preferences``: the language, time zone and API keys of the logged-in user."""
from __future__ import annotations

import zoneinfo
from functools import cache

from coquiapps import http
from coquiapps.exceptions import AccessError, UserError
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
        return self._page()

    def _page(self, new_key: str | None = None, new_key_name: str = ""):
        user = request.env.user.sudo()
        keys = request.env["res.users.apikeys"].sudo().search([("user_id", "=", user.id)])
        response = layout.page("web/preferences.html", {
            "title": _("Preferences"), "langs": active_langs(request.env), "timezones": timezones(),
            "user_lang": user.lang or "en_US", "user_tz": user.tz or "",
            "api_keys": [(key.id, key.name) for key in keys], "new_key": new_key, "new_key_name": new_key_name,
        })
        if new_key:
            response.headers["Cache-Control"] = "no-store"  # the key is shown this once
        return response

    @http.route(URL + "/apikeys/new", type="http", auth="user", methods=["POST"])
    def new_api_key(self, name="", password="", **kw):
        """Make an API key after the user confirms their password (as Odoo's "check identity")."""
        from coquiapps.service import throttle

        user = request.env.user
        account = f"uid:{user.id}"
        try:
            throttle.check_login(request.db, account, request.env.cr)
            try:
                user._check_credentials(user.id, password or "")
            except AccessError:
                throttle.login_failed(request.db, account)
                raise AccessError(_("Wrong password: the API key was not made.")) from None
            key = request.env["res.users.apikeys"]._generate(None, name)
        except (AccessError, UserError) as exc:
            request.notify(str(exc), "danger")
            return request.redirect(URL)
        return self._page(new_key=key, new_key_name=name.strip())

    @http.route(URL + "/apikeys/<int:key_id>/revoke", type="http", auth="user", methods=["POST"])
    def revoke_api_key(self, key_id, **kw):
        key = request.env["res.users.apikeys"].sudo().browse(key_id).exists()
        if not key or key.user_id.id != request.env.uid:
            request.notify(_("No such API key of yours."), "danger")
            return request.redirect(URL)
        name = key.name
        request.env["res.users.apikeys"].browse(key.id).remove()  # checked again as the user
        request.notify(_("API key %s revoked.", name), "success")
        return request.redirect(URL)

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
