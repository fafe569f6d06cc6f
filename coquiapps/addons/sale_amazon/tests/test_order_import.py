"""Order import: normalised Amazon orders become sales orders, once per (account, order id)."""
import datetime as dt
from decimal import Decimal

import pytest

from coquiapps.exceptions import UserError, ValidationError

from . import common
from .common import make_order

# fixtures shared through common (no conftest.py in addons)
account, marketplace_us, mug = common.account, common.marketplace_us, common.mug



def test_new_order(env, account, mug):
    order, created = account._import_normalized_order(make_order(gift_wrap_price=Decimal("3.00")))
    assert created and order.state == "sale"
    assert order.name.startswith("S")
    assert order.amazon_order_ref == "111-0000001-0000001"
    assert order.origin == "Amazon Order 111-0000001-0000001"
    assert order.amazon_account_id == account and order.amazon_status == "unshipped"
    assert order.amazon_channel == "fbm" and order.amazon_marketplace_id.code == "US"
    assert order.date_order == dt.datetime(2022, 5, 1, 10, 0)
    assert order.currency_id.name == "USD" and order.company_id == account.company_id
    item, shipping, wrap = order.order_line
    assert item.product_id == mug and item.product_uom_qty == 2 and item.price_unit == 12.5
    assert item.amazon_item_ref == "OI-1" and item.amazon_offer_id.sku == "SKU-MUG"
    assert item.name == "[SKU-MUG] Mug"
    assert shipping.product_id == env.ref("sale_amazon.shipping_product") and shipping.price_unit == 4.99
    assert wrap.product_id == env.ref("sale_amazon.gift_wrap_product") and wrap.price_unit == 3.0
    assert order.amount_total == pytest.approx(32.99)
    assert order in account.order_ids and account.order_count == 1


def test_reimport_updates_never_duplicates(env, account):
    order, _ = account._import_normalized_order(make_order())
    again, created = account._import_normalized_order(make_order(status="shipped", fulfillment_channel="FBA"))
    assert not created and again == order
    assert order.amazon_status == "shipped" and order.amazon_channel == "fba" and order.state == "sale"
    assert env["sale.order"].search_count([("amazon_order_ref", "=", "111-0000001-0000001")]) == 1
    cancelled, created = account._import_normalized_order(make_order(status="canceled"))
    assert not created and cancelled == order and order.state == "cancel"


def test_duplicate_rejected_by_database(env, account):
    order, _ = account._import_normalized_order(make_order())
    with pytest.raises(ValidationError, match="only be imported once"), env.cr.savepoint():
        env["sale.order"].create({"partner_id": order.partner_id.id, "amazon_account_id": account.id,
                                  "amazon_order_ref": order.amazon_order_ref})


def test_same_order_id_on_another_account(env, account, marketplace_us):
    other = env["amazon.account"].create({"name": "Other", "base_marketplace_id": marketplace_us.id})
    first, _ = account._import_normalized_order(make_order())
    second, created = other._import_normalized_order(make_order())
    assert created and second != first


def test_canceled_order_is_imported_cancelled(env, account):
    order, created = account._import_normalized_order(make_order(status="canceled"))
    assert created and order.state == "cancel" and order.amazon_status == "canceled"


def test_pending_orders_are_skipped_until_confirmed(env, account):
    order, created = account._import_normalized_order(make_order(status="pending"))
    assert not order and not created
    assert not account.order_ids
    order, created = account._import_normalized_order(make_order(status="unshipped"))
    assert created and order.state == "sale"


def test_quotation_lines_follow_amazon(env, account):
    order, _ = account._import_normalized_order(make_order())
    order.action_cancel()
    order.action_draft()
    lines = [{"order_item_id": "OI-1", "sku": "SKU-MUG", "asin": None, "title": "Mug", "quantity": 5,
              "unit_price": Decimal("10")}]
    account._import_normalized_order(make_order(lines=lines, shipping_price=Decimal("0")))
    assert order.state == "draft"
    assert order.order_line.mapped("product_uom_qty") == [5.0] and order.amount_total == 50.0


def test_unknown_sku_links_product_by_reference(env, account, marketplace_us):
    lamp = env["product.product"].create({"name": "Lamp", "default_code": "LAMP-1", "list_price": 30})
    lines = [{"order_item_id": "OI-9", "sku": "LAMP-1", "asin": None, "title": "A lamp", "quantity": 1,
              "unit_price": Decimal("29.90")}]
    order, _ = account._import_normalized_order(make_order(lines=lines))
    offer = env["amazon.offer"].search([("account_id", "=", account.id), ("sku", "=", "LAMP-1")])
    assert offer.product_id == lamp and offer.marketplace_id == marketplace_us
    assert order.order_line[0].product_id == lamp and order.order_line[0].amazon_offer_id == offer
    account._import_normalized_order(make_order("111-0000002-0000002", lines=lines))
    assert env["amazon.offer"].search_count([("account_id", "=", account.id), ("sku", "=", "LAMP-1")]) == 1


def test_unknown_sku_goes_to_fallback_product(env, account):
    lines = [{"order_item_id": "OI-7", "sku": "NOWHERE-1", "asin": None, "title": "Mystery", "quantity": 1,
              "unit_price": Decimal("5")}]
    order, _ = account._import_normalized_order(make_order(lines=lines))
    line = order.order_line[0]
    assert line.product_id == env.ref("sale_amazon.default_product")
    assert line.name == "[NOWHERE-1] Mystery" and line.price_unit == 5.0
    assert not env["amazon.offer"].search([("sku", "=", "NOWHERE-1")])


def test_customer_matched_by_email(env, account):
    first, _ = account._import_normalized_order(make_order())
    moved = dict(make_order()["shipping_address"], zip="73301", street="9 Other Road")
    second, _ = account._import_normalized_order(make_order("111-0000002-0000002", shipping_address=moved))
    assert second.partner_id == first.partner_id
    assert first.partner_shipping_id == first.partner_id  # the buyer's own address
    assert second.partner_shipping_id.type == "delivery"
    assert second.partner_shipping_id.parent_id == first.partner_id
    assert second.partner_shipping_id.zip == "73301"
    third, _ = account._import_normalized_order(make_order("111-0000003-0000003", shipping_address=moved))
    assert third.partner_shipping_id == second.partner_shipping_id


def test_customer_matched_by_name_zip_country(env, account):
    first, _ = account._import_normalized_order(make_order(buyer_email=None))
    assert first.partner_id.name == "Jane Buyer" and first.partner_id.zip == "78701"
    assert first.partner_id.country_code == "US" and first.partner_id.city == "Austin"
    second, _ = account._import_normalized_order(make_order("111-0000002-0000002", buyer_email=None))
    assert second.partner_id == first.partner_id
    elsewhere = dict(make_order()["shipping_address"], zip="10001", city="New York")
    third, _ = account._import_normalized_order(
        make_order("111-0000003-0000003", buyer_email=None, shipping_address=elsewhere))
    assert third.partner_id != first.partner_id


def test_order_without_buyer_data(env, account):
    order, _ = account._import_normalized_order(
        make_order(buyer_name=None, buyer_email=None, shipping_address=None, fulfillment_channel=None))
    assert order.partner_id.name == "Amazon Customer"
    assert order.partner_shipping_id == order.partner_id and not order.amazon_channel


def test_currency_from_code(env, account):
    cad = env.ref("base.CAD")
    cad.write({"active": False})
    order, _ = account._import_normalized_order(make_order(currency="CAD", marketplace_id="A2EUQ1WTGCTBG2"))
    assert order.currency_id == cad and cad.active
    assert order.amazon_marketplace_id == env.ref("sale_amazon.marketplace_ca")
    odd, _ = account._import_normalized_order(make_order("111-0000002-0000002", currency="XTS"))
    assert odd.currency_id.name == "XTS"


def test_malformed_order_refused(env, account):
    with pytest.raises(UserError, match="lacks"):
        account._import_normalized_order(make_order(amazon_order_id=None))
    with pytest.raises(UserError, match="unknown status"):
        account._import_normalized_order(make_order(status="teleported"))


def test_page_imports_as_if_one_by_one(env, account, mug, caplog):
    """One batch: later orders find the customer, address and offer earlier ones created; repeats update."""
    lamp = env["product.product"].create({"name": "Lamp", "default_code": "LAMP-2", "list_price": 30})
    lamp_line = [{"order_item_id": "OI-L", "sku": "LAMP-2", "asin": None, "title": "Lamp", "quantity": 1,
                  "unit_price": Decimal("30")}]
    gift = dict(make_order()["shipping_address"], name="Jim Friend", street="5 Gift Lane")
    page = [
        make_order("111-0000001-0000001", lines=lamp_line, total=Decimal("34.99")),
        make_order("111-0000002-0000002", buyer_email="JANE.BUYER@marketplace.amazon.com",
                   shipping_address=gift, lines=lamp_line, total=Decimal("34.99")),
        make_order("111-0000003-0000003", shipping_address=gift, status="pending"),
        make_order("111-0000003-0000003", shipping_address=gift),          # confirmed later in the page
        make_order("111-0000001-0000001", status="shipped", lines=lamp_line),  # a repeat: an update
        make_order("111-0000004-0000004", buyer_email=None, buyer_name="Nora Noemail",
                   shipping_address=dict(gift, name="Nora Noemail"), tax=Decimal("2.40"),
                   total=Decimal("32.39")),
        make_order("111-0000005-0000005", buyer_email=None, buyer_name="Nora Noemail",
                   shipping_address=dict(gift, name="Nora Noemail")),
    ]
    with caplog.at_level("WARNING"):
        counts = account._import_orders_page(page)
    assert (counts["created"], counts["updated"], counts["skipped"]) == (5, 1, 1)
    orders = {o.amazon_order_ref: o for o in account.order_ids}
    assert sorted(orders) == [f"111-000000{i}-000000{i}" for i in range(1, 6)]
    first, second, third = (orders[f"111-000000{i}-000000{i}"] for i in (1, 2, 3))
    assert first.amazon_status == "shipped" and first.state == "sale"
    assert first.partner_id == second.partner_id == third.partner_id  # email matched case-insensitively
    assert second.partner_shipping_id == third.partner_shipping_id != second.partner_id
    assert second.partner_shipping_id.name == "Jim Friend" and second.partner_shipping_id.type == "delivery"
    nora, again = orders["111-0000004-0000004"], orders["111-0000005-0000005"]
    assert nora.partner_id == again.partner_id and nora.partner_shipping_id == nora.partner_id
    assert env["amazon.offer"].search_count([("account_id", "=", account.id), ("sku", "=", "LAMP-2")]) == 1
    assert first.order_line[0].product_id == lamp and second.order_line[0].product_id == lamp
    assert [o.amount_total for o in (first, second, nora)] == [34.99, 34.99, 29.99]
    assert env["res.partner"].search_count([("email", "=ilike", "jane.buyer@marketplace.amazon.com")]) == 1
    assert not [r for r in caplog.records if "total" in r.getMessage()]  # taxes Amazon collected aside


def test_wrong_total_is_logged(env, account, caplog):
    with caplog.at_level("WARNING"):
        account._import_normalized_order(make_order(total=Decimal("99.00")))
    assert "total before tax 99.00 on Amazon, 29.99 imported" in caplog.text
