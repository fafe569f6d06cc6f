"""Login with Amazon token endpoint: ``POST /auth/o2/token`` (AMAZON.md §2)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from werkzeug.wrappers import Request, Response

from .grants import ACCESS_TOKEN_LIFETIME
from .responses import json_response, lwa_error

if TYPE_CHECKING:
    from .app import Sandbox

GRANTLESS_SCOPES = ("sellingpartnerapi::notifications", "sellingpartnerapi::client_credential:rotation")
GRANT_TYPES = ("authorization_code", "refresh_token", "client_credentials")


def _missing(name: str) -> Response:
    return lwa_error(400, "invalid_request", f"The request is missing a required parameter : {name}")


def _parameters(request: Request) -> dict[str, str] | Response:
    """The request's parameters: a form body, or a JSON object as Amazon's own SDK clients post.

    LWA reads both (Java/C# ``LWAClient`` and npm ``amazon-sp-api`` send
    ``application/json``); a JSON body that is not an object of strings is
    refused as Amazon does, with ``invalid_request``.
    """
    if request.mimetype != "application/json":
        return {name: value for name, value in request.form.items()}
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return lwa_error(400, "invalid_request", "The request body is not a valid JSON object")
    # numbers are accepted as their text; any other non-string value counts as missing
    return {name: value if isinstance(value, str) else str(value)
            for name, value in body.items()
            if isinstance(value, str) or (isinstance(value, int | float) and not isinstance(value, bool))}


def token_endpoint(sandbox: Sandbox, request: Request) -> Response:
    form = _parameters(request)
    if isinstance(form, Response):
        sandbox.calls.record_lwa("(none)", "(none)", form.status_code)
        return form
    grant_type = form.get("grant_type", "")
    client_id = form.get("client_id", "")
    response = _token(sandbox, request, form, grant_type, client_id)
    sandbox.calls.record_lwa(grant_type or "(none)", client_id or "(none)", response.status_code)
    return response


def _token(sandbox: Sandbox, request: Request, form: dict[str, str], grant_type: str,
           client_id: str) -> Response:
    if request.method != "POST":
        return lwa_error(400, "invalid_request", "The request method must be POST")
    if not grant_type:
        return _missing("grant_type")
    if grant_type not in GRANT_TYPES:
        return lwa_error(400, "unsupported_grant_type",
                         "The authorization grant type is not supported by the authorization server")
    for name in ("client_id", "client_secret"):
        if not form.get(name):
            return _missing(name)
    if form.get("refresh_token") and form.get("scope"):
        # LWA refuses an ambiguous request that is both a refresh and a grantless call.
        return lwa_error(400, "invalid_request",
                         "The request must not contain both refresh_token and scope parameters")
    needed = {"authorization_code": ("code", "redirect_uri"), "refresh_token": ("refresh_token",),
              "client_credentials": ("scope",)}[grant_type]
    for name in needed:
        if not form.get(name):
            return _missing(name)

    now = sandbox.clock.time()
    app = sandbox.apps.get(client_id)
    if app is None or not app.secret_valid(form["client_secret"], now):
        return lwa_error(401, "invalid_client", "Client authentication failed")

    grants = sandbox.grants
    body = {"token_type": "bearer", "expires_in": ACCESS_TOKEN_LIFETIME}
    if grant_type == "authorization_code":
        code = grants.codes.get(form["code"])
        if (code is None or code.used or now >= code.expires_at or code.client_id != client_id
                or code.redirect_uri != form["redirect_uri"]):
            return lwa_error(400, "invalid_grant", "The request has an invalid grant parameter : code")
        code.used = True
        refresh = grants.issue_refresh(client_id, code.selling_partner_id, now,
                                       public=app.kind == "public")
        access = grants.issue_access(client_id, now, refresh=refresh)
        body = {"access_token": access.token, "refresh_token": refresh.token, **body}
    elif grant_type == "refresh_token":
        refresh = grants.refresh.get(form["refresh_token"])
        if refresh is None or refresh.client_id != client_id:
            return lwa_error(400, "invalid_grant",
                             "The request has an invalid grant parameter : refresh_token")
        if refresh.revoked or (refresh.expires_at is not None and now >= refresh.expires_at):
            return lwa_error(400, "invalid_grant",
                             "The request has an invalid grant parameter : refresh_token. "
                             "User may have revoked or didn't grant the permission.")
        body = {"access_token": grants.issue_access(client_id, now, refresh=refresh).token, **body}
    else:
        if form["scope"] not in GRANTLESS_SCOPES:
            return lwa_error(400, "invalid_scope", "An unknown scope was requested")
        access = grants.issue_access(client_id, now, scope=form["scope"])
        body = {"access_token": access.token, "scope": form["scope"], **body}
    return json_response(body, 200, {"Cache-Control": "no-store", "Pragma": "no-cache"},
                         content_type="application/json;charset=UTF-8")
