"""Orders API v2026-01-01 searchOrders/getOrder rules (ORDERS.md) and the v0 shapes."""
from datetime import UTC, datetime

import pytest

from amazon_sandbox.testing import running

SEARCH = "/orders/2026-01-01/orders"
DAY = 86400


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def h():
    with running(seed=5) as harness:
        harness.token_na = harness.access_token("NA")
        harness.now = lambda: harness.sandbox.clock.time()
        harness.seller_id = harness.seller("NA")["selling_partner_id"]
        yield harness


def search(h, **params):
    return h.sp("NA", SEARCH, h.token_na, params=params)


def bad(h, **params):
    response = search(h, **params)
    assert response.status_code == 400, response.text
    (error,) = response.json()["errors"]
    assert error["code"] == "InvalidInput" and error["message"]
    assert response.headers["x-amzn-RateLimit-Limit"] == "0.0056"
    return error["message"]


def truth(h, **params):
    return h.control("GET", "orders", params={"selling_partner_id": h.seller_id, **params})


def test_date_family_rules(h):
    week_ago, now = iso(h.now() - 7 * DAY), h.now()
    assert "Exactly one" in bad(h)
    assert "Exactly one" in bad(h, createdAfter=week_ago, lastUpdatedAfter=week_ago)
    assert bad(h, createdAfter=week_ago, lastUpdatedBefore=iso(now - DAY))
    assert bad(h, lastUpdatedAfter=week_ago, createdBefore=iso(now - DAY))
    assert bad(h, createdBefore=iso(now - DAY))
    assert bad(h, createdAfter="last tuesday")
    assert "after" in bad(h, createdAfter=iso(now - DAY), createdBefore=iso(now - 2 * DAY))
    assert "two minutes" in bad(h, createdAfter=week_ago, createdBefore=iso(now - 60))
    assert search(h, createdAfter=week_ago, createdBefore=iso(now - 130)).status_code == 200


@pytest.mark.parametrize("size", ["0", "101", "ten"])
def test_max_results_per_page_bounds(h, size):
    bad(h, createdAfter=iso(h.now() - DAY), maxResultsPerPage=size)


def test_enums_and_marketplaces_are_checked(h):
    after = iso(h.now() - DAY)
    bad(h, createdAfter=after, includedData="BUYER,EVERYTHING")
    bad(h, createdAfter=after, fulfillmentStatuses="Shipped")
    bad(h, createdAfter=after, fulfilledBy="AFN")
    bad(h, createdAfter=after, marketplaceIds="A1PA6795UKMFR9")  # DE: not this NA seller's
    bad(h, createdAfter=after, marketplaceIds=",".join(["ATVPDKIKX0DER"] * 51))


def test_default_before_is_two_minutes_ago_and_returned(h):
    body = search(h, createdAfter=iso(h.now() - 40 * DAY)).json()
    returned = datetime.fromisoformat(body["createdBefore"]).timestamp()
    assert abs(returned - (h.now() - 120)) < 5
    ids = {o["orderId"] for o in body["orders"]}
    assert ids == set(truth(h)["order_ids"]) - {
        o["order_id"] for o in truth(h)["orders"]
        if datetime.fromisoformat(o["created_time"]).timestamp() > returned}


def test_pagination_is_exact_and_stable(h):
    h.control("POST", "orders", {"selling_partner_id": h.seller_id, "count": 230,
                                 "created_from": -5 * DAY, "created_to": -DAY})
    after = iso(h.now() - 6 * DAY)
    seen, token, pages = [], None, 0
    while True:
        params = {"createdAfter": after, "maxResultsPerPage": 100}
        if token:
            params["paginationToken"] = token
        body = search(h, **params).json()
        assert len(body["orders"]) <= 100
        seen += [o["orderId"] for o in body["orders"]]
        pages += 1
        # New orders arriving meanwhile must not shift the pages.
        h.control("POST", "orders", {"selling_partner_id": h.seller_id, "count": 3,
                                     "created_from": -5 * DAY, "created_to": -4 * DAY})
        token = body.get("pagination", {}).get("nextToken")
        if not token:
            break
    expected = [o for o in truth(h)["orders"]
                if o["created_time"] >= after and o["order_id"] in set(seen)]
    assert len(seen) == len(set(seen)) and pages == -(-len(seen) // 100)
    assert seen == [o["order_id"] for o in sorted(expected, key=lambda o: (o["created_time"], o["order_id"]))]
    assert len(seen) >= 230


def test_pagination_token_is_tied_to_the_query_and_lives_24_hours(h):
    h.control("POST", "orders", {"selling_partner_id": h.seller_id, "count": 5,
                                 "created_from": -3 * DAY, "created_to": -DAY})
    after = iso(h.now() - 4 * DAY)
    token = search(h, createdAfter=after, maxResultsPerPage=2).json()["pagination"]["nextToken"]
    assert "do not match" in bad(h, createdAfter=iso(h.now() - 5 * DAY), paginationToken=token)
    assert bad(h, createdAfter=after, fulfilledBy="AMAZON", paginationToken=token)
    # maxResultsPerPage and includedData may change between pages.
    ok = search(h, createdAfter=after, paginationToken=token, maxResultsPerPage=3, includedData="BUYER")
    assert ok.status_code == 200 and "buyer" in ok.json()["orders"][0]
    assert bad(h, createdAfter=after, paginationToken="not-a-token")
    h.advance(DAY + 1)
    h.token_na = h.access_token("NA")  # the old access token died after an hour
    assert "expired" in bad(h, createdAfter=after, paginationToken=token)


def test_included_data_shapes_the_response(h):
    after = iso(h.now() - 40 * DAY)
    basic = search(h, createdAfter=after, maxResultsPerPage=5).json()["orders"][0]
    assert {"orderId", "createdTime", "lastUpdatedTime", "salesChannel", "orderItems"} <= set(basic)
    assert not {"buyer", "recipient", "proceeds", "fulfillment", "packages"} & set(basic)
    assert set(basic["orderItems"][0]) == {"orderItemId", "quantityOrdered", "product"}
    full = search(h, createdAfter=after, maxResultsPerPage=100,
                  includedData="BUYER,RECIPIENT,PROCEEDS,FULFILLMENT,PACKAGES").json()["orders"]
    order = full[0]
    assert order["fulfillment"]["fulfillmentStatus"] in (
        "PENDING_AVAILABILITY", "PENDING", "UNSHIPPED", "PARTIALLY_SHIPPED", "SHIPPED",
        "CANCELLED", "UNFULFILLABLE")
    assert order["buyer"]["buyerName"] and order["recipient"]["deliveryAddress"]["countryCode"]
    grand = order["proceeds"]["grandTotal"]
    assert isinstance(grand["amount"], str) and "." in grand["amount"]
    parts = sum(float(b["subtotal"]["amount"]) for b in order["proceeds"]["breakdowns"])
    assert abs(parts - float(grand["amount"])) < 0.001
    assert {"proceeds", "fulfillment"} <= set(order["orderItems"][0])
    shipped_fbm = [o for o in full if o["fulfillment"]["fulfilledBy"] == "MERCHANT"
                   and o["fulfillment"]["fulfillmentStatus"] == "SHIPPED"]
    assert shipped_fbm and all(o["packages"][0]["trackingNumber"] for o in shipped_fbm)


def test_status_and_channel_filters(h):
    after = iso(h.now() - 40 * DAY)
    body = search(h, createdAfter=after, fulfillmentStatuses="UNSHIPPED,CANCELLED",
                  fulfilledBy="MERCHANT", includedData="FULFILLMENT").json()
    assert body["orders"]
    for order in body["orders"]:
        assert order["fulfillment"]["fulfillmentStatus"] in ("UNSHIPPED", "CANCELLED")
        assert order["fulfillment"]["fulfilledBy"] == "MERCHANT"
    ca = search(h, createdAfter=after, marketplaceIds="A2EUQ1WTGCTBG2").json()["orders"]
    assert ca and {o["salesChannel"]["marketplaceId"] for o in ca} == {"A2EUQ1WTGCTBG2"}
    repeated = h.sp("NA", SEARCH, h.token_na, params=[
        ("createdAfter", after), ("marketplaceIds", "A2EUQ1WTGCTBG2"), ("marketplaceIds", "A1AM78C64UM0Y8")])
    assert {o["salesChannel"]["marketplaceId"] for o in repeated.json()["orders"]} <= {
        "A2EUQ1WTGCTBG2", "A1AM78C64UM0Y8"}


def test_orders_and_status_changes_arrive_over_time(h):
    created = h.control("POST", "orders", {"selling_partner_id": h.seller_id, "orders": [
        {"created": 600, "status": "PENDING", "fulfilled_by": "MERCHANT",
         "items": [{"sku": "MUG-1", "quantity": 2, "unit_price": "9.50"}],
         "status_changes": [{"at": 1200, "status": "UNSHIPPED"}]}]})
    (order_id,) = created["order_ids"]
    since = iso(h.now() - 60)
    h.advance(900)
    body = h.sp("NA", SEARCH, h.token_na, params={"lastUpdatedAfter": since,
                                                   "includedData": "FULFILLMENT"}).json()
    (order,) = [o for o in body["orders"] if o["orderId"] == order_id]
    assert order["fulfillment"]["fulfillmentStatus"] == "PENDING"
    h.advance(900)
    got = h.sp("NA", f"{SEARCH}/{order_id}", h.token_na, params={"includedData": "FULFILLMENT,PROCEEDS"})
    assert got.status_code == 200 and got.headers["x-amzn-RateLimit-Limit"] == "0.5"
    order = got.json()["order"]
    assert order["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"
    assert order["lastUpdatedTime"] > order["createdTime"]
    assert order["orderItems"][0]["product"]["price"]["unitPrice"] == {"amount": "9.50", "currencyCode": "USD"}


def test_get_order_errors(h):
    missing = h.sp("NA", f"{SEARCH}/111-0000000-0000000", h.token_na)
    assert missing.status_code == 404 and missing.headers["x-amzn-RateLimit-Limit"] == "0.5"
    assert h.sp("NA", f"{SEARCH}/not-an-id", h.token_na).status_code == 400
    eu_order = truth(h, selling_partner_id=h.seller("EU")["selling_partner_id"])["order_ids"][0]
    assert h.sp("NA", f"{SEARCH}/{eu_order}", h.token_na).status_code == 404


def test_v0_get_orders_and_items(h):
    after = iso(h.now() - 40 * DAY)
    response = h.sp("NA", "/orders/v0/orders", h.token_na, params={
        "CreatedAfter": after, "MarketplaceIds": "ATVPDKIKX0DER,A2EUQ1WTGCTBG2,A1AM78C64UM0Y8",
        "MaxResultsPerPage": 10})
    assert response.status_code == 200 and response.headers["x-amzn-RateLimit-Limit"] == "0.0167"
    payload = response.json()["payload"]
    assert len(payload["Orders"]) == 10 and payload["NextToken"] and payload["CreatedBefore"]
    first = payload["Orders"][0]
    assert {"AmazonOrderId", "PurchaseDate", "LastUpdateDate", "OrderStatus", "FulfillmentChannel",
            "MarketplaceId"} <= set(first)
    assert first["FulfillmentChannel"] in ("AFN", "MFN")
    shipped = next(o for o in payload["Orders"] if o["OrderStatus"] == "Shipped")
    assert set(shipped["OrderTotal"]) == {"CurrencyCode", "Amount"}
    items = h.sp("NA", f"/orders/v0/orders/{shipped['AmazonOrderId']}/orderItems", h.token_na).json()
    assert items["payload"]["AmazonOrderId"] == shipped["AmazonOrderId"]
    assert items["payload"]["OrderItems"][0]["SellerSKU"].startswith("SKU-")
    rest = h.sp("NA", "/orders/v0/orders", h.token_na, params={
        "NextToken": payload["NextToken"], "MarketplaceIds": "ATVPDKIKX0DER"}).json()["payload"]
    assert not {o["AmazonOrderId"] for o in rest["Orders"]} & {o["AmazonOrderId"] for o in payload["Orders"]}
    assert h.sp("NA", "/orders/v0/orders", h.token_na, params={"CreatedAfter": after}).status_code == 400


def test_every_status_and_channel_is_in_the_seed_data(h):
    rows = truth(h)["orders"]
    pairs = {(o["status"], o["fulfilled_by"]) for o in rows}
    for status in ("PENDING_AVAILABILITY", "PENDING", "UNSHIPPED", "PARTIALLY_SHIPPED", "SHIPPED",
                   "CANCELLED"):
        assert (status, "MERCHANT") in pairs and (status, "AMAZON") in pairs
    assert ("UNFULFILLABLE", "AMAZON") in pairs


def test_same_seed_same_data():
    with running(seed=11) as a, running(seed=11) as b:
        sa, sb = a.state(), b.state()
        assert [x["client_secret"] for x in sa["apps"]] == [x["client_secret"] for x in sb["apps"]]
        assert sa["sellers"] == sb["sellers"]
        ids = a.control("GET", "orders", params={"selling_partner_id": sa["sellers"][0]["selling_partner_id"]})
        assert ids["order_ids"] == b.control("GET", "orders", params={
            "selling_partner_id": sb["sellers"][0]["selling_partner_id"]})["order_ids"]
