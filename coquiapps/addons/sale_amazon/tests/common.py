"""Fixtures and builders shared by the Amazon Connector tests (imported by the test files)."""
import datetime as dt
from decimal import Decimal

import pytest

UTC = dt.UTC


def make_order(ref="111-0000001-0000001", **values) -> dict:
    """A normalised Amazon order (the shape the SP-API patch produces), with overrides."""
    order = {
        "amazon_order_id": ref, "marketplace_id": "ATVPDKIKX0DER",
        "purchase_date": dt.datetime(2022, 5, 1, 10, 0, tzinfo=UTC),
        "last_update": dt.datetime(2022, 5, 1, 12, 0, tzinfo=UTC),
        "status": "unshipped", "fulfillment_channel": "FBM", "currency": "USD",
        "buyer_name": "Jane Buyer", "buyer_email": "jane.buyer@marketplace.amazon.com",
        "shipping_address": {"name": "Jane Buyer", "company": None, "street": "1 Main Street",
                             "street2": None, "city": "Austin", "state": "TX", "zip": "78701",
                             "country_code": "US", "phone": "+1 555 0100"},
        "lines": [{"order_item_id": "OI-1", "sku": "SKU-MUG", "asin": "B000000001", "title": "Mug",
                   "quantity": 2, "unit_price": Decimal("12.50")}],
        "shipping_price": Decimal("4.99"), "gift_wrap_price": Decimal("0"), "total": Decimal("29.99"),
    }
    order.update(values)
    return order


class FakeSource:
    """An order source serving fixed pages; ``fail_at`` raises on that page (0-based)."""

    name = "Fake source"

    def __init__(self, pages, fail_at=None, error=None, sync_until=None):
        self.pages, self.fail_at, self.error, self.calls = pages, fail_at, error, []
        self.sync_until = sync_until

    def fetch_pages(self, account, since):
        self.calls.append((account.id, since))
        for index, page in enumerate(self.pages):
            if index == self.fail_at:
                raise self.error or RuntimeError("Amazon said no")
            yield page


@pytest.fixture
def marketplace_us(env):
    return env.ref("sale_amazon.marketplace_us")


@pytest.fixture
def mug(env):
    return env["product.product"].create({"name": "Mug", "default_code": "MUG-INT", "list_price": 12.5})


@pytest.fixture
def account(env, marketplace_us, mug):
    """An account with one offer: SKU-MUG -> Mug."""
    account = env["amazon.account"].create({
        "name": "Test Amazon US", "base_marketplace_id": marketplace_us.id,
        "active_marketplace_ids": [(6, 0, [marketplace_us.id, env.ref("sale_amazon.marketplace_ca").id])],
        "seller_key": "ATESTSELLER01", "last_orders_sync": dt.datetime(2022, 1, 1),
    })
    env["amazon.offer"].create({"account_id": account.id, "sku": "SKU-MUG", "product_id": mug.id,
                                "marketplace_id": marketplace_us.id})
    return account.with_context(amazon_sync_commit=False)


@pytest.fixture
def no_commit(env, monkeypatch):
    """Fail the test if anything commits the test transaction."""
    def refuse():
        raise AssertionError("the test transaction must not be committed")

    monkeypatch.setattr(env.cr, "commit", refuse)
