"""The WSGI application: sessions, database selection, routing, transactions, errors."""
from __future__ import annotations

import importlib
import inspect
import json
import logging
import os
import re
import secrets
import traceback
from pathlib import Path
from urllib.parse import urlencode

import werkzeug.utils
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import RequestRedirect
from werkzeug.wrappers import Request as WerkzeugRequest
from werkzeug.wrappers import Response

from coquiapps import sql_db
from coquiapps.http import dbselect, errors, origin, routing, sessions
from coquiapps.http.request import Request, _current
from coquiapps.http.sessions import COOKIE_NAME, MAX_AGE
from coquiapps.orm.exceptions import AccessError, MissingError, UserError
from coquiapps.service import throttle
from coquiapps.tools import translate

_logger = logging.getLogger(__name__)
STATIC_RE = re.compile(r"^/([A-Za-z0-9_]+)/static/(.+)$")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'self'; frame-ancestors 'self'")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Content-Security-Policy": CSP,
}


class ChooseDatabase(Exception):
    """``?db=NAME`` names a database this server does not serve (the selector says so)."""

    def __init__(self, name: str):
        super().__init__(name)
        self.name = name


class Application:
    """The WSGI callable serving every database of this server.

    ``Application()`` reads :func:`coquiapps.tools.config.current`; paths
    under ``/xmlrpc/`` and ``/jsonrpc`` go to :mod:`coquiapps.service.rpc`.
    """

    def __init__(self, config=None):
        from coquiapps.tools import config as config_mod

        self.config = config or config_mod.current()
        self.session_store = sessions.SessionStore()
        self.secret = self._load_secret()
        self.route_maps = routing.RouteMaps()

    def _load_secret(self) -> bytes:
        key = self.config.get("server_key")
        if key:
            return key.encode()
        path = Path(self.config.data_dir) / "sessions" / ".secret"
        try:
            return path.read_bytes()
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            value = secrets.token_hex(32).encode()
            tmp = path.with_suffix(f".{os.getpid()}")
            tmp.write_bytes(value)
            os.chmod(tmp, 0o600)
            try:
                os.link(tmp, path)  # first writer wins when several workers start together
            except FileExistsError:
                pass
            tmp.unlink()
            return path.read_bytes()

    # -- WSGI -------------------------------------------------------------------
    def __call__(self, environ, start_response):
        throttle.client_address.set(throttle.address_of(environ, self.config.get("proxy_mode")))
        path = environ.get("PATH_INFO") or "/"
        if path.startswith("/xmlrpc/") or path.startswith("/jsonrpc"):
            return self._rpc(environ, start_response)
        httprequest = WerkzeugRequest(environ)
        response = self.dispatch(httprequest)
        return response(environ, start_response)

    def _rpc(self, environ, start_response):
        try:
            rpc = importlib.import_module("coquiapps.service.rpc")
        except ModuleNotFoundError as exc:
            if exc.name != "coquiapps.service.rpc":
                raise
            return NotFound()(environ, start_response)
        return rpc.wsgi_app(environ, start_response)

    def dispatch(self, httprequest) -> Response:
        """Handle one request and return its response (sessions saved, headers set)."""
        static = self._static(httprequest.path)
        if static is not None:
            return self._secure(static)
        try:
            session = self.session_store.get(httprequest.cookies.get(COOKIE_NAME))
        except Exception as exc:
            if not sql_db.is_unavailable(exc):
                raise
            return self._sessions_unavailable(httprequest, exc)
        req = Request(self, httprequest, session)
        token = _current.set(req)
        lang_token = translate.set_lang(req.lang)
        try:
            response = self._handle(req)
        finally:
            translate.reset_lang(lang_token)
            _current.reset(token)
            if req.cr is not None:
                req.cr.close()
        try:
            if session.modified:
                self.session_store.save(session)
            elif not session.new:
                self.session_store.touch(session)
        except Exception as exc:  # the request's work is committed, but its session could not be kept
            if not sql_db.is_unavailable(exc):
                raise
            return self._sessions_unavailable(httprequest, exc, (req.jsonrequest or {}).get("id"))
        if not session.new:
            response.set_cookie(COOKIE_NAME, session.sid, max_age=MAX_AGE, httponly=True,
                                samesite="Lax", secure=httprequest.scheme == "https")
        return self._secure(response)

    def _sessions_unavailable(self, httprequest, exc: Exception, request_id=None) -> Response:
        """503 when the session store cannot be reached: the session is kept for the retry."""
        return self._secure(self._unavailable(exc, httprequest.mimetype in origin.JSON_TYPES, request_id))

    def _secure(self, response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    def _static(self, path: str) -> Response | None:
        match = STATIC_RE.match(path)
        if not match:
            return None
        from coquiapps.modules import discovery

        location = discovery.discover(self.config.addons_paths).get(match.group(1))
        if location is None:
            return errors.error_page(404, "This file does not exist.")
        try:
            environ = {"REQUEST_METHOD": "GET"}
            response = werkzeug.utils.send_from_directory(
                Path(location) / "static", match.group(2), environ, max_age=3600)
        except NotFound:
            return errors.error_page(404, "This file does not exist.")
        return response

    # -- one request ------------------------------------------------------------
    def _handle(self, req: Request) -> Response:
        httprequest = req.httprequest
        debug = httprequest.args.get("debug")
        if debug is not None:
            req.session["debug"] = debug not in ("", "0", "false")
        try:
            self._open_database(req)
            self._set_language(req)
            adapter = self.route_maps.get(req.registry.modules if req.registry else ()).bind_to_environ(
                httprequest.environ)
            endpoint, path_args = adapter.match()
        except RequestRedirect as exc:
            return exc.get_response(httprequest.environ)
        except ChooseDatabase as exc:
            req.notify(f"The database {exc.name[:63]} does not exist or is not served by this server; "
                       f"choose one below.", "danger")
            return werkzeug.utils.redirect("/web/database/selector", 303)
        except HTTPException as exc:
            return self._http_error(req, exc)
        except Exception as exc:
            if not sql_db.is_unavailable(exc):
                raise
            return self._unavailable(exc, False, None)
        req.routing = endpoint.routing
        is_json = endpoint.routing["type"] == "json"
        request_id = None
        if is_json:
            refusal = self._check_json_request(req)
            if refusal is not None:
                return refusal
        try:
            if is_json:
                req.jsonrequest = self._json_body(httprequest)
                request_id = req.jsonrequest.get("id")
                req.params = dict(req.jsonrequest.get("params") or {})
            else:
                req.params = {**httprequest.args.to_dict(), **httprequest.form.to_dict(),
                              **{k: v for k, v in httprequest.files.items()}}
            req.params.update(path_args)
            refusal = self._check_auth(req, is_json)
            if refusal is not None:
                return refusal
            if (not is_json and endpoint.routing.get("csrf", True)
                    and httprequest.method not in SAFE_METHODS
                    and not req.validate_csrf(req.params.pop("csrf_token", None))):
                _logger.warning("CSRF refused: %s %s", httprequest.method, httprequest.path)
                return errors.error_page(
                    403, "Session expired or invalid security token: reload the page and try again.")
            req.params.pop("csrf_token", None)
            result = endpoint(**_accepted(endpoint, req.params))
            response = self._to_response(req, result, request_id, is_json)
            if req.cr is not None:
                req.cr.commit()
            return response
        except Exception as exc:
            if req.cr is not None:
                req.cr.rollback()
            return self._error(req, exc, request_id, is_json)

    def _open_database(self, req: Request) -> None:
        from coquiapps import sql_db
        from coquiapps.orm.registry import Registry

        db = self._choose_db(req)
        if not db:
            return
        try:
            req.cr = sql_db.cursor(db)
            req.registry = Registry.get(db).check_signaling(req.cr)
        except Exception as exc:  # dropped meanwhile, or not ours
            if req.cr is not None:
                req.cr.close()
                req.cr = None
            req.registry = None
            if sql_db.is_unavailable(exc):
                raise  # PostgreSQL is down: the session stays, the page says to try again
            _logger.info("database %s cannot be used: %s", db, exc)
            req.session.logout(keep_db=False)
            return
        req.db = db
        uid = req.session.get("uid") if req.session.get("db") == db else None
        if uid:
            req.cr.execute("SELECT 1 FROM res_users WHERE id = %s AND active", (uid,))
            if req.cr.fetchone() is None:
                req.session.logout()
                uid = None
        req.update_env(uid=uid)

    def _set_language(self, req: Request) -> None:
        """The language (and time zone) of this request: the user's, else the session's, else en_US.

        ``_()``, view archs, menus and formats follow it; the request's
        environment gets it in its context (``lang``, ``tz``).
        """
        lang, tz = req.session_lang, None
        if req.cr is not None and req.uid:
            req.cr.execute("SELECT lang, tz FROM res_users WHERE id = %s", (req.uid,))
            row = req.cr.fetchone()
            if row:
                lang, tz = row[0] or lang, row[1]
        req.lang = lang or "en_US"
        req.tz = tz or browser_tz(req) or (req.session.get("context") or {}).get("tz") or "UTC"
        translate.set_lang(req.lang)  # dispatch() resets the language after the request
        if req.registry is not None:
            translate.ensure_loaded(req.registry.modules, req.lang)
        if req.env is not None:
            req.update_env(context={**req.env.context, "lang": req.lang, "tz": req.tz})

    def _choose_db(self, req: Request) -> str | None:
        host = req.httprequest.host
        session = req.session
        wanted = req.httprequest.args.get("db")
        if wanted and dbselect.matches(wanted, host) and wanted in dbselect.allowed_dbs(host):
            if session.get("db") != wanted:
                session.logout(keep_db=False)
                session["db"] = wanted
            return wanted
        if wanted:
            # never carry on in another database than the one asked for: say so, let them choose
            raise ChooseDatabase(wanted)
        current = session.get("db")
        if current and dbselect.matches(current, host):
            return current
        if current:
            session.logout(keep_db=False)
        allowed = dbselect.allowed_dbs(host)
        if len(allowed) == 1:
            session["db"] = allowed[0]
            return allowed[0]
        return None

    def _check_auth(self, req: Request, is_json: bool) -> Response | None:
        auth = req.routing.get("auth", "user")
        if auth == "user" and not req.uid:
            if is_json:
                return errors.json_error(
                    req.jsonrequest.get("id") if req.jsonrequest else None,
                    errors.SessionExpiredException("Session expired"), code=100,
                    message="CoquiAPPs Session Expired")
            target = req.httprequest.full_path.rstrip("?")
            return werkzeug.utils.redirect("/web/login?" + urlencode({"redirect": target}), 303)
        return None

    def _check_json_request(self, req: Request) -> Response | None:
        """Refuse a JSON call sent as another type (415) or forged by another site (403)."""
        httprequest = req.httprequest
        if httprequest.mimetype not in origin.JSON_TYPES:
            return errors.json_error(
                None, errors.UnsupportedMediaType(
                    f"{httprequest.path} takes a JSON-RPC body sent with Content-Type: application/json, "
                    f"not {httprequest.mimetype or 'no Content-Type'}"),
                code=415, message="Unsupported Media Type", status=415)
        if req.validate_csrf(httprequest.headers.get("X-CSRF-Token")):
            return None
        reason = origin.cross_origin(httprequest, bool(self.config.get("proxy_mode")))
        if reason is None:
            return None
        _logger.warning("cross-origin JSON call refused: %s %s (%s)",
                        httprequest.method, httprequest.path, reason)
        return errors.json_error(
            None, errors.CrossOriginRefused(
                f"This call was refused: {reason}. Only pages of this server may call it "
                f"(or send the session's CSRF token in the X-CSRF-Token header)."),
            code=403, message="Forbidden", status=403)

    @staticmethod
    def _json_body(httprequest) -> dict:
        try:
            body = json.loads(httprequest.get_data(as_text=True) or "{}")
        except ValueError as exc:
            raise errors_bad_request(f"invalid JSON body: {exc}") from exc
        if not isinstance(body, dict):
            raise errors_bad_request("the JSON body must be an object")
        return body

    def _to_response(self, req: Request, result, request_id, is_json: bool) -> Response:
        if is_json:
            if isinstance(result, Response):
                return result
            return errors.json_result(request_id, result)
        if isinstance(result, HTTPException):
            raise result
        if isinstance(result, Response):
            return result
        if result is None:
            return Response(status=204)
        if isinstance(result, bytes | str):
            return Response(result, content_type="text/html; charset=utf-8")
        raise TypeError(f"route {req.httprequest.path} returned {type(result).__name__}, not a response")

    # -- errors -------------------------------------------------------------------
    def _http_error(self, req: Request, exc: HTTPException) -> Response:
        if exc.code and exc.code >= 500:
            return errors.error_page(exc.code, exc.description or "Server error")
        messages = {404: "The page you asked for does not exist.",
                    405: "This page cannot be used that way."}
        description = exc.description if exc.description and not _default_description(exc) else None
        response = errors.error_page(exc.code or 400, description or messages.get(exc.code, str(exc)))
        if exc.code == 405 and hasattr(exc, "valid_methods") and exc.valid_methods:
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    def _error(self, req: Request, exc: Exception, request_id, is_json: bool) -> Response:
        if sql_db.is_unavailable(exc, req.cr.connection if req.cr is not None else None):
            return self._unavailable(exc, is_json, request_id)
        debug = traceback.format_exc() if req.debug and _is_system(req) else ""
        if is_json:
            if isinstance(exc, HTTPException):
                return errors.json_error(request_id, exc, code=exc.code or 400, message=exc.description)
            if isinstance(exc, UserError):
                return errors.json_error(request_id, exc, debug=debug)
            reference = errors.new_reference()
            _logger.exception("error %s in json route %s", reference, req.httprequest.path)
            return errors.json_error(request_id, exc, debug=debug, reference=reference)
        if isinstance(exc, HTTPException):
            return self._http_error(req, exc)
        if isinstance(exc, MissingError):
            return errors.error_page(404, exc.message)
        if isinstance(exc, AccessError):
            return errors.error_page(403, exc.message)
        if isinstance(exc, UserError):
            return errors.error_page(400, exc.message)
        reference = errors.new_reference()
        _logger.exception("error %s in route %s", reference, req.httprequest.path)
        return errors.error_page(500, "The server hit an error and could not complete the request.",
                                 traceback=debug or None, reference=reference)

    @staticmethod
    def _unavailable(exc: Exception, is_json: bool, request_id) -> Response:
        """503: PostgreSQL is down or restarting (the cause is logged, not shown)."""
        _logger.warning("database server unavailable: %s", sql_db.first_line(exc))
        if is_json:
            return errors.json_error(request_id, sql_db.ServerUnavailable(errors.UNAVAILABLE), code=503,
                                     message="Service Unavailable", status=503)
        response = errors.error_page(503, errors.UNAVAILABLE)
        response.headers["Retry-After"] = "5"
        return response

    # -- templates --------------------------------------------------------------------
    def template_globals(self, req: Request) -> dict:
        """Values every template gets (addons extend through ``template_hooks``)."""
        values = {"csrf_token": req.csrf_token, "debug": req.debug, "db": req.db, "_": translate._,
                  "lang": req.lang}
        for hook in TEMPLATE_HOOKS:
            values.update(hook(req) or {})
        return values


TEMPLATE_HOOKS: list = []


def _default_description(exc: HTTPException) -> bool:
    return exc.description == type(exc).description


def errors_bad_request(message: str):
    from werkzeug.exceptions import BadRequest

    return BadRequest(message)


def _is_system(req: Request) -> bool:
    """Whether the user of this request is a system administrator (the only one shown tracebacks)."""
    if req.env is None or not req.uid:
        return False
    try:
        return bool(req.env.user.has_group("base.group_system"))
    except Exception:  # the transaction cannot answer: no traceback
        return False


def _accepted(endpoint, params: dict) -> dict:
    """The params the endpoint takes (all of them when it has ``**kwargs``)."""
    try:
        signature = inspect.signature(endpoint)
    except (TypeError, ValueError):
        return params
    if any(p.kind is p.VAR_KEYWORD for p in signature.parameters.values()):
        return params
    return {k: v for k, v in params.items() if k in signature.parameters}


BROWSER_TZ_COOKIE = "tz"  # set by web.js from the browser's Intl time zone


def browser_tz(req: Request) -> str | None:
    """The browser's time zone (its ``tz`` cookie) when it names a real IANA zone, else None."""
    import zoneinfo

    name = req.httprequest.cookies.get(BROWSER_TZ_COOKIE) or ""
    if not name or len(name) > 64 or name.startswith(("/", ".")) or ".." in name:
        return None
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
    return name
