"""Helpers for tests that talk to a served sandbox over HTTP (no conftest needed).

    with running(seed=1) as harness:
        token = harness.access_token("NA")
        harness.sp("NA", "/sellers/v1/marketplaceParticipations", token)
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator

import requests

from .app import Sandbox
from .server import SandboxServer, serve

USER_AGENT = "SandboxTests/1.0 (Language=Python/3.11)"


class Harness:
    """A served sandbox plus shortcuts for its control routes, LWA and SP-API."""

    def __init__(self, server: SandboxServer):
        self.server = server
        self.sandbox: Sandbox = server.sandbox
        self.url = server.url
        self.http = requests.Session()

    # -- control -------------------------------------------------------------------------
    def control(self, method: str, path: str, json=None, params=None, status: int = 200) -> dict:
        response = self.http.request(method, f"{self.url}/_sandbox/{path.lstrip('/')}",
                                     json=json, params=params, timeout=10)
        assert response.status_code == status, response.text
        return response.json()

    def state(self) -> dict:
        return self.control("GET", "state")

    def app(self, kind: str = "public", draft: bool = False) -> dict:
        return next(a for a in self.state()["apps"] if a["kind"] == kind and a["draft"] == draft)

    def seller(self, region: str = "NA") -> dict:
        return next(s for s in self.state()["sellers"] if s["region"] == region)

    def advance(self, seconds: float) -> dict:
        return self.control("POST", "clock", {"advance": seconds})

    # -- LWA -------------------------------------------------------------------------------
    def token(self, **form) -> requests.Response:
        return self.http.post(f"{self.url}/auth/o2/token", data=form, timeout=10)

    def refresh_token(self, region: str = "NA", app: dict | None = None) -> tuple[dict, str]:
        """(app, refresh token) from self-authorizing the private app for the region's seller."""
        app = app or self.app("private")
        seller = self.seller(region)
        body = self.control("POST", "self-authorize", {
            "client_id": app["client_id"], "selling_partner_id": seller["selling_partner_id"]})
        return app, body["refresh_token"]

    def access_token(self, region: str = "NA") -> str:
        app, refresh = self.refresh_token(region)
        response = self.token(grant_type="refresh_token", refresh_token=refresh,
                              client_id=app["client_id"], client_secret=app["client_secret"])
        assert response.status_code == 200, response.text
        return response.json()["access_token"]

    def grantless_token(self, app: dict, scope="sellingpartnerapi::client_credential:rotation") -> str:
        response = self.token(grant_type="client_credentials", scope=scope,
                              client_id=app["client_id"], client_secret=app["client_secret"])
        assert response.status_code == 200, response.text
        return response.json()["access_token"]

    # -- SP-API ------------------------------------------------------------------------------
    def sp(self, region: str, path: str, token: str | None, params=None, method: str = "GET",
           headers: dict | None = None, timeout: float = 10) -> requests.Response:
        sent = {"user-agent": USER_AGENT}
        if token is not None:
            sent["x-amz-access-token"] = token
        sent.update(headers or {})
        return self.http.request(method, f"{self.url}/{region.lower()}{path}", params=params,
                                 headers=sent, timeout=timeout)


@contextlib.contextmanager
def running(seed: int = 1, time_scale: float = 1.0, **kwargs) -> Iterator[Harness]:
    """A sandbox served on a free 127.0.0.1 port for the duration of the block."""
    server = serve(Sandbox(seed=seed, time_scale=time_scale, **kwargs))
    try:
        harness = Harness(server)
        yield harness
        harness.http.close()
    finally:
        server.stop()
