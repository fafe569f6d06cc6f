"""The outbound work queue: MWS sinks fail naming the module, the scheduled actions leave work pending
until a real sink exists, and a sink only sends and reads results."""
import pytest

from coquiapps.exceptions import UserError

from ..models.amazon_outbound import OUTBOUND_KINDS, Outcome
from ..models.mws_sinks import MwsOutboundSink
from . import common
from .common import make_order

account, marketplace_us, mug, no_commit = common.account, common.marketplace_us, common.mug, common.no_commit


class RecordingSink:
    """A sink standing for Amazon's side (the SP-API patch provides the real one): it takes the work,
    says which feed carries it, and answers with the results it is told."""

    name = "Recording sink"
    available = True

    def __init__(self, results=None):
        self.sent, self.read, self.results = [], [], results or {}

    def send(self, account, records):
        self.sent.append(records)
        return {record.id: Outcome("processing", ref=f"FEED-{len(self.sent)}") for record in records}

    def read_results(self, account, records):
        self.read.append(records)
        return {record.id: self.results[record.id] for record in records if record.id in self.results}


@pytest.fixture
def sinks(env, monkeypatch):
    """kind -> the sink every account uses for it (RecordingSink unless a test sets another)."""
    chosen = {kind: RecordingSink() for kind in OUTBOUND_KINDS}
    monkeypatch.setattr(type(env["amazon.account"]), "_get_outbound_sink", lambda self, kind: chosen[kind])
    return chosen


def _shipped_delivery(env, account, ref="111-0000001-0000001"):
    order, _created = account._import_normalized_order(make_order(ref))
    picking = order.picking_ids
    picking.write({"carrier_id": env.ref("stock.carrier_fedex").id, "carrier_tracking_ref": f"TRK-{ref}"})
    picking.button_validate()
    return picking


def test_mws_sinks_fail_naming_the_module(env, account, no_commit):
    picking = _shipped_delivery(env, account)
    for kind in OUTBOUND_KINDS:
        sink = account._get_outbound_sink(kind)
        assert isinstance(sink, MwsOutboundSink) and sink.available is False
        with pytest.raises(UserError, match=r"Amazon MWS is retired.*\(sale_amazon_spapi\)"):
            sink.send(account, picking)
    with pytest.raises(ValueError, match="unknown outbound kind 'invoices'"):
        account._get_outbound_sink("invoices")
    # the account's button sends now: the user sees why nothing can be sent
    with pytest.raises(UserError, match=r"shipment confirmations.* of Test Amazon US.*sale_amazon_spapi"):
        account.action_amazon_send_outbound()


def test_scheduled_actions_are_harmless_with_mws_sinks(env, account, no_commit, caplog):
    picking = _shipped_delivery(env, account)
    for xmlid in ("sale_amazon.ir_cron_amazon_send_outbound", "sale_amazon.ir_cron_amazon_read_outbound_results"):
        cron = env.ref(xmlid)
        assert cron.active and cron.interval_type == "minutes"
    env["amazon.account"].with_context(amazon_sync_commit=False)._cron_amazon_send_outbound()
    env["amazon.account"].with_context(amazon_sync_commit=False)._cron_amazon_read_outbound_results()
    assert picking.amazon_sync_state == "pending"     # waits for a sink, no error
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "WARNING")]


def test_shipments_pending_processing_done_or_error_and_retry(env, account, sinks, no_commit):
    first, second = _shipped_delivery(env, account, "S-1"), _shipped_delivery(env, account, "S-2")
    ready = account._import_normalized_order(make_order("S-3"))[0].picking_ids  # not validated: not sent
    handed = account._amazon_send_outbound(["shipments"])
    assert handed == {"shipments": 2} and sinks["shipments"].sent == [first | second]
    assert (first | second).mapped("amazon_sync_state") == ["processing", "processing"]
    assert first.amazon_feed_ref == "FEED-1" and ready.amazon_sync_state == "none"
    # sent once: a second round has nothing to send
    assert account._amazon_send_outbound(["shipments"]) == {}
    # results: one confirmed, one refused with Amazon's message; unknown ones stay processing
    sinks["shipments"].results = {first.id: Outcome("done"),
                                  second.id: Outcome("error", "Order item code not in the order")}
    assert account._amazon_read_outbound_results(["shipments"]) == {"shipments": 2}
    assert first.amazon_sync_state == "done" and not first.amazon_sync_message
    assert second.amazon_sync_state == "error"
    assert second.amazon_sync_message == "Order item code not in the order"
    with pytest.raises(UserError, match="nothing to retry"):
        first.action_amazon_retry()
    second.carrier_tracking_ref = "TRK-FIXED"
    second.action_amazon_retry()
    assert second.amazon_sync_state == "pending" and not second.amazon_sync_message
    account._amazon_send_outbound(["shipments"])
    assert sinks["shipments"].sent[-1] == second and second.amazon_feed_ref == "FEED-2"


def test_sink_answers_checked(env, account, sinks, no_commit):
    picking = _shipped_delivery(env, account)
    sinks["shipments"].send = lambda account, records: {records.id + 1000: Outcome("processing")}
    with pytest.raises(ValueError, match="records it was not given"):
        account._amazon_send_outbound(["shipments"])
    with pytest.raises(ValueError, match="an outbound outcome is one of"):
        Outcome("pending")
    assert picking.amazon_sync_state == "pending"


def test_cancellations_go_through_their_sink(env, account, sinks, no_commit):
    order, _created = account._import_normalized_order(make_order("X-1"))
    order.action_cancel()
    account._amazon_send_outbound(["cancellations"])
    assert sinks["cancellations"].sent == [order] and order.amazon_cancel_state == "processing"
    sinks["cancellations"].results = {order.id: Outcome("error", "The order is already shipped")}
    account._amazon_read_outbound_results(["cancellations"])
    assert order.amazon_cancel_state == "error" and "already shipped" in order.amazon_cancel_message
    order.action_amazon_retry_cancel()
    assert order.amazon_cancel_state == "pending"
    sinks["cancellations"].results = {order.id: Outcome("done")}
    account._amazon_send_outbound(["cancellations"])
    account._amazon_read_outbound_results(["cancellations"])
    assert order.amazon_cancel_state == "done"
    with pytest.raises(UserError, match="cannot be set back to quotation"):
        order.action_draft()


def test_fbm_quantities_only_changes_are_sent(env, account, mug, sinks, no_commit):
    offer = account.offer_ids
    stock = env.ref("stock.warehouse0").lot_stock_id
    env["stock.quant"].create({"product_id": mug.id, "location_id": stock.id, "quantity": 10})
    assert not account._amazon_queue_stock()  # not synced until asked
    offer.sync_stock = True
    account._import_normalized_order(make_order("Q-1"))  # an open delivery of 2 mugs
    account._amazon_send_outbound(["stock"])
    assert sinks["stock"].sent == [offer] and offer.amazon_qty_to_send == 8
    assert offer.amazon_stock_state == "processing"
    # while a quantity is in flight, a newer one waits (never two for one SKU at once)
    env["stock.quant"]._update_quantity(mug, stock, 5)
    account._amazon_send_outbound(["stock"])
    assert len(sinks["stock"].sent) == 1
    sinks["stock"].results = {offer.id: Outcome("done")}
    account._amazon_read_outbound_results(["stock"])
    assert offer.amazon_stock_state == "done" and offer.amazon_qty_sent == 8
    account._amazon_send_outbound(["stock"])
    assert sinks["stock"].sent[-1] == offer and offer.amazon_qty_to_send == 13
    sinks["stock"].results = {offer.id: Outcome("done")}
    account._amazon_read_outbound_results(["stock"])
    assert offer.amazon_qty_sent == 13
    # nothing changed: nothing sent
    account._amazon_send_outbound(["stock"])
    assert len(sinks["stock"].sent) == 2 and offer.amazon_stock_state == "done"


def test_fba_offers_do_not_sync_quantities(env, account):
    with pytest.raises(UserError, match="Amazon counts its stock"):
        account.offer_ids.write({"fulfillment_channel": "fba", "sync_stock": True})


def test_carriers_know_their_amazon_code(env):
    ups = env.ref("stock.carrier_ups")
    assert ups.amazon_carrier_code == "UPS" and ups._amazon_carrier() == ("UPS", "")
    local = env["delivery.carrier"].create({"name": "Coqui Courier"})
    assert local._amazon_carrier() == ("", "Coqui Courier")
