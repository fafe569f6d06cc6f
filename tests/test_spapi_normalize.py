"""Orders v2026-01-01 Order JSON -> the importer's normalised dict, field by field."""
import copy
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from coquiapps.addons.sale_amazon_spapi.spapi import OrderDataError, normalize_order


def usd(amount):
    return {"amount": amount, "currencyCode": "USD"}


ORDER = {
    "orderId": "902-3159896-1390916",
    "createdTime": "2026-01-05T10:30:00Z",
    "lastUpdatedTime": "2026-01-05T16:45:00.123+02:00",
    "salesChannel": {"channelName": "AMAZON", "marketplaceId": "ATVPDKIKX0DER",
                     "marketplaceName": "Amazon.com"},
    "fulfillment": {"fulfillmentStatus": "PARTIALLY_SHIPPED", "fulfilledBy": "MERCHANT"},
    "buyer": {"buyerName": "John Smith", "buyerEmail": "x@marketplace.amazon.com"},
    "recipient": {"deliveryAddress": {
        "name": "John Smith", "companyName": "Smith LLC", "addressLine1": "123 Main Street",
        "addressLine2": "Suite 456", "addressLine3": "Floor 2", "city": "Seattle",
        "stateOrRegion": "WA", "postalCode": "98101", "countryCode": "US",
        "phone": "555-123-4567", "municipality": ""}},
    "proceeds": {"grandTotal": usd("73.95"), "breakdowns": [
        {"type": "ITEM", "subtotal": usd("59.97")},
        {"type": "SHIPPING", "subtotal": usd("7.99")},
        {"type": "SHIPPING", "subtotal": usd("1.00")},
        {"type": "GIFT_WRAP", "subtotal": usd("4.99")},
        {"type": "TAX", "subtotal": usd("0.00")}]},
    "orderItems": [
        {"orderItemId": "111", "quantityOrdered": 3,
         "product": {"asin": "B000TEST01", "title": "Widget", "sellerSku": "W-1",
                     "price": {"unitPrice": usd("19.99")}}},
        {"orderItemId": "222", "quantityOrdered": 2,
         "product": {"title": "Gadget", "sellerSku": "G-1"},
         "proceeds": {"proceedsTotal": usd("25.00"),
                      "breakdowns": [{"type": "ITEM", "subtotal": usd("20.00")},
                                     {"type": "SHIPPING", "subtotal": usd("5.00")}]}},
    ],
}


def test_full_order():
    assert normalize_order(ORDER) == {
        "amazon_order_id": "902-3159896-1390916",
        "marketplace_id": "ATVPDKIKX0DER",
        "purchase_date": datetime(2026, 1, 5, 10, 30, tzinfo=UTC),
        "last_update": datetime(2026, 1, 5, 14, 45, 0, 123000, tzinfo=UTC),
        "status": "partially_shipped",
        "fulfillment_channel": "FBM",
        "currency": "USD",
        "buyer_name": "John Smith",
        "buyer_email": "x@marketplace.amazon.com",
        "shipping_address": {
            "name": "John Smith", "company": "Smith LLC", "street": "123 Main Street",
            "street2": "Suite 456, Floor 2", "city": "Seattle", "state": "WA", "zip": "98101",
            "country_code": "US", "phone": "555-123-4567"},
        "lines": [
            {"order_item_id": "111", "sku": "W-1", "asin": "B000TEST01", "title": "Widget",
             "quantity": 3, "unit_price": Decimal("19.99")},
            {"order_item_id": "222", "sku": "G-1", "asin": None, "title": "Gadget",
             "quantity": 2, "unit_price": Decimal("10.00")},
        ],
        "shipping_price": Decimal("8.99"),
        "gift_wrap_price": Decimal("4.99"),
        "tax": Decimal("0.00"),
        "total": Decimal("73.95"),
    }


def test_times_are_aware_utc_and_money_is_decimal():
    result = normalize_order(ORDER)
    assert result["last_update"].utcoffset().total_seconds() == 0
    assert isinstance(result["total"], Decimal)
    assert all(isinstance(line["unit_price"], Decimal) for line in result["lines"])


@pytest.mark.parametrize("raw, status", [
    ("PENDING_AVAILABILITY", "pending"), ("PENDING", "pending"), ("UNSHIPPED", "unshipped"),
    ("PARTIALLY_SHIPPED", "partially_shipped"), ("SHIPPED", "shipped"),
    ("CANCELLED", "canceled"), ("UNFULFILLABLE", "unfulfillable"),
])
def test_status_mapping(raw, status):
    order = copy.deepcopy(ORDER)
    order["fulfillment"]["fulfillmentStatus"] = raw
    assert normalize_order(order)["status"] == status


@pytest.mark.parametrize("raw, channel", [("AMAZON", "FBA"), ("MERCHANT", "FBM"), (None, None)])
def test_channel_mapping(raw, channel):
    order = copy.deepcopy(ORDER)
    order["fulfillment"]["fulfilledBy"] = raw
    assert normalize_order(order)["fulfillment_channel"] == channel


def basic():
    """What searchOrders returns without includedData, plus the fulfillment status."""
    return {"orderId": "1", "createdTime": "2026-01-01T00:00:00Z",
            "lastUpdatedTime": "2026-01-01T00:00:00Z",
            "salesChannel": {"marketplaceId": "A1PA6795UKMFR9"},
            "fulfillment": {"fulfillmentStatus": "SHIPPED", "fulfilledBy": "AMAZON"},
            "orderItems": [{"orderItemId": "9", "quantityOrdered": 1,
                            "product": {"sellerSku": "S", "title": "T",
                                        "price": {"unitPrice": {"amount": "5",
                                                                "currencyCode": "EUR"}}}}]}


def test_minimal_order_defaults():
    result = normalize_order(basic())
    assert result["buyer_name"] is None and result["buyer_email"] is None
    assert result["shipping_address"] is None
    assert result["total"] is None
    assert result["shipping_price"] == Decimal("0") and result["gift_wrap_price"] == Decimal("0")
    assert result["currency"] == "EUR"  # first money seen, no grand total


def test_no_money_anywhere():
    order = basic()
    del order["orderItems"][0]["product"]["price"]
    result = normalize_order(order)
    assert result["currency"] is None
    assert result["lines"][0]["unit_price"] == Decimal("0")


def test_shipping_falls_back_to_item_breakdowns():
    order = copy.deepcopy(ORDER)
    del order["proceeds"]["breakdowns"]
    result = normalize_order(order)
    assert result["shipping_price"] == Decimal("5.00")
    assert result["gift_wrap_price"] == Decimal("0")


def test_zero_quantity_line_without_price():
    order = copy.deepcopy(ORDER)
    order["orderItems"][1]["quantityOrdered"] = 0
    assert normalize_order(order)["lines"][1]["unit_price"] == Decimal("0")


def test_empty_address_parts_become_none():
    order = copy.deepcopy(ORDER)
    address = order["recipient"]["deliveryAddress"]
    address.update(addressLine2="", addressLine3=" ", companyName="", phone=None)
    result = normalize_order(order)["shipping_address"]
    assert result["street2"] is None and result["company"] is None and result["phone"] is None


@pytest.mark.parametrize("mutate, message", [
    (lambda o: o.pop("orderId"), "without orderId"),
    (lambda o: o.pop("createdTime"), "no createdTime"),
    (lambda o: o.pop("fulfillment"), "includedData=FULFILLMENT"),
    (lambda o: o["fulfillment"].update(fulfillmentStatus="LOST"), "unknown fulfillmentStatus"),
    (lambda o: o["fulfillment"].update(fulfilledBy="PARTNER"), "unknown fulfilledBy"),
    (lambda o: o["proceeds"]["grandTotal"].update(amount="abc"), "902-3159896-1390916"),
    (lambda o: o["proceeds"]["grandTotal"].update(amount="NaN"), "not a number"),
    (lambda o: o.update(lastUpdatedTime="yesterday"), "902-3159896-1390916"),
])
def test_bad_orders_raise_naming_the_order(mutate, message):
    order = copy.deepcopy(ORDER)
    mutate(order)
    with pytest.raises(OrderDataError, match=message):
        normalize_order(order)
