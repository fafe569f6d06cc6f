"""A sender killed (SIGKILL) right after createFeed loses nothing and doubles nothing.

The scheduled action runs in a real ``coquiapps shell`` process; it prints a line at
the chosen point and waits there (``signal.pause``), the test reads that line and
kills it: no sleeping, no timing.
"""
import signal

import pytest

from amazon_sandbox.testing import running

from .faults_world import shell
from .outbound_world import OutboundWorld

SEND_AND_STOP = """
import signal
from coquiapps.addons.sale_amazon_spapi.models import spapi_outbound_sink
from coquiapps.addons.sale_amazon_spapi.spapi import FeedsAPI
{patch}
env["amazon.account"]._cron_amazon_send_outbound()
print("NOT STOPPED", flush=True)
"""
# after the feed id is committed: the crash-safe point of the design
AFTER_COMMIT = """
original = spapi_outbound_sink.SpapiOutboundSink._submit
def submit(self, account, feed, document):
    original(self, account, feed, document)
    print("STOPPED", feed.feed_id, flush=True)
    signal.pause()
spapi_outbound_sink.SpapiOutboundSink._submit = submit
"""
# Amazon took the feed but its answer never reached the database
BEFORE_COMMIT = """
original = FeedsAPI.create_feed
def create_feed(self, *args, **kwargs):
    feed_id = original(self, *args, **kwargs)
    print("STOPPED", feed_id, flush=True)
    signal.pause()
FeedsAPI.create_feed = create_feed
"""


@pytest.fixture
def ow(full_db):
    with running(seed=43) as h:
        yield OutboundWorld(h, full_db)


def _kill_at(ow, patch) -> str:
    proc = shell(ow.world.db, SEND_AND_STOP.format(patch=patch))
    try:
        for line in proc.stdout:       # blocks until the child reaches the point (or ends)
            if line.startswith(("STOPPED", "NOT STOPPED")):
                break
        assert line.startswith("STOPPED"), line
        proc.send_signal(signal.SIGKILL)
        assert proc.wait() == -signal.SIGKILL
        return line.split()[1]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.parametrize("point", ["after_commit", "before_commit"])
def test_sender_killed_after_create_feed_loses_and_doubles_nothing(ow, point):
    orders = [ow.new_order() for _ in range(3)]
    ow.sync()
    with ow.env() as env:
        for order_id, _items in orders:
            ow.validate(env, ow.order(env, order_id).picking_ids, tracking=f"KILL-{order_id}")
    feed_id = _kill_at(ow, AFTER_COMMIT if point == "after_commit" else BEFORE_COMMIT)
    with ow.env() as env:
        [feed] = ow.feeds(env)
        pickings = env["stock.picking"].search([("carrier_tracking_ref", "=like", "KILL-%")])
        assert set(pickings.mapped("amazon_sync_state")) == {"processing"}   # committed before Amazon was called
        assert feed.feed_id == (feed_id if point == "after_commit" else False)
    ow.send()   # another worker: the feed in flight is not sent again
    assert ow.world.op_calls("createFeed") == 1
    ow.process_feeds()
    ow.read()
    with ow.env() as env:
        [feed] = ow.feeds(env)
        assert (feed.feed_id, feed.state, feed.message_count) == (feed_id, "DONE", 3)
        pickings = env["stock.picking"].search([("carrier_tracking_ref", "=like", "KILL-%")])
        assert set(pickings.mapped("amazon_sync_state")) == {"done"}, pickings.mapped("amazon_sync_message")
    ow.send()
    assert ow.world.op_calls("createFeed") == 1
    for order_id, _items in orders:
        amazon = ow.amazon_order(order_id)
        assert amazon["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
        assert [p["trackingNumber"] for p in amazon["packages"]] == [f"KILL-{order_id}"]


def test_sender_killed_before_create_feed_sends_its_work_again(ow):
    order_id, _items = ow.new_order()
    ow.sync()
    with ow.env() as env:
        ow.validate(env, ow.order(env, order_id).picking_ids, tracking="KILL-EARLY")
    proc = shell(ow.world.db, SEND_AND_STOP.format(patch="""
def create_feed(self, *args, **kwargs):
    print("STOPPED -", flush=True)
    signal.pause()
FeedsAPI.create_feed = create_feed
"""))
    for line in proc.stdout:
        if line.startswith(("STOPPED", "NOT STOPPED")):
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert line.startswith("STOPPED")
    ow.read()       # the reader finds the sender dead and nothing at Amazon: the delivery is pending again
    with ow.env() as env:
        assert ow.feeds(env).state == "abandoned"
        assert ow.order(env, order_id).picking_ids.amazon_sync_state == "pending"
    ow.send_and_confirm()
    assert ow.world.op_calls("createFeed") == 1
    amazon = ow.amazon_order(order_id)
    assert [p["trackingNumber"] for p in amazon["packages"]] == ["KILL-EARLY"]
