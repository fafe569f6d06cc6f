"""Helpers of the web tests: a werkzeug test client that logs in and finds CSRF tokens."""
from __future__ import annotations

import re

from werkzeug.test import Client

from coquiapps.http import Application

TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


class WebClient:
    """A browser-like client of the WSGI application (cookies kept between requests)."""

    def __init__(self, app: Application | None = None):
        self.app = app or Application()
        self.client = Client(self.app)
        self.last_token: str | None = None

    def get(self, url: str, **kw):
        response = self.client.get(url, **kw)
        self._remember(response)
        return response

    def post(self, url: str, data=None, csrf: bool = True, **kw):
        data = dict(data or {})
        if csrf and "csrf_token" not in data:
            data["csrf_token"] = self.token()
        response = self.client.post(url, data=data, **kw)
        self._remember(response)
        return response

    def json(self, url: str, params: dict | None = None):
        response = self.client.post(url, json={"jsonrpc": "2.0", "method": "call", "id": 1,
                                               "params": params or {}})
        return response.get_json()

    def token(self) -> str:
        for page in ("/web/login", "/web/database/manager"):
            if not self.last_token:
                self.get(page)
        return self.last_token

    def _remember(self, response) -> None:
        if response.mimetype == "text/html":
            found = TOKEN_RE.search(response.get_data(as_text=True))
            if found:
                self.last_token = found.group(1)

    def login(self, db: str, login: str = "admin", password: str = "admin"):
        self.get(f"/web/login?db={db}")
        response = self.post("/web/login", {"login": login, "password": password, "redirect": "/web"})
        self.last_token = None  # tokens are bound to the session id, which changed
        if response.status_code == 303:
            self.get("/web")
        return response

    def follow(self, response, limit: int = 5):
        """Follow redirects by hand (keeps the cookies and tokens)."""
        while response.status_code in (301, 302, 303, 307, 308) and limit:
            location = response.headers["Location"]
            if location.startswith("http://localhost"):
                location = location[len("http://localhost"):]
            response = self.get(location)
            limit -= 1
        return response


def text(response) -> str:
    return response.get_data(as_text=True)
