"""Orders operations: v2026-01-01 searchOrders/getOrder and v0 getOrders/getOrderItems.

Parameter rules follow ORDERS.md and AMAZON.md §5; a violation raises
:class:`InvalidInput` (400). Results are sorted by (time, orderId) and a
search's matching ids are frozen on its first page, so paging through a result
is exact even while new orders arrive.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from .marketplaces import MARKETPLACES
from .model import DAY, FULFILLED_BY, STATUSES, Order, Seller
from .render import V0_CHANNEL, V0_STATUS, fmt_time, items_v0, order_v0, order_v2026
from .responses import InvalidInput

if TYPE_CHECKING:
    from .app import Sandbox

INCLUDED_DATA = ("BUYER", "RECIPIENT", "PROCEEDS", "EXPENSE", "PROMOTION", "CANCELLATION",
                 "FULFILLMENT", "PACKAGES", "TAX", "PAYMENT", "FULFILLMENT_ORDERS")
TWO_MINUTES = 120.0
TOKEN_LIFETIME = DAY
RETENTION = 730 * DAY
LONG_RETENTION = {"A1VC38T7YXB528", "A39IBJ37TRP1C6", "A19VAU5U5O7RUS"}  # JP, AU, SG keep more
ORDER_ID = re.compile(r"^\d{3}-\d{7}-\d{7}$")


class NotFound(Exception):
    pass


@dataclass
class Search:
    """A frozen result set that pagination tokens point into."""
    seller_id: str
    fingerprint: tuple
    ids: list[str]
    before_name: str
    before: float
    expires_at: float


def _values(args, name: str) -> list[str]:
    """Array parameters come comma-separated (Swagger csv) or repeated; accept both."""
    out: list[str] = []
    for raw in args.getlist(name):
        out += [v.strip() for v in raw.split(",") if v.strip()]
    return out


def _date(args, name: str) -> float | None:
    raw = args.get(name)
    if raw is None or raw == "":
        return None
    try:
        parsed = datetime.fromisoformat(raw.replace("z", "Z"))
    except ValueError:
        raise InvalidInput(f"Invalid {name}: '{raw}' is not an ISO 8601 date-time.") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def _enum(args, name: str, allowed) -> list[str]:
    values = _values(args, name)
    for value in values:
        if value not in allowed:
            raise InvalidInput(f"Invalid {name} value: '{value}'. Allowed values: {', '.join(allowed)}.")
    return values


def _page_size(args, name: str) -> int:
    raw = args.get(name)
    if raw is None:
        return 100
    try:
        size = int(raw)
    except ValueError:
        raise InvalidInput(f"{name} must be an integer between 1 and 100.") from None
    if not 1 <= size <= 100:
        raise InvalidInput(f"{name} must be between 1 and 100.")
    return size


def _window(args, now: float, names: tuple[str, str, str, str]) -> tuple[str, float, str, float]:
    """Validate the date family; return (after name, after, before name, effective before)."""
    c_after, c_before, u_after, u_before = names
    ca, cb, ua, ub = (_date(args, n) for n in names)
    if (ca is None) == (ua is None):
        raise InvalidInput(f"Exactly one of {c_after} and {u_after} must be specified.")
    if ca is not None and (ua is not None or ub is not None):
        raise InvalidInput(f"{u_after} and {u_before} cannot be used together with {c_after}.")
    if ua is not None and cb is not None:
        raise InvalidInput(f"{c_after} and {c_before} cannot be used together with {u_after}.")
    after, after_name = (ca, c_after) if ca is not None else (ua, u_after)
    before, before_name = (cb, c_before) if ca is not None else (ub, u_before)
    if after > now:
        raise InvalidInput(f"{after_name} cannot be in the future.")
    if before is not None:
        if before < after:
            raise InvalidInput(f"{before_name} must be equal to or after {after_name}.")
        if before > now - TWO_MINUTES:
            raise InvalidInput(f"{before_name} must be at least two minutes before the time of the request.")
    else:
        before = now - TWO_MINUTES
    return after_name, after, before_name, before


def _marketplaces(args, name: str, seller: Seller, required: bool) -> list[str]:
    ids = _values(args, name)
    if not ids:
        if required:
            raise InvalidInput(f"Missing required parameter: {name}.")
        return list(seller.marketplace_ids)
    if len(ids) > 50:
        raise InvalidInput(f"{name} accepts at most 50 marketplace ids.")
    for mid in ids:
        if mid not in MARKETPLACES or mid not in seller.marketplace_ids:
            raise InvalidInput(f"Invalid {name}: '{mid}' is not a marketplace this seller can use.")
    return ids


def _match(sandbox: Sandbox, seller: Seller, now: float, family: str, after: float,
           before: float, marketplace_ids, statuses, fulfilled_by) -> list[str]:
    rows = []
    for order in sandbox.orders.values():
        if order.seller_id != seller.selling_partner_id or not order.visible(now):
            continue
        if order.marketplace_id not in marketplace_ids:
            continue
        if order.marketplace_id not in LONG_RETENTION and order.created < now - RETENTION:
            continue
        status, updated = order.state(now)
        key = order.created if family == "created" else updated
        if not after <= key <= before:
            continue
        if statuses and status not in statuses:
            continue
        if fulfilled_by and order.fulfilled_by not in fulfilled_by:
            continue
        rows.append((key, order.order_id))
    return [oid for _, oid in sorted(rows)]


class OrderQueries:
    """Pagination state plus the four operations; all run under the sandbox lock."""

    def __init__(self, sandbox: Sandbox):
        self.sandbox = sandbox
        self.pages: dict[str, tuple[Search, int]] = {}

    def _new_page_token(self, search: Search, offset: int) -> str:
        token = secrets.token_urlsafe(24)
        self.pages[token] = (search, offset)
        return token

    def _resume(self, token: str, seller: Seller, fingerprint: tuple | None, now: float,
                name: str) -> tuple[Search, int]:
        entry = self.pages.get(token)
        if entry is None or entry[0].seller_id != seller.selling_partner_id:
            raise InvalidInput(f"Invalid {name}.")
        search, offset = entry
        if now >= search.expires_at:
            raise InvalidInput(f"The {name} has expired: it is valid for 24 hours.")
        if fingerprint is not None and fingerprint != search.fingerprint:
            raise InvalidInput(f"The request parameters do not match those used to create the {name}.")
        return search, offset

    def _page(self, search: Search, offset: int, size: int, now: float, render) -> tuple[list, str | None]:
        ids = search.ids[offset:offset + size]
        token = self._new_page_token(search, offset + size) if offset + size < len(search.ids) else None
        return [render(self.sandbox.orders[oid]) for oid in ids], token

    # -- v2026-01-01 ------------------------------------------------------------------
    def search_orders(self, seller: Seller, args, now: float) -> dict:
        size = _page_size(args, "maxResultsPerPage")
        included = set(_enum(args, "includedData", INCLUDED_DATA))
        statuses = _enum(args, "fulfillmentStatuses", STATUSES)
        fulfilled_by = _enum(args, "fulfilledBy", FULFILLED_BY)
        marketplace_ids = _marketplaces(args, "marketplaceIds", seller, required=False)
        names = ("createdAfter", "createdBefore", "lastUpdatedAfter", "lastUpdatedBefore")
        token = args.get("paginationToken")
        fingerprint = (tuple(_date(args, n) for n in names), tuple(sorted(marketplace_ids)),
                       tuple(sorted(statuses)), tuple(sorted(fulfilled_by)))
        if token:
            search, offset = self._resume(token, seller, fingerprint, now, "paginationToken")
        else:
            after_name, after, before_name, before = _window(args, now, names)
            family = "created" if after_name == "createdAfter" else "lastUpdated"
            ids = _match(self.sandbox, seller, now, family, after, before, marketplace_ids,
                         statuses, fulfilled_by)
            search = Search(seller.selling_partner_id, fingerprint, ids, before_name, before,
                            now + TOKEN_LIFETIME)
            offset = 0
        orders, next_token = self._page(search, offset, size, now,
                                        lambda o: order_v2026(o, now, included))
        body: dict = {"orders": orders}
        if next_token:
            body["pagination"] = {"nextToken": next_token}
        body[search.before_name] = fmt_time(search.before)
        return body

    def _order(self, seller: Seller, order_id: str, now: float) -> Order:
        order = self.sandbox.orders.get(order_id)
        if order is None or order.seller_id != seller.selling_partner_id or not order.visible(now):
            raise NotFound(order_id)
        return order

    def get_order(self, seller: Seller, order_id: str, args, now: float) -> dict:
        if not ORDER_ID.match(order_id):
            raise InvalidInput(f"Invalid orderId: '{order_id}'.")
        included = set(_enum(args, "includedData", INCLUDED_DATA))
        return {"order": order_v2026(self._order(seller, order_id, now), now, included)}

    # -- v0 (deprecated) -------------------------------------------------------------
    def get_orders_v0(self, seller: Seller, args, now: float) -> dict:
        size = _page_size(args, "MaxResultsPerPage")
        token = args.get("NextToken")
        if token:
            # v0 pages on the token alone; other parameters are not compared.
            search, offset = self._resume(token, seller, None, now, "NextToken")
        else:
            marketplace_ids = _marketplaces(args, "MarketplaceIds", seller, required=True)
            statuses_v0 = _enum(args, "OrderStatuses", [*V0_STATUS.values(), "InvoiceUnconfirmed"])
            channels = _enum(args, "FulfillmentChannels", list(V0_CHANNEL.values()))
            reverse_status = {v: k for k, v in V0_STATUS.items()}
            reverse_channel = {v: k for k, v in V0_CHANNEL.items()}
            statuses = [reverse_status[s] for s in statuses_v0 if s in reverse_status]
            if statuses_v0 and not statuses:
                statuses = ["(none)"]
            names = ("CreatedAfter", "CreatedBefore", "LastUpdatedAfter", "LastUpdatedBefore")
            after_name, after, before_name, before = _window(args, now, names)
            family = "created" if after_name == "CreatedAfter" else "lastUpdated"
            ids = _match(self.sandbox, seller, now, family, after, before, marketplace_ids,
                         statuses, [reverse_channel[c] for c in channels])
            search = Search(seller.selling_partner_id, (), ids, before_name, before,
                            now + TOKEN_LIFETIME)
            offset = 0
        orders, next_token = self._page(search, offset, size, now, lambda o: order_v0(o, now))
        payload: dict = {"Orders": orders}
        if next_token:
            payload["NextToken"] = next_token
        payload[search.before_name] = fmt_time(search.before)
        return {"payload": payload}

    def get_order_items_v0(self, seller: Seller, order_id: str, now: float) -> dict:
        order = self._order(seller, order_id, now)
        return {"payload": {"AmazonOrderId": order.order_id, "OrderItems": items_v0(order, now)}}
