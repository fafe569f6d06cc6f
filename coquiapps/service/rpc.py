"""The external API, compatible with Odoo's: XML-RPC ``/xmlrpc/2/<service>`` and ``/jsonrpc``.

Services: ``common`` (version, authenticate, login), ``object`` (execute_kw,
execute) and ``db`` (list, db_exist, create_database, duplicate_database,
drop, dump, restore, list_lang, list_countries, server_version). :func:`wsgi_app` is a WSGI callable on its own; the
web :class:`~coquiapps.http.Application` hands it those paths.

For other transports: :func:`authenticate` (login -> uid or False) and
:func:`execute_kw` (a method call as a user, committed).
"""
from __future__ import annotations

import json
import logging
import xmlrpc.client

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.wrappers import Request, Response

from coquiapps.orm.exceptions import AccessError, MissingError, UserError, ValidationError
from coquiapps.service import common, db_rpc, model, throttle
from coquiapps.service.marshal import from_xmlrpc, to_wire
from coquiapps.service.security import AccessDenied

_logger = logging.getLogger(__name__)

authenticate = common.authenticate
execute_kw = model.execute_kw
call_kw = model.call_kw

# XML-RPC fault codes as Odoo's /xmlrpc/2 uses them
FAULT_APPLICATION = 1
FAULT_WARNING = 2
FAULT_ACCESS_DENIED = 3
FAULT_ACCESS_ERROR = 4
MAX_BODY = 64 * 1024 * 1024


def dispatch_rpc(service: str, method: str, params: list, host: str | None = None):
    """Call ``service.method(*params)``; the raw (not yet marshalled) result."""
    if service == "common":
        return common.dispatch(method, params, host)
    if service == "object":
        return model.dispatch(method, params, host)
    if service == "db":
        return db_rpc.dispatch(method, params, host)
    raise NameError(f"unknown service {service!r}")


def _describe(exc: BaseException) -> tuple[int, str, str]:
    """(fault code, error class name, message) for an exception; the message is for people."""
    if isinstance(exc, AccessDenied):
        return FAULT_ACCESS_DENIED, "odoo.exceptions.AccessDenied", str(exc) or "Access Denied"
    if isinstance(exc, AccessError):
        return FAULT_ACCESS_ERROR, "odoo.exceptions.AccessError", str(exc)
    if isinstance(exc, MissingError | ValidationError | UserError):
        return FAULT_WARNING, f"odoo.exceptions.{type(exc).__name__}", str(exc)
    if isinstance(exc, NameError | TypeError | AttributeError | ValueError | KeyError):
        return FAULT_APPLICATION, f"builtins.{type(exc).__name__}", _message(exc)
    from coquiapps.sql_db import DatabaseError

    if isinstance(exc, DatabaseError):
        return FAULT_APPLICATION, "coquiapps.sql_db.DatabaseError", str(exc)
    return FAULT_APPLICATION, f"{type(exc).__module__}.{type(exc).__name__}", \
        "The server hit an error and could not complete the request; see the server log."


def _message(exc: BaseException) -> str:
    """The message of an exception as written: a KeyError's ``str()`` adds quotes, the text keeps its own."""
    if len(exc.args) == 1 and isinstance(exc.args[0], str):
        return exc.args[0] or type(exc).__name__
    return str(exc) or type(exc).__name__


def _log_failure(where: str, exc: BaseException) -> None:
    if isinstance(exc, UserError | NameError | TypeError | AttributeError | ValueError | KeyError):
        _logger.info("%s: %s: %s", where, type(exc).__name__, exc)
    else:
        _logger.exception("%s failed", where)


# -- XML-RPC ------------------------------------------------------------------------------
def _xml_response(body: str) -> Response:
    return Response(body.encode("utf-8"), content_type="text/xml; charset=utf-8")


def handle_xmlrpc(request: Request, service: str) -> Response:
    if request.method != "POST":
        raise MethodNotAllowed(["POST"])
    try:
        params, method = xmlrpc.client.loads(request.get_data(), use_builtin_types=True)
    except Exception as exc:  # malformed XML: a fault, not a crash
        return _xml_response(xmlrpc.client.dumps(
            xmlrpc.client.Fault(FAULT_APPLICATION, f"invalid XML-RPC request: {exc}"), methodresponse=True))
    try:
        result = dispatch_rpc(service, method or "", from_xmlrpc(list(params)), request.host)
        body = xmlrpc.client.dumps((to_wire(result),), methodresponse=True, allow_none=False)
    except Exception as exc:
        _log_failure(f"xmlrpc {service}.{method}", exc)
        code, _name, message = _describe(exc)
        body = xmlrpc.client.dumps(xmlrpc.client.Fault(code, message), methodresponse=True)
    return _xml_response(body)


# -- JSON-RPC -----------------------------------------------------------------------------
def _json(body: dict) -> Response:
    return Response(json.dumps(body), content_type="application/json")


def json_error(request_id, exc: BaseException) -> dict:
    """A JSON-RPC 2.0 error object as Odoo's clients read it (``data.message``, ``data.name``)."""
    _fault, name, message = _describe(exc)
    code = 200  # as Odoo: 100 is only for an expired web session
    return {"jsonrpc": "2.0", "id": request_id, "error": {
        "code": code, "message": "CoquiAPPs Server Error",
        "data": {"name": name, "message": message, "arguments": [message], "context": {}, "debug": ""}}}


def handle_jsonrpc(request: Request) -> Response:
    if request.method != "POST":
        raise MethodNotAllowed(["POST"])
    try:
        body = json.loads(request.get_data(as_text=True) or "null")
    except ValueError as exc:
        return _json({"jsonrpc": "2.0", "id": None,
                      "error": {"code": -32700, "message": f"Parse error: {exc}"}})
    if not isinstance(body, dict):
        return _json({"jsonrpc": "2.0", "id": None,
                      "error": {"code": -32600, "message": "Invalid Request: the body must be an object"}})
    request_id = body.get("id")
    params = body.get("params") or {}
    if body.get("method", "call") != "call" or not isinstance(params, dict):
        return _json({"jsonrpc": "2.0", "id": request_id,
                      "error": {"code": -32601, "message": "Method not found: use method 'call'"}})
    service, method, args = params.get("service"), params.get("method"), params.get("args") or []
    try:
        if not isinstance(args, list):
            raise TypeError("params.args must be a list")
        result = to_wire(dispatch_rpc(service, method or "", args, request.host))
    except Exception as exc:
        _log_failure(f"jsonrpc {service}.{method}", exc)
        return _json(json_error(request_id, exc))
    return _json({"jsonrpc": "2.0", "id": request_id, "result": result})


# -- WSGI ---------------------------------------------------------------------------------
def _route(request: Request) -> Response:
    path = request.path.rstrip("/")
    if request.content_length and request.content_length > MAX_BODY:
        return Response("request too large", status=413)
    if path == "/jsonrpc":
        return handle_jsonrpc(request)
    for prefix in ("/xmlrpc/2/", "/xmlrpc/"):
        if path.startswith(prefix):
            service = path[len(prefix):]
            if service in ("common", "object", "db"):
                return handle_xmlrpc(request, service)
    raise NotFound()


def wsgi_app(environ, start_response):
    """WSGI entry point for ``/xmlrpc/[2/]common|object|db`` and ``/jsonrpc``."""
    request = Request(environ)
    from coquiapps.tools import config

    throttle.client_address.set(throttle.address_of(environ, config.current().get("proxy_mode")))
    try:
        response = _route(request)
    except HTTPException as exc:
        response = exc.get_response(environ)
    return response(environ, start_response)
