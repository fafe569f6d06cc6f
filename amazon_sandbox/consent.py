"""Seller Central's consent page: ``GET/POST /apps/authorize/consent`` (AMAZON.md §1).

One sandbox host stands in for every Seller Central host. The page is plain
HTML with stable names so a browser test can drive it: ``select[name=
selling_partner_id]``, ``input[name=password]``, ``button[value=confirm]`` and
``button[value=cancel]``; errors are in ``#error-code`` / ``#error``.
"""
from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit, urlunsplit

from werkzeug.wrappers import Request, Response

if TYPE_CHECKING:
    from .app import Sandbox
    from .model import App

NO_REFERRER = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


def _page(title: str, body: str, status: int = 200) -> Response:
    html = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{escape(title)}</title>"
            f"</head><body><h1>{escape(title)}</h1>{body}</body></html>")
    return Response(html, status=status, headers=NO_REFERRER, content_type="text/html; charset=utf-8")


def _error_page(code: str, message: str) -> Response:
    return _page("We're sorry!",
                 f"<p id='error'>{escape(message)}</p><p>Error code: <span id='error-code'>"
                 f"{escape(code)}</span></p>", status=400)


def _redirect(uri: str, params: dict) -> Response:
    parts = urlsplit(uri)
    query = "&".join(q for q in (parts.query, urlencode(params)) if q)
    location = urlunsplit(parts._replace(query=query))
    return Response("", status=302, headers={"Location": location, **NO_REFERRER})


def _check(sandbox: Sandbox, args) -> tuple[App | None, str | None, Response | None]:
    app = next((a for a in sandbox.apps.values() if a.application_id == args.get("application_id")), None)
    if app is None:
        return None, None, _error_page("MD9100", "The application id is not valid.")
    redirect_uri = args.get("redirect_uri") or app.redirect_uris[0]
    if redirect_uri not in app.redirect_uris:
        return None, None, _error_page(
            "MD5101", "The redirect URI is not among the application's registered OAuth redirect URIs.")
    if app.draft and args.get("version") != "beta":
        return None, None, _error_page(
            "MD1000", "The application is in draft state: the authorization URI needs version=beta.")
    return app, redirect_uri, None


def _form(sandbox: Sandbox, app: App, args, error: str = "") -> Response:
    hidden = "".join(
        f"<input type='hidden' name='{k}' value='{escape(args.get(k, ''), quote=True)}'>"
        for k in ("application_id", "state", "redirect_uri", "version")
    )
    options = "".join(
        f"<option value='{escape(s.selling_partner_id)}'>{escape(s.name)} "
        f"({escape(s.region)}, {escape(s.selling_partner_id)})</option>"
        for s in sandbox.sellers.values()
    )
    error_html = f"<p id='error' role='alert'>{escape(error)}</p>" if error else ""
    body = (
        f"<p id='app-name'>{escape(app.name)} would like to access your Amazon selling account.</p>"
        f"{error_html}<form id='consent-form' method='post' action='/apps/authorize/consent'>{hidden}"
        f"<label>Seller account <select name='selling_partner_id' id='selling_partner_id'>{options}"
        "</select></label><label>Password <input name='password' id='password' type='password'>"
        "</label><button type='submit' id='confirm' name='action' value='confirm'>Confirm</button>"
        "<button type='submit' id='cancel' name='action' value='cancel'>Cancel</button></form>"
    )
    return _page("Authorize application", body)


def consent_page(sandbox: Sandbox, request: Request) -> Response:
    args = request.form if request.method == "POST" else request.args
    app, redirect_uri, error = _check(sandbox, args)
    if error is not None:
        sandbox.calls.record("consent", error.status_code)
        return error
    if request.method != "POST":
        sandbox.calls.record("consent", 200)
        return _form(sandbox, app, args)
    state = args.get("state", "")
    if args.get("action") == "cancel":
        sandbox.calls.record("consent", 302)
        return _redirect(redirect_uri, {"error": "access_denied", "state": state,
                                        "error_description": "The seller cancelled the authorization"})
    seller = sandbox.sellers.get(args.get("selling_partner_id", ""))
    if seller is None or seller.password != args.get("password"):
        sandbox.calls.record("consent", 200)
        return _form(sandbox, app, args, error="The password is incorrect for this seller account.")
    code = sandbox.grants.issue_code(app.client_id, seller.selling_partner_id, redirect_uri,
                                     sandbox.clock.time())
    sandbox.calls.record("consent", 302)
    return _redirect(redirect_uri, {"state": state, "selling_partner_id": seller.selling_partner_id,
                                    "spapi_oauth_code": code})
