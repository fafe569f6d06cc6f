"""Orders through the Selling Partner API (Orders v2026-01-01 searchOrders)."""
import datetime as dt
import logging

from coquiapps import fields

from ..spapi import (
    IMPORT_INCLUDED_DATA,
    InvalidInput,
    InvalidParameters,
    OrdersAPI,
    normalize_order,
)
from ..spapi.normalize import OrderDataError

_logger = logging.getLogger(__name__)

SAFETY_OVERLAP = dt.timedelta(minutes=10)   # re-read the edge: the unique key absorbs doubles
FIRST_SYNC_LOOKBACK = dt.timedelta(days=30)
PAGE_SIZE = 100
MAX_SPLITS = 12                              # searches cut in two in one sync, at most (a 30-day window to 10 min)
MIN_WINDOW = dt.timedelta(minutes=10)        # a narrower window is not cut again: the error is not the token's age


class SpapiOrderSource:
    """Pages of normalised orders, 100 whole orders per ``searchOrders`` call.

    Amazon does not promise an order of results across pages, so the
    account's cursor moves only once the last page is imported
    (``advance_per_page = False``) to the moment Amazon says the search
    covered (``lastUpdatedBefore``); a crash re-reads the window and the
    (account, order id) key prevents doubles.

    A pagination token lives 24 hours: at one call per ~3 minutes that is
    about 48,000 orders. When Amazon refuses to continue a search
    (``InvalidInput`` on a next page), the rest of its window is searched again
    in two halves, the earlier one bounded (``lastUpdatedBefore``); once a
    bounded window is read whole, ``covered_until`` says so and the cursor
    moves there, so a huge backlog is imported piece by piece instead of
    failing for ever.
    """

    name = "Amazon SP-API (Orders 2026-01-01)"
    advance_per_page = False

    def __init__(self):
        self.sync_until = None
        self.covered_until = None
        self.skipped_before_cutoff = 0
        self.splits = 0

    def fetch_pages(self, account, since):
        owner = account._sp_check_usable()
        now = dt.datetime.now(dt.UTC)
        cutoff = account.sp_ignore_orders_before
        cutoff = cutoff.replace(tzinfo=dt.UTC) if cutoff else None
        start = (since - SAFETY_OVERLAP) if since else (cutoff or now - FIRST_SYNC_LOOKBACK)
        if cutoff and start < cutoff - SAFETY_OVERLAP:
            start = cutoff - SAFETY_OVERLAP
        marketplaces = account.active_marketplace_ids.mapped("api_ref") or [account.base_marketplace_id.api_ref]
        api = OrdersAPI(owner._sp_client())
        windows = [(start, None)]  # (lastUpdatedAfter, lastUpdatedBefore or None: up to Amazon's now)
        while windows:
            after, before = windows.pop(0)
            pages = api.iter_order_pages(last_updated_after=after, last_updated_before=before,
                                         marketplace_ids=marketplaces, included_data=IMPORT_INCLUDED_DATA,
                                         max_results_per_page=PAGE_SIZE)
            read, reached = 0, None
            try:
                for page in pages:
                    read += 1
                    reached = page.last_updated_before or reached
                    if before is None and page.last_updated_before:
                        self.sync_until = page.last_updated_before
                    account._sp_mark_success()
                    yield self._page_orders(account, page, cutoff)
            except InvalidInput as exc:
                end = before or reached
                if isinstance(exc, InvalidParameters) or not read or not end or self.splits >= MAX_SPLITS \
                        or end - after < MIN_WINDOW:
                    raise
                self.splits += 1
                middle = after + (end - after) / 2
                _logger.warning("Amazon account %s: searchOrders could not go on after %d pages (%s); "
                                "searching %s to %s again in two halves", account.name, read, exc,
                                after.isoformat(), end.isoformat())
                windows[:0] = [(after, middle), (middle, before)]
                continue
            if before is not None:
                self.covered_until = fields.Datetime.to_datetime(before)
        if self.sync_until is None:
            self.sync_until = now - dt.timedelta(minutes=2)
        self.sync_until = fields.Datetime.to_datetime(self.sync_until)

    def _page_orders(self, account, page, cutoff) -> list[dict]:
        """The page's orders, normalised; those Amazon's data does not allow, or from before the
        switch-off ``cutoff``, left out."""
        orders = []
        for raw in page.orders:
            try:
                order = normalize_order(raw)
            except OrderDataError as exc:
                _logger.warning("Amazon account %s: order skipped: %s", account.name, exc)
                continue
            if cutoff and order["purchase_date"] < cutoff:
                self.skipped_before_cutoff += 1
                continue
            orders.append(order)
        return orders
