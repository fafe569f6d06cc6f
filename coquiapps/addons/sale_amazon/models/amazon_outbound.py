"""Outbound work: shipments, cancellations and stock go back to Amazon through replaceable sinks.

Each piece of work carries its state on its own record (a work queue in the
records themselves):

==============  ===============  ==========================================
kind            record           state / message / feed reference fields
==============  ===============  ==========================================
shipments       ``stock.picking``  ``amazon_sync_state`` / ``amazon_sync_message`` / ``amazon_feed_ref``
cancellations   ``sale.order``     ``amazon_cancel_state`` / ``amazon_cancel_message`` / ``amazon_cancel_feed_ref``
stock           ``amazon.offer``   ``amazon_stock_state`` / ``amazon_stock_message`` / ``amazon_stock_feed_ref``
==============  ===============  ==========================================

States: ``none`` (nothing to send) -> ``pending`` (to send) -> ``processing``
(sent, Amazon's result awaited) -> ``done`` or ``error`` (with Amazon's
message; the Retry button puts it back to ``pending``). A validated FBM
delivery, an order cancelled in the ERP and an FBM offer whose quantity
changed become ``pending`` here; a sink only sends and reads results.

Extension points (kept stable for ``sale_amazon_spapi``):

- ``_get_outbound_sink(kind)`` returns, for ``kind`` in :data:`OUTBOUND_KINDS`,
  an object with

  * ``name`` (shown in logs) and ``available`` (False: the scheduled actions
    skip it silently and the work stays pending; the MWS sinks say False);
  * ``send(account, records)``: ``records`` are the account's pending records
    of that kind, locked for this transaction (``FOR NO KEY UPDATE SKIP
    LOCKED``: another worker never gets them). Returns ``{record id:
    Outcome}`` for the records it took (``processing`` with the feed id as
    ``ref``, or ``error`` for a record refused before sending); records left
    out stay pending for a later run (pacing). A sink that must survive a
    crash between creating the feed and this transaction's commit records its
    feed, calls ``account._amazon_apply_outcomes(kind, records, outcomes)``
    and commits *before* it submits the feed;
  * ``read_results(account, records)``: ``records`` are the account's
    ``processing`` records (locked likewise). Returns ``{record id: Outcome}``
    with ``done`` or ``error`` (Amazon's message) for those whose result is
    known; the others stay processing.

- ``_amazon_apply_outcomes(kind, records, outcomes)`` writes outcomes on the
  records (a stock ``done`` also records the quantity as sent);
- ``_amazon_send_outbound(kinds)`` / ``_amazon_read_outbound_results(kinds)``
  run one round for these accounts; ``force=True`` (the account's button) also
  calls sinks that are not ``available``, so their error reaches the user;
- ``_amazon_queue_stock()`` marks the FBM offers whose quantity changed;
- ``_cron_amazon_send_outbound()`` / ``_cron_amazon_read_outbound_results()``
  are the scheduled actions (each account in its own transaction).

What a shipment sink needs is on the records: the delivery's ``sale_id``
(``amazon_order_ref``), ``date_done``, ``carrier_id._amazon_carrier()`` (Amazon's
carrier code, else the carrier's name), ``carrier_tracking_ref``, its moves'
``sale_line_id.amazon_item_ref`` and ``quantity``, and the source location's
warehouse (ship-from address: its company's); a cancellation's order has
``amazon_cancel_reason`` and its lines' item codes; a stock offer has ``sku``
and ``amazon_qty_to_send``.
"""
import logging
from dataclasses import dataclass

from coquiapps import _, api, fields, models
from coquiapps.exceptions import UserError

from .mws_sinks import MwsOutboundSink

_logger = logging.getLogger(__name__)

OUTBOUND_STATES = [("none", "Nothing to Send"), ("pending", "To Send"), ("processing", "Sent, Awaiting Amazon"),
                   ("done", "Confirmed by Amazon"), ("error", "Refused by Amazon")]
OUTCOME_STATES = ("processing", "done", "error")


@dataclass(frozen=True)
class OutboundKind:
    """Where the work of one kind lives: its model and its state fields."""

    model: str
    account_field: str
    state: str
    message: str
    ref: str
    date: str


OUTBOUND_KINDS = {
    "shipments": OutboundKind("stock.picking", "amazon_account_id", "amazon_sync_state", "amazon_sync_message",
                              "amazon_feed_ref", "amazon_sync_date"),
    "cancellations": OutboundKind("sale.order", "amazon_account_id", "amazon_cancel_state",
                                  "amazon_cancel_message", "amazon_cancel_feed_ref", "amazon_cancel_date"),
    "stock": OutboundKind("amazon.offer", "account_id", "amazon_stock_state", "amazon_stock_message",
                          "amazon_stock_feed_ref", "amazon_stock_date"),
}


@dataclass(frozen=True)
class Outcome:
    """What a sink says of one record: ``processing`` (with the feed id), ``done`` or ``error``."""

    state: str
    message: str = ""
    ref: str = ""

    def __post_init__(self):
        if self.state not in OUTCOME_STATES:
            raise ValueError(f"an outbound outcome is one of {', '.join(OUTCOME_STATES)}, not {self.state!r}")


class AmazonAccountOutbound(models.Model):
    """The outbound work queue of the Amazon account."""

    _inherit = "amazon.account"

    outbound_batch_size = 5000  # records handed to a sink at once (a feed holds many)

    def _get_outbound_sink(self, kind: str):
        """The object that sends this account's ``kind`` work; MWS here (retired, so it fails)."""
        self.ensure_one()
        if kind not in OUTBOUND_KINDS:
            raise ValueError(f"unknown outbound kind {kind!r}: one of {', '.join(OUTBOUND_KINDS)}")
        return MwsOutboundSink(kind)

    def _amazon_outbound_locked(self, kind: str, state: str):
        """The account's records of ``kind`` in ``state``, locked (skipping those another worker holds)."""
        self.ensure_one()
        spec = OUTBOUND_KINDS[kind]
        Model = self.env[spec.model]
        self.env.cr.execute(
            f'SELECT id FROM "{Model._table}" WHERE "{spec.account_field}" = %s AND "{spec.state}" = %s '
            f"ORDER BY id LIMIT %s FOR NO KEY UPDATE SKIP LOCKED",
            (self.id, state, self.outbound_batch_size))
        return Model.browse([row[0] for row in self.env.cr.fetchall()])

    def _amazon_apply_outcomes(self, kind: str, records, outcomes: dict) -> None:
        """Write ``{record id: Outcome}`` on ``records`` (ids not among them are refused loudly)."""
        spec = OUTBOUND_KINDS[kind]
        known = set(records.ids)
        stray = [rid for rid in outcomes if rid not in known]
        if stray:
            raise ValueError(f"the {kind} sink answered for records it was not given: {stray}")
        now = fields.Datetime.now()
        for record in records:
            outcome = outcomes.get(record.id)
            if outcome is None:
                continue
            values = {spec.state: outcome.state, spec.message: outcome.message or False, spec.date: now}
            if outcome.ref:
                values[spec.ref] = outcome.ref
            if kind == "stock" and outcome.state == "done":
                values["amazon_qty_sent"] = record.amazon_qty_to_send
            record.sudo().write(values)

    # -- one round ---------------------------------------------------------------------
    def _amazon_send_outbound(self, kinds=None, force=False) -> dict:
        """Hand each account's pending work to its sinks; ``{kind: records handed}``."""
        return self._amazon_outbound_round("pending", "send", kinds, force, queue_stock=True)

    def _amazon_read_outbound_results(self, kinds=None, force=False) -> dict:
        """Ask each account's sinks for the results of the work sent; ``{kind: records settled}``."""
        return self._amazon_outbound_round("processing", "read_results", kinds, force)

    def _amazon_outbound_round(self, state: str, call: str, kinds, force: bool, queue_stock=False) -> dict:
        """Give each account's records in ``state`` to ``sink.<call>``, write the outcomes; ``{kind: count}``.

        Sinks that say they are not available are skipped unless ``force``
        (the button shows their error; the scheduled actions stay quiet).
        """
        counts = {}
        for account in self:
            if queue_stock and "stock" in (kinds or OUTBOUND_KINDS):
                account._amazon_queue_stock()
            for kind in kinds or OUTBOUND_KINDS:
                sink = account._get_outbound_sink(kind)
                if not (force or getattr(sink, "available", True)):
                    continue
                records = account._amazon_outbound_locked(kind, state)
                if not records:
                    continue
                outcomes = getattr(sink, call)(account, records) or {}
                account._amazon_apply_outcomes(kind, records, outcomes)
                counts[kind] = counts.get(kind, 0) + len(outcomes)
        return counts

    # -- stock ---------------------------------------------------------------------------
    def _amazon_queue_stock(self):
        """Mark the FBM offers to sync whose available quantity is not the one Amazon has.

        An offer already sent (``processing``) waits for its result: one
        quantity per SKU is in flight at a time, so an older quantity never
        arrives after a newer one. Returns the offers now pending.
        """
        self.ensure_one()
        offers = self.env["amazon.offer"].search([
            ("account_id", "=", self.id), ("fulfillment_channel", "=", "fbm"), ("sync_stock", "=", True),
            ("amazon_stock_state", "!=", "processing")])
        quantities = offers._amazon_available_quantities()
        pending = offers.browse()
        for offer in offers:
            qty = quantities[offer.id]
            sent = offer.amazon_qty_sent if offer.amazon_stock_date else None
            if qty != sent:
                if offer.amazon_stock_state != "pending" or offer.amazon_qty_to_send != qty:
                    offer.sudo().write({"amazon_stock_state": "pending", "amazon_qty_to_send": qty,
                                        "amazon_stock_message": False})
                pending |= offer
            elif offer.amazon_stock_state == "pending":
                # back to what Amazon has: nothing to send any more
                offer.sudo().write({"amazon_stock_state": "done", "amazon_qty_to_send": qty})
        return pending

    # -- entry points ----------------------------------------------------------------
    def action_amazon_send_outbound(self):
        """Button "Send to Amazon": send now and read results; a sink's error is shown."""
        self.check_access("write")  # rights and record rules, as Sync Orders: only accounts the caller may edit
        handed = self._amazon_send_outbound(force=True)
        self._amazon_read_outbound_results(force=True)
        return {"type": "ir.actions.client", "tag": "display_notification", "params": {
            "type": "success", "message": _("Sent to Amazon: %s.") % (
                ", ".join(f"{count} {kind}" for kind, count in handed.items()) or _("nothing was waiting"))}}

    def _amazon_cron_each(self, method: str) -> None:
        commit = self._amazon_sync_commit()
        for account in self.search([]):
            try:
                if commit:
                    getattr(account.with_company(account.company_id), method)()
                    self.env.cr.commit()
                else:
                    with self.env.cr.savepoint():
                        getattr(account.with_company(account.company_id), method)()
            except Exception as exc:  # one account must not stop the others
                if commit:
                    self.env.cr.rollback()
                message = exc.message if isinstance(exc, UserError) else f"{type(exc).__name__}: {exc}"
                _logger.exception("Amazon account %s: %s failed: %s", account.name, method, message)

    @api.model
    def _cron_amazon_send_outbound(self):
        """Scheduled action "Amazon: send deliveries, cancellations and stock"."""
        self._amazon_cron_each("_amazon_send_outbound")
        return True

    @api.model
    def _cron_amazon_read_outbound_results(self):
        """Scheduled action "Amazon: read feed results"."""
        self._amazon_cron_each("_amazon_read_outbound_results")
        return True
