"""Demo data: a deterministic history of Amazon orders (2021-2022), imported like real ones."""
import datetime as dt
import random
from decimal import Decimal

from coquiapps import models

UTC = dt.UTC
BUYERS = [
    ("Olivia Smith", "Austin", "TX", "78701"), ("Liam Johnson", "Denver", "CO", "80202"),
    ("Emma Williams", "Seattle", "WA", "98101"), ("Noah Brown", "Boston", "MA", "02108"),
    ("Ava Jones", "Chicago", "IL", "60601"), ("Elijah Garcia", "Miami", "FL", "33101"),
    ("Sophia Miller", "Portland", "OR", "97201"), ("James Davis", "Phoenix", "AZ", "85001"),
    ("Isabella Rodriguez", "San Diego", "CA", "92101"), ("Lucas Martinez", "Atlanta", "GA", "30301"),
    ("Mia Hernandez", "Nashville", "TN", "37201"), ("Mason Lopez", "Columbus", "OH", "43004"),
    ("Amelia Gonzalez", "Madison", "WI", "53703"), ("Ethan Wilson", "Raleigh", "NC", "27601"),
    ("Harper Anderson", "Salt Lake City", "UT", "84101"), ("Logan Thomas", "Omaha", "NE", "68102"),
]
BUYERS_CA = [
    ("Chloe Tremblay", "Montreal", "QC", "H2X 1Y4"), ("Owen Roy", "Quebec", "QC", "G1R 4P5"),
    ("Emily Wong", "Vancouver", "BC", "V6B 1A1"), ("Jacob Campbell", "Toronto", "ON", "M5H 2N2"),
    ("Zoe MacDonald", "Halifax", "NS", "B3H 1A1"), ("Nathan Singh", "Calgary", "AB", "T2P 1J9"),
]
STREETS = ["Main Street", "Oak Avenue", "Maple Drive", "Cedar Lane", "Elm Street", "Pine Road", "Lake View"]
STATUSES = [("shipped", 80), ("canceled", 6), ("unshipped", 5), ("partially_shipped", 3),
            ("unfulfillable", 2), ("pending", 4)]
EXTRA_SKUS = [("CQ-MUG-RED", "Red Coqui Mug", Decimal("12.50")),  # no offer, a product has this reference
              ("LEGACY-SKU-001", "Discontinued sticker pack", Decimal("4.99"))]  # unknown: fallback


class AmazonAccountDemo(models.Model):
    """Generates the demo account's order history."""

    _inherit = "amazon.account"

    def _demo_generate_orders(self, count: int, seed: int):
        """Build ``count`` normalised orders from ``seed`` and import them; returns how many were imported.

        Called by the demo data (``<function>``) on the empty model: the
        account is then ``sale_amazon.demo_account_us``.
        """
        account = self[:1] or self.env.ref("sale_amazon.demo_account_us")
        rng = random.Random(seed)
        catalogue = [(o.sku, o.product_id.name, Decimal(str(o.product_id.list_price)))
                     for o in account.offer_ids] + EXTRA_SKUS
        start = dt.datetime(2021, 1, 1, tzinfo=UTC)
        span = int((dt.datetime(2022, 7, 28, tzinfo=UTC) - start).total_seconds())
        moments = sorted(start + dt.timedelta(seconds=rng.randrange(span)) for _ in range(count))
        orders = [self._demo_order(rng, number, purchase, catalogue) for number, purchase in enumerate(moments)]
        imported = 0
        for start in range(0, len(orders), 100):   # pages, as a sync imports them
            counts = account._import_orders_page(orders[start:start + 100])
            imported += counts["created"] + counts["updated"]
        return imported

    def _demo_order(self, rng, number, purchase, catalogue) -> dict:
        canada = rng.random() < 0.2
        name, city, state, zip_code = rng.choice(BUYERS_CA if canada else BUYERS)
        status = rng.choices([s for s, _ in STATUSES], [w for _, w in STATUSES])[0]
        channel = rng.choice(["FBA", "FBM"])
        slug = name.lower().replace(" ", ".")
        address = {"name": name, "company": None, "street": f"{10 + len(name) * 7} {STREETS[len(name) % 2]}",
                   "street2": None, "city": city, "state": state, "zip": zip_code,
                   "country_code": "CA" if canada else "US", "phone": None}
        if rng.random() < 0.1:  # a gift sent to someone else
            address.update(name=f"{rng.choice(['Alex', 'Sam', 'Jo'])} {name.split()[1]}",
                           street=f"{rng.randint(1, 999)} {rng.choice(STREETS)}")
        lines = []
        for item in rng.sample(catalogue, rng.choice([1, 1, 1, 2, 2, 3])):
            sku, title, price = item
            lines.append({"order_item_id": f"{rng.randrange(10**13, 10**14)}", "sku": sku, "asin": None,
                          "title": title, "quantity": rng.choice([1, 1, 1, 2, 3]), "unit_price": price})
        shipping = Decimal("4.99") if channel == "FBM" else Decimal("0")
        gift_wrap = Decimal("3.99") if rng.random() < 0.08 else Decimal("0")
        total = sum(line["unit_price"] * line["quantity"] for line in lines) + shipping + gift_wrap
        return {
            "amazon_order_id": f"{rng.choice([111, 112, 113, 114])}-{rng.randrange(10**7):07d}-{number:07d}",
            "marketplace_id": "A2EUQ1WTGCTBG2" if canada else "ATVPDKIKX0DER",
            "purchase_date": purchase, "last_update": purchase + dt.timedelta(hours=rng.randint(1, 72)),
            "status": status, "fulfillment_channel": channel, "currency": "CAD" if canada else "USD",
            "buyer_name": name, "buyer_email": f"{slug}@marketplace.amazon.com",
            "shipping_address": address, "lines": lines, "shipping_price": shipping,
            "gift_wrap_price": gift_wrap, "total": total,
        }
