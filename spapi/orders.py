"""Orders API v2026-01-01: ``searchOrders`` with local validation, pagination, ``getOrder``.

searchOrders refills one call every ~3 minutes: ask for 100 orders per page
with everything needed in ``includedData``, never one call per order.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from .client import SPAPIClient
from .errors import InvalidParameters, ServerError
from .lwa import utcnow
from .operations import GET_ORDER, SEARCH_ORDERS
from .timeutil import format_time, parse_time

FULFILLMENT_STATUSES = frozenset({
    "PENDING_AVAILABILITY", "PENDING", "UNSHIPPED", "PARTIALLY_SHIPPED", "SHIPPED",
    "CANCELLED", "UNFULFILLABLE",
})
FULFILLED_BY = frozenset({"MERCHANT", "AMAZON"})
INCLUDED_DATA = frozenset({
    "BUYER", "RECIPIENT", "PROCEEDS", "EXPENSE", "PROMOTION", "CANCELLATION", "FULFILLMENT",
    "PACKAGES", "TAX", "PAYMENT", "FULFILLMENT_ORDERS",
})
#: What the order importer needs (see normalize.py) in the same call.
IMPORT_INCLUDED_DATA = ("BUYER", "RECIPIENT", "PROCEEDS", "FULFILLMENT")
MAX_MARKETPLACES = 50
MAX_PAGE_SIZE = 100
#: A *Before must be at least this long before the request time.
BEFORE_MARGIN = timedelta(minutes=2)


@dataclass(frozen=True)
class SearchOrdersQuery:
    """The parameters of ``searchOrders`` (Amazon's names in snake case).

    Times are aware datetimes. :meth:`params` validates as Amazon would.
    """

    created_after: datetime | None = None
    created_before: datetime | None = None
    last_updated_after: datetime | None = None
    last_updated_before: datetime | None = None
    marketplace_ids: Sequence[str] = ()
    fulfillment_statuses: Sequence[str] = ()
    fulfilled_by: Sequence[str] = ()
    max_results_per_page: int = MAX_PAGE_SIZE
    included_data: Sequence[str] = ()
    pagination_token: str | None = field(default=None, repr=False)

    def validate(self, now: datetime) -> None:
        """Raise :class:`InvalidParameters` for what Amazon would reject with a 400."""
        created = self.created_after is not None or self.created_before is not None
        updated = self.last_updated_after is not None or self.last_updated_before is not None
        if created and updated:
            _invalid("createdAfter/createdBefore cannot be combined with "
                     "lastUpdatedAfter/lastUpdatedBefore")
        if (self.created_after is None) == (self.last_updated_after is None):
            _invalid("exactly one of createdAfter and lastUpdatedAfter is required")
        after = self.created_after or self.last_updated_after
        before = self.created_before or self.last_updated_before
        for value in (after, before):
            if value is not None and (value.tzinfo is None or value.utcoffset() is None):
                _invalid(f"naive datetime {value.isoformat()}: give a timezone")
        if before is not None:
            if before < after:
                _invalid("createdBefore/lastUpdatedBefore must not be earlier than its *After")
            if before > now - BEFORE_MARGIN:
                _invalid("createdBefore/lastUpdatedBefore must be at least 2 minutes "
                         "before the request time")
        if not 1 <= self.max_results_per_page <= MAX_PAGE_SIZE:
            _invalid(f"maxResultsPerPage must be 1..{MAX_PAGE_SIZE}")
        if len(self.marketplace_ids) > MAX_MARKETPLACES:
            _invalid(f"at most {MAX_MARKETPLACES} marketplaceIds")
        _check_enum("fulfillmentStatuses", self.fulfillment_statuses, FULFILLMENT_STATUSES)
        _check_enum("fulfilledBy", self.fulfilled_by, FULFILLED_BY)
        _check_enum("includedData", self.included_data, INCLUDED_DATA)

    def params(self, now: datetime) -> list[tuple[str, str]]:
        """The validated query string pairs (arrays comma-separated, Swagger's csv)."""
        self.validate(now)
        pairs: list[tuple[str, str]] = []
        for name, value in (
            ("createdAfter", self.created_after),
            ("createdBefore", self.created_before),
            ("lastUpdatedAfter", self.last_updated_after),
            ("lastUpdatedBefore", self.last_updated_before),
        ):
            if value is not None:
                pairs.append((name, format_time(value)))
        for name, values in (
            ("marketplaceIds", self.marketplace_ids),
            ("fulfillmentStatuses", self.fulfillment_statuses),
            ("fulfilledBy", self.fulfilled_by),
        ):
            if values:
                pairs.append((name, ",".join(values)))
        pairs.append(("maxResultsPerPage", str(self.max_results_per_page)))
        if self.included_data:
            pairs.append(("includedData", ",".join(self.included_data)))
        if self.pagination_token:
            pairs.append(("paginationToken", self.pagination_token))
        return pairs


@dataclass(frozen=True)
class OrdersPage:
    """One ``searchOrders`` answer; ``next_token`` is ``None`` on the last page."""

    orders: list[dict[str, Any]]
    next_token: str | None = field(default=None, repr=False)
    created_before: datetime | None = None
    last_updated_before: datetime | None = None


def _invalid(message: str) -> None:
    raise InvalidParameters(message, operation=SEARCH_ORDERS.name)


def _check_enum(name: str, values: Iterable[str], allowed: frozenset[str]) -> None:
    unknown = sorted(set(values) - allowed)
    if unknown:
        _invalid(f"{name}: unknown value(s) {', '.join(unknown)}")


def parse_orders_page(body: Any) -> OrdersPage:
    """The page in a ``searchOrders`` answer (pure)."""
    if not isinstance(body, dict) or not isinstance(body.get("orders"), list):
        raise ServerError("searchOrders answered without an orders list",
                          operation=SEARCH_ORDERS.name)
    pagination = body.get("pagination") or {}
    return OrdersPage(
        orders=body["orders"],
        next_token=pagination.get("nextToken") or None,
        created_before=parse_time(body.get("createdBefore")),
        last_updated_before=parse_time(body.get("lastUpdatedBefore")),
    )


def parse_order(body: Any) -> dict[str, Any]:
    """The order in a ``getOrder`` answer (pure)."""
    if not isinstance(body, dict) or not isinstance(body.get("order"), dict):
        raise ServerError("getOrder answered without an order", operation=GET_ORDER.name)
    return body["order"]


class OrdersAPI:
    """Orders API v2026-01-01 for one client."""

    def __init__(self, client: SPAPIClient, *, now: Callable[[], datetime] = utcnow) -> None:
        self.client = client
        self._now = now

    def search_orders(self, query: SearchOrdersQuery | None = None, /,
                      **parameters: Any) -> OrdersPage:
        """One page of orders: pass a :class:`SearchOrdersQuery` or its fields as keywords."""
        query = _query(query, parameters)
        params = query.params(self._now())
        return parse_orders_page(self.client.call_json(SEARCH_ORDERS, params=params))

    def iter_order_pages(self, query: SearchOrdersQuery | None = None, /,
                         **parameters: Any) -> Iterator[OrdersPage]:
        """Every page, following ``pagination.nextToken`` with the same parameters."""
        query = _query(query, parameters)
        seen: set[str] = set()
        while True:
            page = self.search_orders(query)
            yield page
            if not page.next_token:
                return
            if page.next_token in seen:
                # Amazon handing back a token twice would loop forever.
                raise ServerError("searchOrders repeated a pagination token",
                                  operation=SEARCH_ORDERS.name)
            seen.add(page.next_token)
            query = replace(query, pagination_token=page.next_token)

    def iter_orders(self, query: SearchOrdersQuery | None = None, /,
                    **parameters: Any) -> Iterator[dict[str, Any]]:
        """Every order of every page."""
        for page in self.iter_order_pages(query, **parameters):
            yield from page.orders

    def get_order(self, order_id: str, included_data: Sequence[str] = ()) -> dict[str, Any]:
        """One order by id (``getOrder``), with the requested ``includedData``."""
        _check_enum("includedData", included_data, INCLUDED_DATA)
        params = [("includedData", ",".join(included_data))] if included_data else []
        body = self.client.call_json(GET_ORDER, path_params={"orderId": order_id}, params=params)
        return parse_order(body)


def _query(query: SearchOrdersQuery | None, parameters: dict[str, Any]) -> SearchOrdersQuery:
    if query is not None and parameters:
        raise TypeError("pass a SearchOrdersQuery or keyword parameters, not both")
    return query or SearchOrdersQuery(**parameters)
