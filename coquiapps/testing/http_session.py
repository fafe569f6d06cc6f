"""A cookie-keeping HTTP client for tests on 127.0.0.1: real sockets, redirects not followed."""
from __future__ import annotations

import http.client
import json
import re
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


class HttpSession:
    """Requests to one server, keeping its ``session_id`` cookie like a browser."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        self.host, self.port = parts.hostname, parts.port
        self.cookie = ""

    def request(self, method: str, path: str, form: dict | None = None, body: bytes | str | None = None,
                headers: dict | None = None):
        """(status, headers, text) of one request; ``form`` is sent url-encoded."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        sent = {"Cookie": self.cookie} if self.cookie else {}
        if form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        sent.update(headers or {})
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            text = response.read().decode()
        finally:
            conn.close()
        for value in response.headers.get_all("Set-Cookie") or []:
            morsel = SimpleCookie(value).get("session_id")
            if morsel is not None:
                self.cookie = f"session_id={morsel.value}"
        return response.status, response.headers, text

    def call(self, path: str, params: dict, headers: dict | None = None):
        """A JSON-RPC call as a script sends it: (status, decoded answer)."""
        payload = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params})
        status, _headers, text = self.request("POST", path, body=payload, headers={
            "Content-Type": "application/json", **(headers or {})})
        return status, json.loads(text)

    def token(self, path: str = "/web/login") -> str:
        """A CSRF token of this session, read from a page's form."""
        _status, _headers, page = self.request("GET", path)
        return TOKEN_RE.search(page).group(1)

    def login(self, db: str, login: str = "admin", password: str = "admin") -> None:
        token = self.token(f"/web/login?db={db}")
        status, headers, page = self.request("POST", "/web/login", {
            "login": login, "password": password, "redirect": "/web", "csrf_token": token})
        if status != 303 or not headers["Location"].endswith("/web"):
            raise AssertionError(f"login of {login} on {db} failed ({status}): {page[-500:]}")
