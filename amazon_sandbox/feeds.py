"""Feeds API 2021-06-30 state: feed documents, feeds, listings and their effects on orders.

A feed's life is a function of sandbox time, like an order's: created IN_QUEUE,
IN_PROGRESS from ``start``, DONE (or FATAL) from ``end``. Feeds of one seller
are processed one after another (Amazon does not run them in parallel). Work
happens lazily: :meth:`FeedStore.settle` processes every feed whose ``end`` has
passed, in order, before any request reads state, so advancing the clock is
all a test needs. Effects are dated at the feed's ``end``, whenever settled.

With a ``data_dir`` the store survives a restart: documents are files under
``{data_dir}/documents`` and everything else is ``{data_dir}/feeds.json``,
rewritten atomically after each change; order effects are re-applied to the
orders of a sandbox started with the same seed.
"""
from __future__ import annotations

import base64
import gzip
import hashlib
import hmac
import json
import logging
import os
import secrets
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import feed_processing
from .feed_processing import Fatal
from .feed_reports import Issue, listings_report, xml_report
from .model import Order, Shipment
from .render import fmt_time

if TYPE_CHECKING:
    from .app import Sandbox

_logger = logging.getLogger("amazon_sandbox")

URL_LIFETIME = 300.0  # pre-signed document URLs expire after 5 minutes
RETENTION = 90 * 86400.0
FEED_TYPES = frozenset(feed_processing.PROCESSORS)
STATUSES = ("IN_QUEUE", "IN_PROGRESS", "DONE", "FATAL", "CANCELLED")


@dataclass
class Settings:
    queue_delay: float = 60.0  # sandbox seconds from createFeed to IN_PROGRESS
    processing_time: float = 120.0  # IN_PROGRESS -> DONE/FATAL
    gzip: str = "auto"  # result documents: auto (>= gzip_min_bytes) | always | never
    gzip_min_bytes: int = 2048


@dataclass
class Document:
    document_id: str
    seller_id: str
    content_type: str
    created: float
    kind: str  # input | result
    uploaded: bool = False
    compression: str | None = None


@dataclass
class Feed:
    feed_id: str
    seller_id: str
    feed_type: str
    marketplace_ids: list[str]
    input_document_id: str
    created: float
    start: float
    end: float
    cancelled: float | None = None
    processed: bool = False
    fatal: bool = False
    forced_fatal: bool = False
    result_document_id: str | None = None
    messages: int = 0
    errors: int = 0
    warnings: int = 0

    def status(self, now: float) -> str:
        if self.cancelled is not None and self.cancelled <= now:
            return "CANCELLED"
        if now < self.start:
            return "IN_QUEUE"
        if now < self.end or not self.processed:
            return "IN_PROGRESS"
        return "FATAL" if self.fatal else "DONE"

    def as_json(self, now: float) -> dict:
        """The model's ``Feed``."""
        status = self.status(now)
        body = {"feedId": self.feed_id, "feedType": self.feed_type,
                "marketplaceIds": list(self.marketplace_ids),
                "createdTime": fmt_time(self.created), "processingStatus": status}
        if status in ("IN_PROGRESS", "DONE", "FATAL"):
            body["processingStartTime"] = fmt_time(self.start)
        if status in ("DONE", "FATAL"):
            body["processingEndTime"] = fmt_time(self.end)
            body["resultFeedDocumentId"] = self.result_document_id
        if status == "CANCELLED":
            body["processingEndTime"] = fmt_time(self.cancelled)
        return body


@dataclass
class FatalRule:
    count: int = 1
    seller_id: str | None = None
    feed_type: str | None = None


@dataclass
class FeedStore:
    """All feed state of one sandbox; every method runs under the sandbox lock."""

    sandbox: Sandbox
    data_dir: Path | None = None
    settings: Settings = field(default_factory=Settings)
    documents: dict[str, Document] = field(default_factory=dict)
    contents: dict[str, bytes] = field(default_factory=dict)
    feeds: dict[str, Feed] = field(default_factory=dict)
    listings: dict[str, dict] = field(default_factory=dict)  # "seller|sku" -> listing
    effects: list[dict] = field(default_factory=list)  # order changes, replayed after a restart
    fatal_rules: list[FatalRule] = field(default_factory=list)
    pages: dict[str, tuple[list[str], int, int]] = field(default_factory=dict)
    next_feed: int = 50001000000
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    _sku_index: dict = field(default_factory=dict, repr=False)
    _sku_index_size: int = -1

    # -- documents --------------------------------------------------------------------------
    def create_document(self, seller_id: str, content_type: str, kind: str = "input") -> Document:
        document = Document(f"amzn1.tortuga.4.na.{uuid.uuid4()}", seller_id, content_type,
                            self.sandbox.clock.time(), kind)
        self.documents[document.document_id] = document
        self.save()
        return document

    def url(self, document: Document, method: str, base_url: str) -> str:
        """A pre-signed URL on the sandbox's document storage, valid 5 minutes."""
        expires = int(self.sandbox.clock.time() + URL_LIFETIME)
        signature = self._sign(method, document.document_id, expires)
        return (f"{base_url}/_storage/feeds/{document.document_id}?X-Amz-Expires={expires}"
                f"&X-Amz-Signature={signature}")

    def _sign(self, method: str, document_id: str, expires: int) -> str:
        return hmac.new(self.secret, f"{method}\n{document_id}\n{expires}".encode(),
                        hashlib.sha256).hexdigest()

    def check_url(self, method: str, document_id: str, args) -> str | None:
        """None when the URL is valid for ``method`` now, else S3's error code."""
        try:
            expires = int(args.get("X-Amz-Expires", ""))
        except ValueError:
            return "AccessDenied"
        if not hmac.compare_digest(self._sign(method, document_id, expires),
                                   args.get("X-Amz-Signature", "")):
            return "SignatureDoesNotMatch"
        if self.sandbox.clock.time() > expires:
            return "ExpiredToken"
        return None

    def upload(self, document: Document, content: bytes) -> None:
        self.contents[document.document_id] = content
        document.uploaded = True
        self._write_content(document.document_id, content)
        self.save()

    # -- feeds ------------------------------------------------------------------------------
    def create_feed(self, seller_id: str, feed_type: str, marketplace_ids: list[str],
                    document: Document) -> Feed:
        now = self.sandbox.clock.time()
        previous = max((f.end for f in self.feeds.values()
                        if f.seller_id == seller_id and f.cancelled is None), default=now)
        start = max(now + self.settings.queue_delay, previous)
        self.next_feed += 1
        feed = Feed(str(self.next_feed), seller_id, feed_type, list(marketplace_ids),
                    document.document_id, now, start, start + self.settings.processing_time)
        for rule in self.fatal_rules:
            if rule.count > 0 and rule.seller_id in (None, seller_id) \
                    and rule.feed_type in (None, feed_type):
                rule.count -= 1
                feed.forced_fatal = True
                break
        self.fatal_rules = [r for r in self.fatal_rules if r.count > 0]
        self.feeds[feed.feed_id] = feed
        self.save()
        return feed

    def cancel(self, feed: Feed) -> bool:
        now = self.sandbox.clock.time()
        if feed.status(now) != "IN_QUEUE":
            return False
        feed.cancelled = now
        self.save()
        return True

    def settle(self) -> None:
        """Process every feed whose processing has ended by now, oldest end first."""
        now = self.sandbox.clock.time()
        due = sorted((f for f in self.feeds.values()
                      if not f.processed and f.cancelled is None and f.end <= now),
                     key=lambda f: (f.end, int(f.feed_id)))
        for feed in due:
            self._process(feed)
        if due:
            self.save()

    def _process(self, feed: Feed) -> None:
        processor = feed_processing.PROCESSORS[feed.feed_type]
        content = self.contents.get(feed.input_document_id)
        try:
            if feed.forced_fatal:
                raise Fatal("5001", "The feed could not be processed: an internal error "
                            "aborted it. Submit it again.")
            if not content:
                raise Fatal("5001", "The feed document is empty: upload the content to the "
                            "document URL before createFeed.")
            outcome = processor(self, feed.seller_id, content, feed.end)
            issues, processed = outcome.issues, outcome.processed
        except Fatal as exc:
            feed.fatal = True
            issues, processed = [Issue(None, "ERROR", exc.code, exc.message)], 0
        feed.messages = processed
        feed.errors = len({i.message_id for i in issues if i.severity == "ERROR"})
        feed.warnings = len({i.message_id for i in issues if i.severity == "WARNING"})
        if feed.feed_type == "JSON_LISTINGS_FEED":
            report, content_type = (listings_report(feed.seller_id, feed.feed_id, processed, issues),
                                    "application/json")
        else:
            report, content_type = (xml_report(feed.seller_id, feed.feed_id, processed, issues),
                                    "text/xml")
        result = self.create_document(feed.seller_id, content_type, kind="result")
        result.created = feed.end
        if self.settings.gzip == "always" or (
                self.settings.gzip == "auto" and len(report) >= self.settings.gzip_min_bytes):
            report, result.compression = gzip.compress(report, mtime=0), "GZIP"
        self.upload(result, report)
        feed.result_document_id = result.document_id
        feed.processed = True

    def list_feeds(self, seller_id: str, feed_types, statuses, marketplace_ids, since: float,
                   until: float) -> list[str]:
        now = self.sandbox.clock.time()
        rows = [f for f in self.feeds.values()
                if f.seller_id == seller_id and f.feed_type in feed_types
                and since <= f.created <= until and f.created >= now - RETENTION
                and (not statuses or f.status(now) in statuses)
                and (not marketplace_ids or set(marketplace_ids) & set(f.marketplace_ids))]
        return [f.feed_id for f in sorted(rows, key=lambda f: (-f.created, -int(f.feed_id)))]

    # -- the world the processors change -----------------------------------------------------
    def find_order(self, seller_id: str, order_id: str) -> Order | None:
        order = self.sandbox.orders.get(order_id)
        if order is None or order.seller_id != seller_id or not order.visible(self._at):
            return None
        return order

    @property
    def _at(self) -> float:
        return self.sandbox.clock.time()

    def ship(self, order: Order, shipment: Shipment) -> None:
        self._apply({"kind": "ship", "order_id": order.order_id, **asdict(shipment)})

    def cancel_items(self, order: Order, item_ids: list[str], at: float) -> None:
        self._apply({"kind": "cancel", "order_id": order.order_id, "at": at, "items": item_ids})

    def _apply(self, effect: dict, record: bool = True) -> None:
        order = self.sandbox.orders.get(effect["order_id"])
        if order is None:
            return
        at = effect["at"]
        if effect["kind"] == "ship":
            order.shipments.append(Shipment(at, effect["carrier"], effect["tracking_number"],
                                            effect["shipping_method"], dict(effect["items"])))
        else:
            for item_id in effect["items"]:
                order.cancelled_items.setdefault(item_id, at)
        shipped = order.shipped(at)
        open_items = [i for i in order.items if i.order_item_id not in order.cancelled_items
                      and shipped.get(i.order_item_id, 0) < i.quantity]
        if not open_items:
            order.schedule(at, "SHIPPED" if any(shipped.values()) else "CANCELLED")
        elif any(shipped.values()):
            order.schedule(at, "PARTIALLY_SHIPPED")
        if record:
            self.effects.append(effect)

    def listing(self, seller_id: str, sku: str) -> dict | None:
        """The seller's listing for ``sku``; SKUs of the seller's orders exist with quantity 0."""
        found = self.listings.get(f"{seller_id}|{sku}")
        if found is not None:
            return found
        if self._sku_index_size != len(self.sandbox.orders):
            # Rebuilt when orders were added: a 10,000-message feed must not scan every order.
            self._sku_index = {}
            for order in self.sandbox.orders.values():
                for item in order.items:
                    self._sku_index.setdefault((order.seller_id, item.sku), (item, order.created))
            self._sku_index_size = len(self.sandbox.orders)
        hit = self._sku_index.get((seller_id, sku))
        if hit is None:
            return None
        item, created = hit
        return {"sku": sku, "product_type": "PRODUCT", "quantity": 0, "asin": item.asin,
                "title": item.title, "updated": created}

    def set_listing(self, seller_id: str, sku: str, product_type: str | None,
                    quantity: int | None) -> None:
        key = f"{seller_id}|{sku}"
        if product_type is None:
            self.listings.pop(key, None)
            return
        base = self.listing(seller_id, sku) or {"sku": sku, "asin": "B0" + uuid.uuid4().hex[:8]
                                                .upper(), "title": sku}
        self.listings[key] = {**base, "product_type": product_type,
                              "quantity": quantity if quantity is not None else 0,
                              "updated": self.sandbox.clock.time()}

    # -- persistence --------------------------------------------------------------------------
    def _write_content(self, document_id: str, content: bytes) -> None:
        if self.data_dir is None:
            return
        folder = self.data_dir / "documents"
        folder.mkdir(parents=True, exist_ok=True)
        _atomic_write(folder / hashlib.sha256(document_id.encode()).hexdigest(), content)

    def save(self) -> None:
        if self.data_dir is None:
            return
        state = {
            "seed": self.sandbox.seed, "clock": self.sandbox.clock.time(),
            "next_feed": self.next_feed,
            "secret": base64.b64encode(self.secret).decode(),
            "settings": asdict(self.settings),
            "documents": [asdict(d) for d in self.documents.values()],
            "feeds": [asdict(f) for f in self.feeds.values()],
            "listings": self.listings, "effects": self.effects,
            "fatal_rules": [asdict(r) for r in self.fatal_rules],
        }
        self.data_dir.mkdir(parents=True, exist_ok=True)
        _atomic_write(self.data_dir / "feeds.json", json.dumps(state).encode())
        # the orders feeds changed are in the world: both files move together
        if getattr(self.sandbox, "world", None) is not None:
            self.sandbox.world.save()

    def load(self, replay_effects: bool = True) -> None:
        """Restore a previous run's state from ``data_dir`` (nothing there: a fresh store).

        ``replay_effects``: re-apply the feeds' order changes (orders regenerated from the
        seed); not when the orders themselves were restored with those changes in them.
        """
        if self.data_dir is None or not (self.data_dir / "feeds.json").exists():
            return
        state = json.loads((self.data_dir / "feeds.json").read_text())
        if state.get("seed") != self.sandbox.seed:
            # Another world (other sellers and orders): its feeds mean nothing here.
            _logger.warning("amazon sandbox: %s holds the feeds of seed %s, not %s; starting "
                            "without them", self.data_dir, state.get("seed"), self.sandbox.seed)
            return
        # Sandbox time never runs back over feeds already dated.
        behind = state["clock"] - self.sandbox.clock.time()
        if behind > 0:
            self.sandbox.clock.advance(behind)
        self.next_feed, self.secret = state["next_feed"], base64.b64decode(state["secret"])
        self.settings = Settings(**state["settings"])
        self.documents = {d["document_id"]: Document(**d) for d in state["documents"]}
        self.feeds = {f["feed_id"]: Feed(**f) for f in state["feeds"]}
        self.listings = state["listings"]
        self.fatal_rules = [FatalRule(**r) for r in state["fatal_rules"]]
        for document in self.documents.values():
            path = self.data_dir / "documents" / hashlib.sha256(
                document.document_id.encode()).hexdigest()
            if document.uploaded and path.exists():
                self.contents[document.document_id] = path.read_bytes()
        self.effects = list(state["effects"])
        for effect in self.effects if replay_effects else ():
            self._apply(effect, record=False)


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
