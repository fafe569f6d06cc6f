"""Sellers, Orders v2026-01-01 and Application Management on a fake transport."""
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from coquiapps.addons.sale_amazon_spapi.spapi import (
    DEFAULT_RATE_PLANS,
    IMPORT_INCLUDED_DATA,
    ApplicationManagementAPI,
    InvalidParameters,
    OrdersAPI,
    RateLimiter,
    Response,
    SearchOrdersQuery,
    SellersAPI,
    ServerError,
    SPAPIClient,
)
from coquiapps.addons.sale_amazon_spapi.spapi.orders import parse_orders_page

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
AFTER = datetime(2026, 2, 1, tzinfo=UTC)


class FakeTransport:
    def __init__(self, *bodies):
        self.bodies = list(bodies)
        self.requests = []

    def __call__(self, request):
        self.requests.append(request)
        status, body = self.bodies.pop(0)
        return Response(status, {"x-amzn-RequestId": "r"},
                        json.dumps(body).encode() if body is not None else b"")


def client_with(*bodies):
    transport = FakeTransport(*bodies)
    limiter = RateLimiter(DEFAULT_RATE_PLANS, clock=lambda: 0.0, sleep=lambda s: None)
    client = SPAPIClient("https://sp", lambda force_refresh=False: "Atza|t", limiter, transport,
                         "SP1", sleep=lambda s: None, now=lambda: NOW)
    return client, transport


def orders_api(*bodies):
    client, transport = client_with(*bodies)
    return OrdersAPI(client, now=lambda: NOW), transport


# -- Sellers -----------------------------------------------------------------

def test_marketplace_participations():
    body = {"payload": [{
        "marketplace": {"id": "ATVPDKIKX0DER", "name": "Amazon.com", "countryCode": "US",
                        "defaultCurrencyCode": "USD", "defaultLanguageCode": "en_US",
                        "domainName": "www.amazon.com"},
        "storeName": "Coqui Store",
        "participation": {"isParticipating": True, "hasSuspendedListings": False}}]}
    client, transport = client_with((200, body))
    [mp] = SellersAPI(client).get_marketplace_participations()
    assert (mp.marketplace_id, mp.country_code, mp.currency_code, mp.store_name) == (
        "ATVPDKIKX0DER", "US", "USD", "Coqui Store")
    assert mp.is_participating and not mp.has_suspended_listings
    assert transport.requests[0].url == "https://sp/sellers/v1/marketplaceParticipations"


def test_marketplace_participations_bad_body():
    client, _ = client_with((200, {"nope": 1}))
    with pytest.raises(ServerError):
        SellersAPI(client).get_marketplace_participations()


# -- Application Management ----------------------------------------------------

def test_rotate_client_secret():
    client, transport = client_with((204, None))
    assert ApplicationManagementAPI(client).rotate_client_secret() is None
    request = transport.requests[0]
    assert (request.method, request.url) == ("POST", "https://sp/applications/2023-11-30/clientSecret")
    assert request.json is None


# -- searchOrders parameters ---------------------------------------------------------

def test_every_parameter_encoded():
    query = SearchOrdersQuery(
        last_updated_after=datetime(2026, 2, 1, 1, 0, tzinfo=timezone(timedelta(hours=1))),
        last_updated_before=NOW - timedelta(minutes=2),
        marketplace_ids=["ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"],
        fulfillment_statuses=["UNSHIPPED", "PARTIALLY_SHIPPED"], fulfilled_by=["MERCHANT"],
        max_results_per_page=50, included_data=["BUYER", "RECIPIENT"], pagination_token="tok")
    assert query.params(NOW) == [
        ("lastUpdatedAfter", "2026-02-01T00:00:00Z"),
        ("lastUpdatedBefore", "2026-03-01T11:58:00Z"),
        ("marketplaceIds", "ATVPDKIKX0DER,A2EUQ1WTGCTBG2"),
        ("fulfillmentStatuses", "UNSHIPPED,PARTIALLY_SHIPPED"),
        ("fulfilledBy", "MERCHANT"),
        ("maxResultsPerPage", "50"),
        ("includedData", "BUYER,RECIPIENT"),
        ("paginationToken", "tok"),
    ]


def test_minimal_parameters_default_to_100_per_page():
    assert SearchOrdersQuery(created_after=AFTER).params(NOW) == [
        ("createdAfter", "2026-02-01T00:00:00Z"), ("maxResultsPerPage", "100")]


@pytest.mark.parametrize("kwargs, message", [
    ({}, "exactly one of createdAfter and lastUpdatedAfter"),
    ({"created_after": AFTER, "last_updated_after": AFTER}, "cannot be combined"),
    ({"created_after": AFTER, "last_updated_before": AFTER}, "cannot be combined"),
    ({"last_updated_after": AFTER, "created_before": AFTER}, "cannot be combined"),
    ({"created_before": AFTER}, "exactly one"),
    ({"created_after": AFTER, "created_before": AFTER - timedelta(seconds=1)}, "earlier"),
    ({"created_after": AFTER, "created_before": NOW - timedelta(seconds=119)}, "2 minutes"),
    ({"created_after": datetime(2026, 2, 1)}, "naive"),
    ({"created_after": AFTER, "max_results_per_page": 0}, "1..100"),
    ({"created_after": AFTER, "max_results_per_page": 101}, "1..100"),
    ({"created_after": AFTER, "marketplace_ids": ["M"] * 51}, "at most 50"),
    ({"created_after": AFTER, "fulfillment_statuses": ["CANCELED"]}, "CANCELED"),
    ({"created_after": AFTER, "fulfilled_by": ["AFN"]}, "AFN"),
    ({"created_after": AFTER, "included_data": ["ITEMS"]}, "ITEMS"),
])
def test_local_validation(kwargs, message):
    api, transport = orders_api()
    with pytest.raises(InvalidParameters, match=message):
        api.search_orders(**kwargs)
    assert transport.requests == []  # refused before spending a scarce token


def test_boundaries_accepted():
    SearchOrdersQuery(created_after=AFTER, created_before=NOW - timedelta(minutes=2),
                      max_results_per_page=1, marketplace_ids=["M"] * 50).validate(NOW)
    SearchOrdersQuery(created_after=AFTER, created_before=AFTER).validate(NOW)


def test_query_object_and_keywords_are_exclusive():
    api, _ = orders_api()
    with pytest.raises(TypeError):
        api.search_orders(SearchOrdersQuery(created_after=AFTER), created_after=AFTER)


# -- pagination -----------------------------------------------------------------------

def page(ids, token=None):
    body = {"orders": [{"orderId": i} for i in ids], "lastUpdatedBefore": "2026-03-01T11:58:00Z"}
    if token:
        body["pagination"] = {"nextToken": token}
    return (200, body)


def test_iter_order_pages_follows_next_token_with_same_parameters():
    api, transport = orders_api(page(["1", "2"], "t1"), page(["3"], "t2"), page(["4"]))
    pages = list(api.iter_order_pages(last_updated_after=AFTER, marketplace_ids=["ATVPDKIKX0DER"],
                                      included_data=IMPORT_INCLUDED_DATA))
    assert [[o["orderId"] for o in p.orders] for p in pages] == [["1", "2"], ["3"], ["4"]]
    assert [p.next_token for p in pages] == ["t1", "t2", None]
    assert pages[0].last_updated_before == datetime(2026, 3, 1, 11, 58, tzinfo=UTC)
    params = [dict(r.params) for r in transport.requests]
    assert [p.get("paginationToken") for p in params] == [None, "t1", "t2"]
    for p in params:
        assert p["lastUpdatedAfter"] == "2026-02-01T00:00:00Z"
        assert p["marketplaceIds"] == "ATVPDKIKX0DER"
        assert p["includedData"] == "BUYER,RECIPIENT,PROCEEDS,FULFILLMENT"
        assert p["maxResultsPerPage"] == "100"


def test_iter_orders_flattens():
    api, _ = orders_api(page(["1"], "t"), page(["2"]))
    assert [o["orderId"] for o in api.iter_orders(created_after=AFTER)] == ["1", "2"]


def test_repeated_token_stops_the_loop():
    api, _ = orders_api(page(["1"], "t"), page(["2"], "t"))
    with pytest.raises(ServerError, match="repeated"):
        list(api.iter_order_pages(created_after=AFTER))


def test_malformed_page():
    with pytest.raises(ServerError):
        parse_orders_page({"payload": {}})


# -- getOrder --------------------------------------------------------------------------

def test_get_order():
    api, transport = orders_api((200, {"order": {"orderId": "902-3159896-1390916"}}))
    order = api.get_order("902-3159896-1390916", ["BUYER", "FULFILLMENT"])
    assert order == {"orderId": "902-3159896-1390916"}
    request = transport.requests[0]
    assert request.url == "https://sp/orders/2026-01-01/orders/902-3159896-1390916"
    assert request.params == (("includedData", "BUYER,FULFILLMENT"),)


def test_get_order_validates_included_data_and_body():
    api, _ = orders_api((200, {"orders": []}))
    with pytest.raises(InvalidParameters):
        api.get_order("1", ["NOPE"])
    with pytest.raises(ServerError):
        api.get_order("1")
