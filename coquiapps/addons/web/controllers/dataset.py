"""``/web/dataset/call_kw``: model methods over JSON-RPC with the session user's rights."""
from __future__ import annotations

from coquiapps import http
from coquiapps.http import request

from ..webclient import dispatch


class DataSet(http.Controller):
    """Remote method calls (OdooRPC's JSON transport)."""

    @http.route(["/web/dataset/call_kw", "/web/dataset/call_kw/<path:path>"], type="json", auth="user")
    def call_kw(self, model, method, args=None, kwargs=None, path=None, **kw):
        return dispatch.call_kw(request.env, model, method, list(args or []), dict(kwargs or {}))

    @http.route("/web/dataset/call_button", type="json", auth="user")
    def call_button(self, model, method, args=None, kwargs=None, **kw):
        result = dispatch.call_kw(request.env, model, method, list(args or []), dict(kwargs or {}))
        return result if isinstance(result, dict) else False
