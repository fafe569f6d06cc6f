"""Feeds API 2021-06-30 end to end: the pure client against the Amazon sandbox over real HTTP.

No sleeps: pacing and polling advance the sandbox clock (feeds_world.py).
"""
from datetime import UTC, datetime

import pytest
import requests
from coquiapps.addons.sale_amazon_spapi.spapi import (
    FeedsAPI,
    InvalidInput,
    OrderCancellation,
    PermanentError,
    QuantityUpdate,
    ShipmentConfirmation,
    fbm_quantity,
    listings_quantity_feed,
    order_cancellation_feed,
    order_fulfillment_feed,
    parse_report,
)
from coquiapps.addons.sale_amazon_spapi.spapi.feed_documents import FeedDocument

from .feeds_world import FeedsWorld

WHEN = datetime(2026, 1, 2, 10, 0, tzinfo=UTC)
SHIPPING = ("FULFILLMENT", "PACKAGES")


@pytest.fixture
def world():
    w = FeedsWorld()
    yield w
    w.stop()


def ship(key, order_id, items, carrier="UPS", tracking="1ZTRACK0001"):
    return ShipmentConfirmation(key, order_id, WHEN, carrier, tracking, items, "Standard")


def test_confirmed_shipment_lifecycle_ships_the_order_with_its_tracking(world):
    order_id, (a, b) = world.new_order()
    doc = order_fulfillment_feed(world.spid, [ship("delivery-1", order_id, [(a, 2), (b, 1)])])
    upload = world.feeds.create_feed_document(doc.content_type)
    world.feeds.upload_feed_document(upload.url, doc.content, doc.content_type)
    feed_id = world.feeds.create_feed(doc.feed_type, [world.marketplace], upload.feed_document_id)
    queued = world.feeds.get_feed(feed_id)
    assert queued.processing_status == "IN_QUEUE" and queued.result_feed_document_id is None
    world.advance(90)
    running = world.feeds.get_feed(feed_id)
    assert running.processing_status == "IN_PROGRESS" and running.processing_start_time
    feed = world.feeds.wait_for_feed(feed_id, poll_interval=30)
    assert feed.processing_status == "DONE"
    assert feed.processing_start_time < feed.processing_end_time
    report = parse_report(world.feeds.read_result_document(feed))
    assert (report.messages_processed, report.messages_successful) == (1, 1)
    assert report.accepted(1) and report.results_for(1) == []

    order = world.orders.get_order(order_id, SHIPPING)
    assert order["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    [package] = order["packages"]
    assert (package["carrier"], package["trackingNumber"]) == ("UPS", "1ZTRACK0001")
    assert {(p["orderItemId"], p["quantity"]) for p in package["packageItems"]} == {(a, 2), (b, 1)}
    world.advance(180)  # searchOrders ends two minutes before now
    found = [o for o in world.orders.iter_orders(
        last_updated_after=feed.processing_end_time.replace(second=0), included_data=SHIPPING,
        marketplace_ids=[world.marketplace]) if o["orderId"] == order_id]
    assert found and found[0]["packages"][0]["trackingNumber"] == "1ZTRACK0001"
    row = world.control("GET", f"feeds/{feed_id}")
    assert row["processingStatus"] == "DONE" and "<AmazonOrderID>" in row["input"]


def test_partial_delivery_then_the_rest(world):
    order_id, (a, b) = world.new_order()
    first, _ = world.submit_and_wait(order_fulfillment_feed(
        world.spid, [ship(1, order_id, [(a, 1)], tracking="PART-1")]))
    assert first.processing_status == "DONE"
    order = world.orders.get_order(order_id, SHIPPING)
    assert order["fulfillment"]["fulfillmentStatus"] == "PARTIALLY_SHIPPED"
    assert order["orderItems"][0]["fulfillment"] == {"quantityFulfilled": 1, "quantityUnfulfilled": 1}
    world.submit_and_wait(order_fulfillment_feed(
        world.spid, [ship(2, order_id, [(a, 1), (b, 1)], carrier="DHL", tracking="PART-2")]))
    order = world.orders.get_order(order_id, SHIPPING)
    assert order["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    assert [p["trackingNumber"] for p in order["packages"]] == ["PART-1", "PART-2"]


def test_each_report_error_and_warning_maps_back_to_its_message(world):
    order_id, (a, b) = world.new_order()
    doc = order_fulfillment_feed(world.spid, [
        ship("unknown-order", "999-0000000-0000000", [(a, 1)]),
        ship("unknown-item", order_id, [("99999999999999", 1)]),
        ship("too-many", order_id, [(a, 3)]),
        ship("odd-carrier", order_id, [(a, 2)], carrier="Coqui Couriers", tracking="CC-1"),
        ship("twice", order_id, [(a, 1)], tracking="CC-2"),
    ])
    feed, content = world.submit_and_wait(doc)
    assert feed.processing_status == "DONE"
    report = parse_report(content)
    assert (report.messages_processed, report.messages_successful, report.messages_with_error,
            report.messages_with_warning) == (5, 1, 4, 1)
    by_key = {doc.message_ids[m]: report.results_for(m) for m in doc.message_ids}
    assert [r.severity for r in by_key["odd-carrier"]] == ["WARNING"]
    assert "Coqui Couriers" in by_key["odd-carrier"][0].message
    assert report.accepted(4)
    words = {"unknown-order": "not found", "unknown-item": "is not an item",
             "too-many": "exceeds the 2 left", "twice": "already been shipped"}
    for key, text in words.items():
        [error] = by_key[key]
        assert error.severity == "ERROR" and text in error.message, (key, error)
    order = world.orders.get_order(order_id, SHIPPING)
    assert order["fulfillment"]["fulfillmentStatus"] == "PARTIALLY_SHIPPED"
    assert [p["carrier"] for p in order["packages"]] == ["Coqui Couriers"]


def test_malformed_document_and_forced_fatal(world):
    order_id, (a, _b) = world.new_order()
    broken = FeedDocument("POST_ORDER_FULFILLMENT_DATA", b"<AmazonEnvelope><Message>",
                          "text/xml; charset=UTF-8", {})
    feed, content = world.submit_and_wait(broken)
    assert feed.processing_status == "FATAL" and feed.result_feed_document_id
    report = parse_report(content)
    assert report.messages_processed == 0 and "XML Parsing" in report.document_issues[0].message

    world.control("POST", "feeds/fatal-next", {"selling_partner_id": world.spid,
                                               "feed_type": "POST_ORDER_FULFILLMENT_DATA"})
    feed, content = world.submit_and_wait(order_fulfillment_feed(
        world.spid, [ship(1, order_id, [(a, 1)])]))
    assert feed.processing_status == "FATAL"
    assert not parse_report(content).accepted(1)
    order = world.orders.get_order(order_id, SHIPPING)
    assert order["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED" and "packages" not in order
    feed, _ = world.submit_and_wait(order_fulfillment_feed(world.spid, [ship(1, order_id, [(a, 1)])]))
    assert feed.processing_status == "DONE"  # the rule was spent on one feed


def test_gzip_compressed_report_is_inflated_by_the_client(world):
    world.control("PUT", "feeds/settings", {"gzip": "always"})
    order_id, (a, b) = world.new_order()
    feed, content = world.submit_and_wait(order_fulfillment_feed(
        world.spid, [ship(1, order_id, [(a, 2), (b, 1)])]))
    info = world.feeds.get_feed_document(feed.result_feed_document_id)
    assert info.compression_algorithm == "GZIP"
    raw = requests.get(info.url, timeout=10).content
    assert raw[:2] == b"\x1f\x8b"  # what Amazon's storage serves is gzip
    assert content.startswith(b"<?xml") and parse_report(content).messages_successful == 1


def test_cancel_feed_only_while_in_queue(world):
    order_id, (a, _b) = world.new_order()
    doc = order_fulfillment_feed(world.spid, [ship(1, order_id, [(a, 1)])])
    _, feed_id = world.feeds.submit(doc, [world.marketplace])
    world.feeds.cancel_feed(feed_id)
    cancelled = world.feeds.get_feed(feed_id)
    assert cancelled.processing_status == "CANCELLED" and cancelled.result_feed_document_id is None
    _, running_id = world.feeds.submit(doc, [world.marketplace])
    world.advance(61)
    assert world.feeds.get_feed(running_id).processing_status == "IN_PROGRESS"
    with pytest.raises(InvalidInput, match="only IN_QUEUE"):
        world.feeds.cancel_feed(running_id)
    world.feeds.wait_for_feed(running_id)
    order = world.orders.get_order(order_id, SHIPPING)
    assert len(order["packages"]) == 1  # the cancelled feed never applied
    page = world.feeds.get_feeds(feed_types=["POST_ORDER_FULFILLMENT_DATA"], page_size=1)
    assert [f.feed_id for f in page.feeds] == [running_id] and page.next_token
    rest = world.feeds.get_feeds(next_token=page.next_token)
    assert [(f.feed_id, f.processing_status) for f in rest.feeds] == [(feed_id, "CANCELLED")]


class Recording:
    """The real transport, keeping the requests it sent."""

    def __init__(self, inner):
        self.inner, self.sent = inner, []

    def __call__(self, request):
        self.sent.append(request)
        return self.inner(request)


def test_upload_needs_the_same_content_type_and_a_fresh_url(world):
    recording = Recording(world.transport)
    feeds = FeedsAPI(world.client, documents=recording, sleep=world.advance)
    upload = feeds.create_feed_document("text/xml; charset=UTF-8")
    with pytest.raises(PermanentError, match="SignatureDoesNotMatch"):
        feeds.upload_feed_document(upload.url, b"<x/>", "application/json")
    # Not an SP-API call: the pre-signed URL gets no access token.
    assert [dict(r.headers) for r in recording.sent] == [{"Content-Type": "application/json"}]
    sent = requests.put(upload.url, data=b"<x/>", timeout=10,
                        headers={"Content-Type": "text/xml; charset=UTF-8",
                                 "x-amz-access-token": "must-not-matter"})
    assert sent.status_code == 200
    world.advance(301)
    with pytest.raises(PermanentError, match="AccessDenied: Request has expired"):
        world.feeds.upload_feed_document(upload.url, b"<x/>", "text/xml; charset=UTF-8")


def test_seller_cancellation_cancels_the_order(world):
    order_id, (a, b) = world.new_order()
    shipped_id, (c, _d) = world.new_order()
    world.submit_and_wait(order_fulfillment_feed(world.spid, [ship(1, shipped_id, [(c, 2)])]))
    doc = order_cancellation_feed(world.spid, [
        OrderCancellation("cancel-ok", order_id, [(a, "NoInventory"), (b, "NoInventory")]),
        OrderCancellation("cancel-shipped", shipped_id, [(c, "BuyerCanceled")]),
    ])
    feed, content = world.submit_and_wait(doc)
    report = parse_report(content)
    assert report.accepted(1) and not report.accepted(2)
    assert "has shipped" in report.errors_for(2)[0].message
    order = world.orders.get_order(order_id, SHIPPING)
    assert order["fulfillment"]["fulfillmentStatus"] == "CANCELLED"
    assert world.orders.get_order(shipped_id, SHIPPING)["fulfillment"]["fulfillmentStatus"] \
        == "PARTIALLY_SHIPPED"


def test_listings_feed_quantity_is_what_the_listing_reads(world):
    before = world.listings.get_listings_item(world.spid, "SKU-0001", [world.marketplace])
    assert fbm_quantity(before) == 0
    doc = listings_quantity_feed(world.spid, [QuantityUpdate("line-1", "SKU-0001", 7),
                                              QuantityUpdate("line-2", "NO-SUCH-SKU", 3)])
    feed, content = world.submit_and_wait(doc)
    assert feed.processing_status == "DONE" and content.lstrip().startswith(b"{")
    report = parse_report(content)
    assert report.accepted(1) and not report.accepted(2)
    assert "does not exist" in report.errors_for(2)[0].message
    item = world.listings.get_listings_item(world.spid, "SKU-0001", [world.marketplace])
    assert fbm_quantity(item) == 7 and item["summaries"][0]["marketplaceId"] == world.marketplace


def test_usage_plans_paced_give_no_429(world):
    docs = [listings_quantity_feed(world.spid, [QuantityUpdate(i, "SKU-0002", i)])
            for i in range(18)]
    started = world.sandbox.clock.time()
    for doc in docs:  # createFeed: burst 15, then one every ~120 s
        world.feeds.submit(doc, [world.marketplace])
    assert world.sandbox.clock.time() - started >= 3 * 120
    assert world.statuses("createFeed") == {"202": 18}
    assert world.statuses("createFeedDocument") == {"201": 18}
    assert world.statuses("uploadFeedDocument") == {"200": 18}
    usage = world.control("GET", "usage-plans", params={"operation": "createFeed",
                                                        "partner": world.spid})
    assert (usage["rate"], usage["burst"]) == ("0.0083", 15) and usage["tokens"] < 1
    # The same call unpaced, right now: the sandbox enforces the plan.
    upload = world.feeds.create_feed_document(docs[0].content_type)
    unpaced = requests.post(f"{world.client.base_url}/feeds/2021-06-30/feeds", timeout=10, json={
        "feedType": "JSON_LISTINGS_FEED", "marketplaceIds": [world.marketplace],
        "inputFeedDocumentId": upload.feed_document_id},
        headers={"x-amz-access-token": world.client._tokens(), "user-agent": "test/1.0"})
    assert unpaced.status_code == 429 and unpaced.json()["errors"][0]["code"] == "QuotaExceeded"


def test_faults_on_feeds_and_storage_are_retried(world):
    order_id, (a, _b) = world.new_order()
    world.control("PUT", "faults", {"rules": [
        {"operation": "getFeed", "error_rate": 1, "status": 503, "remaining": 2},
        {"operation": "uploadFeedDocument", "error_rate": 1, "status": 500, "remaining": 1},
    ]})
    feed, _ = world.submit_and_wait(order_fulfillment_feed(world.spid, [ship(1, order_id, [(a, 1)])]))
    assert feed.processing_status == "DONE"
    assert world.statuses("getFeed")["503"] == 2
    assert world.statuses("uploadFeedDocument") == {"500": 1, "200": 1}


def test_state_survives_a_restart(tmp_path):
    first = FeedsWorld(seed=11, data_dir=tmp_path)
    try:
        order = next(o for o in first.control("GET", "orders",
                                              params={"selling_partner_id": first.spid})["orders"]
                     if o["status"] == "UNSHIPPED" and o["fulfilled_by"] == "MERCHANT")
        items = first.orders.get_order(order["order_id"])["orderItems"]
        doc = order_fulfillment_feed(first.spid, [ship(
            1, order["order_id"], [(i["orderItemId"], i["quantityOrdered"]) for i in items],
            tracking="AFTER-RESTART")])
        feed, _ = first.submit_and_wait(doc)
    finally:
        first.stop()
    second = FeedsWorld(seed=11, data_dir=tmp_path)
    try:
        again = second.feeds.get_feed(feed.feed_id)
        assert again.processing_status == "DONE"
        assert parse_report(second.feeds.read_result_document(again)).messages_successful == 1
        shipped = second.orders.get_order(order["order_id"], SHIPPING)
        assert shipped["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
        assert shipped["packages"][0]["trackingNumber"] == "AFTER-RESTART"
    finally:
        second.stop()


def test_listings_document_with_a_bad_header_is_fatal(world):
    bad = FeedDocument("JSON_LISTINGS_FEED", b'{"header": {"sellerId": "SOMEONE-ELSE", '
                       b'"version": "2.0"}, "messages": []}', "application/json", {})
    feed, content = world.submit_and_wait(bad)
    assert feed.processing_status == "FATAL"
    report = parse_report(content)
    assert report.messages_processed == 0
    assert "SOMEONE-ELSE" in report.document_issues[0].message


def test_client_and_sandbox_declare_the_same_usage_plans():
    from coquiapps.addons.sale_amazon_spapi.spapi import OPERATIONS

    from amazon_sandbox import PLANS

    expected = {"createFeedDocument": (0.5, 15), "createFeed": (0.0083, 15), "getFeed": (2, 15),
                "getFeeds": (0.0222, 10), "cancelFeed": (2, 15), "getFeedDocument": (0.0222, 10),
                "getListingsItem": (5, 10)}
    for name, (rate, burst) in expected.items():
        assert (OPERATIONS[name].rate, OPERATIONS[name].burst) == (rate, burst), name
        assert (float(PLANS[name][0]), PLANS[name][1]) == (rate, burst), name
