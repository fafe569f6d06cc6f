"""Orders through the Selling Partner API (Orders v2026-01-01 searchOrders)."""
import datetime as dt
import logging

from coquiapps import fields

from ..spapi import IMPORT_INCLUDED_DATA, OrdersAPI, normalize_order
from ..spapi.normalize import OrderDataError

_logger = logging.getLogger(__name__)

SAFETY_OVERLAP = dt.timedelta(minutes=10)   # re-read the edge: the unique key absorbs doubles
FIRST_SYNC_LOOKBACK = dt.timedelta(days=30)
PAGE_SIZE = 100


class SpapiOrderSource:
    """Pages of normalised orders, 100 whole orders per ``searchOrders`` call.

    Amazon does not promise an order of results across pages, so the
    account's cursor moves only once the last page is imported
    (``advance_per_page = False``) to the moment Amazon says the search
    covered (``lastUpdatedBefore``); a crash re-reads the window and the
    (account, order id) key prevents doubles.
    """

    name = "Amazon SP-API (Orders 2026-01-01)"
    advance_per_page = False

    def __init__(self):
        self.sync_until = None
        self.skipped_before_cutoff = 0

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
        started = now
        for page in api.iter_order_pages(last_updated_after=start, marketplace_ids=marketplaces,
                                         included_data=IMPORT_INCLUDED_DATA, max_results_per_page=PAGE_SIZE):
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
            if page.last_updated_before:
                self.sync_until = page.last_updated_before
            account._sp_mark_success()
            yield orders
        if self.sync_until is None:
            self.sync_until = started - dt.timedelta(minutes=2)
        self.sync_until = fields.Datetime.to_datetime(self.sync_until)
