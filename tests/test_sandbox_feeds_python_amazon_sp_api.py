"""The third-party ``python-amazon-sp-api`` Feeds client works against the sandbox's Feeds API."""
import io
from types import SimpleNamespace

import pytest

sp_api_auth = pytest.importorskip("sp_api.auth")
from sp_api.api import Feeds  # noqa: E402

from amazon_sandbox.testing import running  # noqa: E402

from .test_sandbox_python_amazon_sp_api import token_client_for  # noqa: E402

LISTINGS = b'{"header": {"sellerId": "%s", "version": "2.0"}, "messages": [{"messageId": 1, ' \
           b'"sku": "SKU-0003", "operationType": "PATCH", "productType": "PRODUCT", "patches": ' \
           b'[{"op": "replace", "path": "/attributes/fulfillment_availability", "value": ' \
           b'[{"fulfillment_channel_code": "DEFAULT", "quantity": 12}]}]}]}'


@pytest.fixture
def h():
    with running(seed=9) as harness:
        yield harness


def test_submit_feed_poll_and_read_a_gzip_report(h):
    h.control("PUT", "feeds/settings", {"gzip": "always"})
    app, refresh = h.refresh_token("NA")
    spid = h.seller("NA")["selling_partner_id"]
    feeds = Feeds(SimpleNamespace(endpoint=f"{h.url}/na", marketplace_id="ATVPDKIKX0DER",
                                  region="us-east-1"),
                  credentials=dict(refresh_token=refresh, lwa_app_id=app["client_id"],
                                   lwa_client_secret=app["client_secret"]),
                  auth_token_client_class=token_client_for(h.url))
    document, feed = feeds.submit_feed("JSON_LISTINGS_FEED", io.BytesIO(LISTINGS % spid.encode()),
                                       content_type="application/json")
    feed_id = feed.payload["feedId"]
    assert feeds.get_feed(feed_id).payload["processingStatus"] == "IN_QUEUE"
    h.advance(200)
    done = feeds.get_feed(feed_id).payload
    assert done["processingStatus"] == "DONE"
    report = feeds.get_feed_result_document(done["resultFeedDocumentId"])
    assert '"messagesAccepted": 1' in report
    listed = feeds.get_feeds(feedTypes=["JSON_LISTINGS_FEED"]).payload
    assert [f["feedId"] for f in listed["feeds"]] == [feed_id]
    row = h.control("GET", f"feeds/{feed_id}")
    assert row["resultCompression"] == "GZIP" and document.payload["feedDocumentId"]
