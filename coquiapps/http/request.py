"""The current request: ``request.env``, ``request.params``, ``request.session`` ...

``request`` is a context-local proxy, valid while a request is being handled.
"""
from __future__ import annotations

import contextvars
import json

import werkzeug.utils
from werkzeug.exceptions import NotFound
from werkzeug.local import LocalProxy
from werkzeug.wrappers import Response

from coquiapps.http import csrf, redirects, templates

_current: contextvars.ContextVar = contextvars.ContextVar("coquiapps_request")


def _get_request():
    try:
        return _current.get()
    except LookupError:
        raise RuntimeError("no request is being handled (request used outside a route)") from None


request: Request = LocalProxy(_get_request)  # type: ignore[assignment]


class Request:
    """What a route sees of the request being handled."""

    def __init__(self, app, httprequest, session):
        self.app = app
        self.httprequest = httprequest
        self.session = session
        self.db: str | None = None
        self.cr = None
        self.registry = None
        self.env = None
        self.uid: int | None = None
        self.params: dict = {}
        self.routing: dict = {}
        self.jsonrequest: dict | None = None
        self.lang: str = self.session_lang
        self.tz: str = "UTC"

    # -- environment -------------------------------------------------------
    @property
    def debug(self) -> bool:
        """Developer mode of the session."""
        return bool(self.session.get("debug"))

    @property
    def session_lang(self) -> str:
        """The language the session's context asks for (``en_US`` when none)."""
        return (self.session.get("context") or {}).get("lang") or "en_US"

    @property
    def context(self) -> dict:
        return dict(self.env.context) if self.env is not None else {}

    def update_env(self, uid=None, context=None) -> None:
        """Switch ``request.env`` to another user or context (after a login, say)."""
        from coquiapps.orm.environment import Environment

        if self.cr is None:
            return
        self.uid = uid if uid is not None else self.uid
        ctx = dict(self.session.get("context") or {}) if context is None else dict(context)
        self.env = Environment(self.cr, self.uid, ctx, su=False, registry=self.registry)

    # -- CSRF --------------------------------------------------------------
    def csrf_token(self) -> str:
        """A token to put in every state-changing form (``<input name="csrf_token">``)."""
        if self.session.new:
            self.session.modified = True  # the token is bound to this id: keep it
        return csrf.make_token(self.app.secret, self.session.sid)

    def validate_csrf(self, token: str | None) -> bool:
        return csrf.check_token(self.app.secret, self.session.sid, token)

    # -- notices -----------------------------------------------------------
    def notify(self, message: str, kind: str = "success") -> None:
        """A notice shown on the next page rendered for this session (``success``/``warning``/``danger``/``info``)."""
        notices = list(self.session.get("notices") or [])
        notices.append({"kind": kind, "message": str(message)})
        self.session["notices"] = notices[-5:]

    def pop_notices(self) -> list[dict]:
        notices = list(self.session.get("notices") or [])
        if notices:
            self.session["notices"] = []
        return notices

    # -- responses ---------------------------------------------------------
    def render(self, template_name: str, values: dict | None = None, status: int = 200) -> Response:
        """A page rendered from an addon's Jinja2 template (autoescaped)."""
        html = templates.render(template_name, {"request": self, **self.app.template_globals(self),
                                                **(values or {})})
        return Response(html, status=status, content_type="text/html; charset=utf-8")

    def make_response(self, data, headers=None, status: int = 200) -> Response:
        return Response(data, status=status, headers=headers or [("Content-Type", "text/html; charset=utf-8")])

    def make_json_response(self, data, status: int = 200) -> Response:
        return Response(json.dumps(data, default=str), status=status, content_type="application/json")

    def redirect(self, location: str, code: int = 303) -> Response:
        """Send the browser to ``location`` (303: the next request is a GET).

        A location holding a control character (CR/LF: a header injection) is
        a 400; values coming from users go through :func:`redirects.local_path` first.
        """
        return werkzeug.utils.redirect(redirects.check_location(location), code=code)

    def not_found(self, description: str | None = None):
        """A 404 error (raise or return it)."""
        return NotFound(description)
