"""Error responses: pages for http routes, JSON-RPC errors for json routes."""
from __future__ import annotations

import json
import secrets

from werkzeug.wrappers import Response

from coquiapps.http import templates

TITLES = {400: "Bad Request", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
          415: "Unsupported Media Type", 500: "Internal Server Error", 503: "Service Unavailable"}
UNAVAILABLE = "The database server is unavailable, try again shortly."


class SessionExpiredException(Exception):
    """A json route needing a user was called without a valid session."""


class UnsupportedMediaType(Exception):
    """A json route was sent a body of another type than application/json."""


class CrossOriginRefused(Exception):
    """A json route was called from a page of another origin without the session's CSRF token."""


def new_reference() -> str:
    """A short code naming one logged error, shown to the user instead of the traceback."""
    return secrets.token_hex(4)


def error_page(code: int, message: str, traceback: str | None = None,
               reference: str | None = None) -> Response:
    """An HTML error page; the traceback only when given (system administrators in developer mode)."""
    html = templates.render("http/error.html", {
        "code": code, "title": TITLES.get(code, "Error"), "message": message, "traceback": traceback,
        "reference": reference})
    return Response(html, status=code, content_type="text/html; charset=utf-8")


def exception_name(exc: BaseException) -> str:
    from coquiapps.orm.exceptions import AccessDenied

    if isinstance(exc, AccessDenied):
        return "odoo.exceptions.AccessDenied"  # the name Odoo's clients match on (OdooRPC, the web client)
    cls = type(exc)
    return f"{cls.__module__}.{cls.__qualname__}"


def json_error(request_id, exc: BaseException, code: int = 200, message: str | None = None,
               debug: str = "", reference: str | None = None, status: int = 200) -> Response:
    """A JSON-RPC 2.0 error envelope as Odoo sends it (HTTP ``status`` 200 unless refused before the call)."""
    text = exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)
    data = {"name": exception_name(exc), "message": text, "arguments": [text], "debug": debug}
    if reference:
        data["reference"] = reference
    body = {"jsonrpc": "2.0", "id": request_id, "error": {
        "code": code, "message": message or "CoquiAPPs Server Error", "data": data}}
    return Response(json.dumps(body, default=str), status=status, content_type="application/json")


def json_result(request_id, result) -> Response:
    body = {"jsonrpc": "2.0", "id": request_id, "result": result}
    return Response(json.dumps(body, default=str), status=200, content_type="application/json")
