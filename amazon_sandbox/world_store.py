"""The sandbox's world kept on disk: apps, sellers, orders, authorizations, tokens, clock.

With a ``data_dir`` the whole world is ``{data_dir}/world.json``, rewritten
atomically (temporary file, then rename) after every change and read back at
start, so an ERP linked to the sandbox stays linked across restarts (``make
demo``): its refresh token, client secret and seller are still known. The
random generator's state is kept too, so new ids never repeat old ones.
Feeds, documents and listings stay in :mod:`.feeds` (``feeds.json``).
"""
from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from .grants import AccessGrant, Code, RefreshGrant
from .model import App, Order, OrderItem, Secret, Seller, Shipment

if TYPE_CHECKING:
    from .app import Sandbox

_logger = logging.getLogger(__name__)
FILENAME = "world.json"
VERSION = 1


def _plain(value):
    """JSON-ready copy: Decimals become {"$decimal": "12.90"}, tuples lists."""
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def _typed(value):
    """The inverse of :func:`_plain` (lists stay lists)."""
    if isinstance(value, dict):
        if set(value) == {"$decimal"}:
            return Decimal(value["$decimal"])
        return {key: _typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_typed(item) for item in value]
    return value


def _rng_state(state) -> tuple:
    version, internal, gauss = state
    return (version, tuple(internal), gauss)


def _order(row: dict) -> Order:
    row = _typed(row)
    row["items"] = [OrderItem(**item) for item in row["items"]]
    row["events"] = [(at, status) for at, status in row["events"]]
    row["shipments"] = [Shipment(**shipment) for shipment in row["shipments"]]
    return Order(**row)


def _app(row: dict) -> App:
    row = dict(row)
    row["secrets"] = [Secret(**secret) for secret in row["secrets"]]
    return App(**row)


class WorldStore:
    """Saves and restores one sandbox's world under ``data_dir`` (nothing without one)."""

    def __init__(self, sandbox: Sandbox, data_dir: Path | None):
        self.sandbox = sandbox
        self.path = data_dir / FILENAME if data_dir else None

    def save(self) -> None:
        """Write the world now (caller holds the sandbox lock)."""
        if self.path is None:
            return
        sandbox = self.sandbox
        grants = sandbox.grants
        now = sandbox.clock.time()
        state = {
            "version": VERSION, "seed": sandbox.seed, "clock": now,
            "rng": _plain(sandbox.factory.rng.getstate()),
            "order_ids": sorted(sandbox.factory._order_ids), "item_seq": sandbox.factory._item_seq,
            "apps": [asdict(app) for app in sandbox.apps.values()],
            "sellers": [asdict(seller) for seller in sandbox.sellers.values()],
            "orders": [_plain(asdict(order)) for order in sandbox.orders.values()],
            # expired codes and access tokens are dead anyway: not worth keeping
            "codes": {key: asdict(code) for key, code in grants.codes.items() if code.expires_at > now},
            "refresh": [asdict(grant) for grant in grants.refresh.values()],
            "access": [asdict(grant) for grant in grants.access.values() if grant.expires_at > now],
            "notifications": sandbox.notifications,
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(state))
        os.replace(tmp, self.path)  # readers see the old world or the new one, never half of one

    def load(self) -> bool:
        """Restore the saved world; False when there is none (or it is another seed's)."""
        if self.path is None or not self.path.exists():
            return False
        try:
            state = json.loads(self.path.read_text())
        except ValueError as exc:
            raise ValueError(f"amazon sandbox: {self.path} is not a readable world file ({exc}); "
                             f"move it away to start a fresh world") from exc
        if state.get("version") != VERSION or state.get("seed") != self.sandbox.seed:
            _logger.warning("amazon sandbox: %s holds the world of seed %s, not %s; starting a fresh one",
                            self.path, state.get("seed"), self.sandbox.seed)
            return False
        sandbox = self.sandbox
        behind = state["clock"] - sandbox.clock.time()
        if behind > 0:  # Amazon's time never runs back over tokens and orders already dated
            sandbox.clock.advance(behind)
        sandbox.factory.rng.setstate(_rng_state(state["rng"]))
        sandbox.factory._order_ids = set(state["order_ids"])
        sandbox.factory._item_seq = state["item_seq"]
        sandbox.apps = {row["client_id"]: _app(row) for row in state["apps"]}
        sandbox.sellers = {row["selling_partner_id"]: Seller(**row) for row in state["sellers"]}
        sandbox.orders = {row["order_id"]: _order(row) for row in state["orders"]}
        grants = sandbox.grants
        grants.codes = {key: Code(**row) for key, row in state["codes"].items()}
        grants.refresh = {row["token"]: RefreshGrant(**row) for row in state["refresh"]}
        grants.access = {row["token"]: AccessGrant(**row) for row in state["access"]}
        sandbox.notifications = list(state["notifications"])
        return True
