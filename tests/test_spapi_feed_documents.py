"""Pure tests of the feed document builders and the processing report parsers."""
import gzip
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from coquiapps.addons.sale_amazon_spapi.spapi import (
    FeedContentError,
    OrderCancellation,
    QuantityUpdate,
    ReportFormatError,
    ShipFromAddress,
    ShipmentConfirmation,
    listings_quantity_feed,
    order_cancellation_feed,
    order_fulfillment_feed,
    parse_listings_report,
    parse_report,
    parse_xml_report,
)
from coquiapps.addons.sale_amazon_spapi.spapi.errors import PermanentError, ServerError
from coquiapps.addons.sale_amazon_spapi.spapi.feeds import decompress, parse_feed
from lxml import etree

WHEN = datetime(2026, 5, 1, 15, 36, 33, tzinfo=timezone(timedelta(hours=-8)))


def _ship(key, order="111-2223334-4445556", carrier="UPS", items=(("12345678901234", 2),), **kw):
    return ShipmentConfirmation(key, order, WHEN, carrier, "1Z999", list(items), **kw)


def test_fulfillment_feed_many_deliveries_and_message_ids_map_back():
    doc = order_fulfillment_feed("A1SELLER", [
        _ship("delivery-7", shipping_method="Standard",
              ship_from=ShipFromAddress("Coqui WH", "1 Dock Rd", "Seattle", "US", postal_code="98101")),
        _ship("delivery-9", order="222-3334445-5556667", carrier="Coqui Couriers",
              items=[("11111111111111", 1), ("22222222222222", 3)]),
    ])
    assert doc.feed_type == "POST_ORDER_FULFILLMENT_DATA"
    assert doc.content_type == "text/xml; charset=UTF-8"
    assert doc.message_ids == {1: "delivery-7", 2: "delivery-9"}
    root = etree.fromstring(doc.content)
    assert root.tag == "AmazonEnvelope"
    assert root.findtext("Header/MerchantIdentifier") == "A1SELLER"
    assert root.findtext("MessageType") == "OrderFulfillment"
    first, second = root.findall("Message")
    assert first.findtext("MessageID") == "1"
    body = first.find("OrderFulfillment")
    assert [c.tag for c in body] == ["AmazonOrderID", "FulfillmentDate", "FulfillmentData", "Item",
                                     "ShipFromAddress"]
    assert body.findtext("FulfillmentDate") == "2026-05-01T23:36:33Z"
    assert body.findtext("FulfillmentData/CarrierCode") == "UPS"  # a known code goes as the code
    assert body.findtext("FulfillmentData/ShippingMethod") == "Standard"
    assert body.findtext("FulfillmentData/ShipperTrackingNumber") == "1Z999"
    assert body.findtext("ShipFromAddress/AddressFieldOne") == "1 Dock Rd"
    other = second.find("OrderFulfillment")
    assert other.find("FulfillmentData/CarrierCode") is None
    assert other.findtext("FulfillmentData/CarrierName") == "Coqui Couriers"
    assert [(i.findtext("AmazonOrderItemCode"), i.findtext("Quantity"))
            for i in other.findall("Item")] == [("11111111111111", "1"), ("22222222222222", "3")]


@pytest.mark.parametrize(("change", "words"), [
    ({"order": "not-an-order"}, "AmazonOrderID"),
    ({"items": [("12345678901234", 0)]}, "positive integer"),
    ({"items": []}, "at least one item"),
    ({"carrier": " "}, "carrier is required"),
])
def test_fulfillment_feed_refuses_bad_messages_by_name(change, words):
    with pytest.raises(FeedContentError, match=words):
        order_fulfillment_feed("A1", [_ship("ok"), _ship("bad", **change)])


def test_fulfillment_feed_needs_aware_dates_and_a_seller():
    naive = ShipmentConfirmation("k", "111-2223334-4445556", datetime(2026, 1, 1), "UPS", "T",
                                 [("1", 1)])
    with pytest.raises(FeedContentError, match="timezone"):
        order_fulfillment_feed("A1", [naive])
    with pytest.raises(FeedContentError, match="MerchantIdentifier"):
        order_fulfillment_feed("", [_ship("k")])
    with pytest.raises(FeedContentError, match="at least one message"):
        order_fulfillment_feed("A1", [])


def test_cancellation_feed_is_an_acknowledgement_failure_with_reasons():
    doc = order_cancellation_feed("A1", [OrderCancellation(
        "so-4", "111-2223334-4445556", [("111", "NoInventory"), ("222", "BuyerCanceled")])])
    assert doc.feed_type == "POST_ORDER_ACKNOWLEDGEMENT_DATA"
    root = etree.fromstring(doc.content)
    assert root.findtext("MessageType") == "OrderAcknowledgement"
    ack = root.find("Message/OrderAcknowledgement")
    assert [c.tag for c in ack] == ["AmazonOrderID", "StatusCode", "Item", "Item"]
    assert ack.findtext("StatusCode") == "Failure"
    assert [(i.findtext("AmazonOrderItemCode"), i.findtext("CancelReason"))
            for i in ack.findall("Item")] == [("111", "NoInventory"), ("222", "BuyerCanceled")]
    with pytest.raises(FeedContentError, match="CancelReason 'Changed my mind'"):
        order_cancellation_feed("A1", [OrderCancellation("k", "111-2223334-4445556",
                                                         [("1", "Changed my mind")])])


def test_listings_feed_patches_fulfillment_availability():
    doc = listings_quantity_feed("A1", [QuantityUpdate(("p", 1), "SKU-1", 7),
                                        QuantityUpdate(("p", 2), "SKU-2", 0, "KITCHEN")])
    body = json.loads(doc.content)
    assert doc.feed_type == "JSON_LISTINGS_FEED" and doc.content_type.startswith("application/json")
    assert body["header"] == {"sellerId": "A1", "version": "2.0"}
    assert body["messages"][1] == {
        "messageId": 2, "sku": "SKU-2", "operationType": "PATCH", "productType": "KITCHEN",
        "patches": [{"op": "replace", "path": "/attributes/fulfillment_availability",
                     "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": 0}]}]}
    assert doc.message_ids == {1: ("p", 1), 2: ("p", 2)}
    with pytest.raises(FeedContentError, match="SKU-3 must be a non-negative integer"):
        listings_quantity_feed("A1", [QuantityUpdate(1, "SKU-3", -1)])


XML_REPORT = b"""<?xml version="1.0" encoding="UTF-8"?>
<AmazonEnvelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="amzn-envelope.xsd">
  <Header><DocumentVersion>1.02</DocumentVersion><MerchantIdentifier>A1</MerchantIdentifier></Header>
  <MessageType>ProcessingReport</MessageType>
  <Message><MessageID>1</MessageID><ProcessingReport>
    <DocumentTransactionID>5001</DocumentTransactionID><StatusCode>Complete</StatusCode>
    <ProcessingSummary><MessagesProcessed>3</MessagesProcessed><MessagesSuccessful>2</MessagesSuccessful>
      <MessagesWithError>1</MessagesWithError><MessagesWithWarning>1</MessagesWithWarning></ProcessingSummary>
    <Result><MessageID>2</MessageID><ResultCode>Error</ResultCode><ResultMessageCode>18028</ResultMessageCode>
      <ResultDescription>Order 111 not found.</ResultDescription></Result>
    <Result><MessageID>3</MessageID><ResultCode>Warning</ResultCode><ResultMessageCode>18200</ResultMessageCode>
      <ResultDescription>Carrier not recognized.</ResultDescription></Result>
  </ProcessingReport></Message>
</AmazonEnvelope>"""


def test_xml_report_gives_one_result_per_message():
    report = parse_report(XML_REPORT)
    assert (report.messages_processed, report.messages_successful, report.messages_with_error,
            report.messages_with_warning, report.status_code) == (3, 2, 1, 1, "Complete")
    assert report.accepted(1) and report.results_for(1) == []
    assert not report.accepted(2)
    assert report.summary_text(2) == "Error 18028: Order 111 not found."
    assert report.accepted(3)  # a warning still applies the message
    assert report.results_for(3)[0].severity == "WARNING"


def test_xml_report_refuses_entities_and_garbage():
    bomb = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>' \
           b'<ProcessingReport><ProcessingSummary><MessagesProcessed>&e;</MessagesProcessed>' \
           b'</ProcessingSummary></ProcessingReport>'
    with pytest.raises(ReportFormatError, match="not a number: ''"):  # the entity stays unexpanded
        parse_xml_report(bomb)
    with pytest.raises(ReportFormatError, match="well-formed"):
        parse_xml_report(b"<AmazonEnvelope>")
    with pytest.raises(ReportFormatError, match="ProcessingReport"):
        parse_xml_report(b"<AmazonEnvelope/>")
    with pytest.raises(ReportFormatError, match="neither"):
        parse_report(b"PK\x03\x04")


def test_listings_report_issues_per_message_and_document():
    report = parse_listings_report(json.dumps({
        "header": {"sellerId": "A1", "version": "2.0", "feedId": "99"},
        "issues": [
            {"messageId": 2, "sku": "SKU-2", "code": "90220", "severity": "ERROR",
             "message": "SKU not found."},
            {"messageId": 3, "code": "18448", "severity": "WARNING", "message": "Low."},
        ],
        "summary": {"errors": 1, "warnings": 1, "messagesProcessed": 3, "messagesAccepted": 2,
                    "messagesInvalid": 1}}).encode())
    assert report.messages_processed == 3 and report.messages_successful == 2
    assert report.accepted(1) and not report.accepted(2) and report.accepted(3)
    assert report.errors_for(2)[0].code == "90220"
    fatal = parse_report(b'{"header": {}, "issues": [{"severity": "ERROR", "code": "4000001",'
                         b' "message": "bad JSON"}], "summary": {"errors": 1, "warnings": 0,'
                         b' "messagesProcessed": 0, "messagesAccepted": 0, "messagesInvalid": 0}}')
    assert fatal.document_issues[0].message == "bad JSON"
    assert not fatal.accepted(1)  # nothing applies when the document itself failed


def test_gzip_reports_are_inflated_and_bad_ones_refused():
    assert decompress(gzip.compress(XML_REPORT), "GZIP") == XML_REPORT
    assert decompress(XML_REPORT, None) == XML_REPORT
    with pytest.raises(ServerError, match="gzip"):
        decompress(b"not gzip", "GZIP")
    with pytest.raises(PermanentError, match="unsupported"):
        decompress(XML_REPORT, "ZSTD")


def test_parse_feed_shape():
    feed = parse_feed({"feedId": "42", "feedType": "JSON_LISTINGS_FEED", "processingStatus": "DONE",
                       "createdTime": "2026-01-01T00:00:00Z", "resultFeedDocumentId": "doc-1",
                       "processingEndTime": "2026-01-01T00:05:00Z"})
    assert feed.finished and feed.result_feed_document_id == "doc-1"
    assert feed.processing_end_time == datetime(2026, 1, 1, 0, 5, tzinfo=UTC)
    with pytest.raises(ServerError, match="processingStatus"):
        parse_feed({"feedId": "42", "processingStatus": "LOST"})
