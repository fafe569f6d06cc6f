"""The sandbox object and its WSGI dispatch.

Routes: ``/auth/o2/token`` (LWA), ``/apps/authorize/consent`` (Seller
Central), ``/na|/eu|/fe/...`` (SP-API per region) and ``/_sandbox/...``
(control, not part of Amazon's surface) and ``/_storage/feeds/...`` (the
pre-signed feed document URLs, S3 at Amazon). Faults apply to Amazon's routes
and the storage. State is in memory, guarded by one lock (fault sleeps happen
outside it); with a ``data_dir`` all of it is also kept there across restarts
(the world in ``world.json``, feeds in ``feeds.json`` and ``documents/``).
"""
from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from pathlib import Path

from werkzeug.wrappers import Request, Response

from . import consent, control, feeds_api, lwa, spapi
from .calls import CallLog
from .clock import Clock
from .data import DataFactory, default_world
from .faults import Faults
from .feeds import FeedStore
from .grants import Grants
from .model import OLD_SECRET_GRACE, App, Order, Seller
from .orders import OrderQueries
from .render import fmt_time
from .responses import lwa_error, request_id, sp_error
from .usage_plans import UsagePlans
from .world_store import WorldStore

REGION_PREFIXES = {"na": "NA", "eu": "EU", "fe": "FE"}
STORAGE_PREFIX = "/_storage/feeds/"


class Sandbox:
    """Amazon (LWA, consent page, SP-API) in one in-memory, seeded object."""

    def __init__(self, seed: int = 1, time_scale: float = 1.0, *, start: float | None = None,
                 populate: bool = True, data_dir: str | os.PathLike | None = None):
        self.seed = seed
        self.clock = Clock(time_scale, start)
        self.lock = threading.RLock()
        self.factory = DataFactory(seed)
        self.apps: dict[str, App] = {}
        self.sellers: dict[str, Seller] = {}
        self.orders: dict[str, Order] = {}
        self.grants = Grants()
        self.plans = UsagePlans()
        self.faults = Faults(seed)
        self.calls = CallLog()
        self.queries = OrderQueries(self)
        self.notifications: list[dict] = []
        self.base_url: str | None = None  # set by serve(); else taken from the request
        # The world (apps, sellers, orders, authorizations) and the feeds; under data_dir if given.
        self.world = WorldStore(self, Path(data_dir) if data_dir else None)
        restored = self.world.load()
        if populate and not restored:
            apps, sellers, orders = default_world(self.factory, self.clock.time())
            for app in apps:
                self.apps[app.client_id] = app
            for seller in sellers:
                self.sellers[seller.selling_partner_id] = seller
            self.orders.update((order.order_id, order) for order in orders)
        self.feeds = FeedStore(self, Path(data_dir) if data_dir else None)
        # restored orders already carry what feeds did to them: replay only onto a new world
        self.feeds.load(replay_effects=not restored)
        self.save()

    def save(self) -> None:
        """Write the world to ``data_dir`` now (nothing without one); also done after each change."""
        with self.lock:
            self.world.save()

    # -- convenience for tests ----------------------------------------------------------
    def app(self, kind: str = "public", draft: bool = False) -> App:
        return next(a for a in self.apps.values() if a.kind == kind and a.draft == draft)

    def seller(self, region: str = "NA") -> Seller:
        return next(s for s in self.sellers.values() if s.region == region)

    def endpoints(self, base_url: str | None = None) -> dict:
        base = (base_url or self.base_url or "").rstrip("/")
        return {"lwa_token": f"{base}/auth/o2/token", "consent_base": base,
                "na": f"{base}/na", "eu": f"{base}/eu", "fe": f"{base}/fe"}

    # -- state changes ---------------------------------------------------------------------
    def add_orders(self, orders: list[Order]) -> None:
        with self.lock:
            for order in orders:
                self.orders[order.order_id] = order
            self.save()

    def self_authorize(self, client_id: str, selling_partner_id: str) -> str:
        """Seller Central's "Authorize app" button for a private app: a new refresh token."""
        with self.lock:
            app = self.apps.get(client_id)
            if app is None or selling_partner_id not in self.sellers:
                raise KeyError("unknown client_id or selling_partner_id")
            if app.kind != "private":
                raise ValueError("only private apps can be self-authorized")
            token = self.grants.issue_refresh(client_id, selling_partner_id, self.clock.time(),
                                              public=False).token
            self.save()
            return token

    def rotate_secret(self, app: App, notify: bool = True) -> str:
        """New secret valid 180 days; the old ones stay valid 7 more days at most."""
        with self.lock:
            now = self.clock.time()
            for old in app.secrets:
                old.expires_at = min(old.expires_at, now + OLD_SECRET_GRACE)
            new = self.factory.secret(now)
            app.secrets.append(new)
            if notify:
                self.notifications.append(self._new_secret_notification(app, now))
            self.save()
            return new.value

    def _new_secret_notification(self, app: App, now: float) -> dict:
        # APPLICATION_OAUTH_CLIENT_NEW_SECRET as delivered to the app's SQS queue.
        return {
            "notificationVersion": "1.0",
            "notificationType": "APPLICATION_OAUTH_CLIENT_NEW_SECRET",
            "payloadVersion": "2023-12-13",
            "eventTime": fmt_time(now),
            "payload": {"applicationOAuthClientNewSecret": {
                "clientId": app.client_id,
                "newClientSecret": app.secrets[-1].value,
                "newClientSecretExpiryTime": fmt_time(app.secrets[-1].expires_at),
                "oldClientSecretExpiryTime": fmt_time(app.secrets[-2].expires_at),
            }},
            "notificationMetadata": {
                "applicationId": app.application_id,
                "subscriptionId": str(uuid.uuid5(uuid.NAMESPACE_URL, app.application_id)),
                "publishTime": fmt_time(now),
                "notificationId": str(uuid.uuid4()),
            },
        }

    # -- WSGI ----------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        return self.wsgi_app(environ, start_response)

    def wsgi_app(self, environ, start_response):
        request = Request(environ)
        rid = request_id()
        if request.path.startswith("/_sandbox/") or request.path == "/_sandbox":
            with self.lock:
                response = control.handle(self, request)
        else:
            response = self._amazon(request, environ)
        if request.method not in ("GET", "HEAD"):
            # codes, tokens, secrets, apps, sellers, orders: what a POST/PUT/DELETE may have changed
            self.save()
        response.headers["x-amzn-RequestId"] = rid
        return response(environ, start_response)

    def _route(self, request: Request):
        """(operation, region, handler) for Amazon's routes, or None."""
        path = request.path
        if path == "/auth/o2/token":
            return "lwaToken", None, lambda: lwa.token_endpoint(self, request)
        if path == "/apps/authorize/consent":
            return "consent", None, lambda: consent.consent_page(self, request)
        if path.startswith(STORAGE_PREFIX):
            # Pre-signed feed document URLs (S3 at Amazon): no access token, no usage plan.
            operation = "uploadFeedDocument" if request.method == "PUT" else "downloadFeedDocument"
            document_id = path[len(STORAGE_PREFIX):]
            return operation, None, lambda: self._storage(operation, request, document_id)
        prefix, _, rest = path.lstrip("/").partition("/")
        region = REGION_PREFIXES.get(prefix)
        if region is None:
            return None
        found = spapi.resolve(request.method, "/" + rest)
        if found is None:
            return None
        operation, params, scope = found
        return operation, region, lambda: spapi.handle(self, request, region, operation, params, scope)

    def _storage(self, operation: str, request: Request, document_id: str) -> Response:
        response = feeds_api.storage(self, request, document_id)
        self.calls.record(operation, response.status_code)
        return response

    def _amazon(self, request: Request, environ) -> Response:
        route = self._route(request)
        if route is None:
            return sp_error(404, "NotFound", "Resource not found.")
        operation, region, handler = route
        decision = self.faults.decide(operation, request.path, region)
        for kind in decision.kinds:
            self.calls.record_fault(operation, kind)
        if decision.latency:
            time.sleep(decision.latency)
        if decision.drop:
            _drop(environ)
        if decision.error_status is not None:
            self.calls.record(operation, decision.error_status)
            return _fault_response(operation, decision.error_status)
        with self.lock:
            return handler()


def _drop(environ) -> None:
    """Close the connection without a response (the server then skips writing one)."""
    sock = environ.get("werkzeug.socket")
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
    raise ConnectionAbortedError("sandbox fault: connection dropped")


def _fault_response(operation: str, status: int) -> Response:
    if operation in ("uploadFeedDocument", "downloadFeedDocument"):
        return feeds_api._s3_error(status, "SlowDown" if status == 503 else "InternalError",
                                   "Please reduce your request rate." if status == 503
                                   else "We encountered an internal error. Please try again.")
    if operation == "lwaToken":
        if status == 503:
            return lwa_error(503, "temporarily_unavailable", "The service is temporarily unavailable")
        return lwa_error(500, "server_error", "The server encountered an unexpected error")
    if operation == "consent":
        return Response("<html><body><h1>Service unavailable</h1></body></html>", status=status,
                        content_type="text/html; charset=utf-8")
    if status == 503:
        return sp_error(503, "ServiceUnavailable", "Service temporarily unavailable. Please try again.")
    return sp_error(500, "InternalFailure", "We encountered an internal error. Please try again.")
