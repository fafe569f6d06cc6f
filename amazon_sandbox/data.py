"""Deterministic data from a seed: apps, sellers and orders.

Everything random comes from one ``random.Random(seed)`` so two sandboxes with
the same seed hold the same ids, secrets, passwords and orders (times are
relative to the sandbox's start time).
"""
from __future__ import annotations

import random
import string
import uuid
from decimal import Decimal

from .marketplaces import MARKETPLACES
from .model import (
    DAY,
    FULFILLED_BY,
    SECRET_LIFETIME,
    STATUSES,
    App,
    Order,
    OrderItem,
    Secret,
    Seller,
)

PRODUCTS = [
    ("Espresso cup set, 4 pieces", "24.90"), ("Ceramic teapot 1.2 l", "39.00"),
    ("Bamboo cutting board", "18.50"), ("Stainless steel water bottle", "21.99"),
    ("Cotton kitchen towels, 3 pack", "12.49"), ("Cast iron skillet 26 cm", "45.00"),
    ("Glass storage jars, 6 pack", "29.95"), ("Chef knife 20 cm", "59.90"),
]
NAMES = ["Ana Rivera", "Jonas Weber", "Claire Martin", "Luca Rossi", "Sofia Garcia",
         "Kenji Sato", "Emma Johnson", "Noah Smith", "Lea Dubois", "Marta Nowak"]
PLACES = {  # country -> (city, stateOrRegion, postalCode)
    "US": ("Seattle", "WA", "98101"), "CA": ("Toronto", "ON", "M5H 2N2"),
    "MX": ("Guadalajara", "JAL", "44100"), "BR": ("Sao Paulo", "SP", "01310-100"),
    "GB": ("London", "England", "SW1A 1AA"), "DE": ("Berlin", "Berlin", "10115"),
    "FR": ("Lyon", "Rhone", "69001"), "IT": ("Milano", "MI", "20121"),
    "ES": ("Madrid", "Madrid", "28001"), "JP": ("Tokyo", "Tokyo", "150-0002"),
}
JPY_RATE = Decimal(160)  # JP prices are shown in whole yen


def _hex(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def _upper(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(n))


class DataFactory:
    """Makes records; ids never repeat within one sandbox."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self._order_ids: set[str] = set()
        self._item_seq = 0

    # -- credentials -------------------------------------------------------
    def secret(self, now: float) -> Secret:
        return Secret("amzn1.oa2-cs.v1." + _hex(self.rng, 64), now + SECRET_LIFETIME)

    def app(self, now: float, *, kind="public", draft=False, name=None, redirect_uris=None) -> App:
        if kind not in ("public", "private"):
            raise ValueError("kind must be 'public' or 'private'")
        app_uuid = uuid.UUID(int=self.rng.getrandbits(128), version=4)
        return App(
            application_id=f"amzn1.sp.solution.{app_uuid}",
            client_id="amzn1.application-oa2-client." + _hex(self.rng, 32),
            name=name or f"Sandbox {kind} app",
            kind=kind,
            draft=bool(draft),
            redirect_uris=list(redirect_uris or ["https://erp.example.com/amazon/callback"]),
            secrets=[self.secret(now)],
        )

    def seller(self, *, region: str, marketplace_ids: list[str], name=None, password=None) -> Seller:
        for mid in marketplace_ids:
            market = MARKETPLACES.get(mid)
            if market is None or market.region != region:
                raise ValueError(f"marketplace {mid} is not in region {region}")
        return Seller(
            selling_partner_id="A" + _upper(self.rng, 13),
            name=name or f"Sandbox seller {region}",
            password=password or "pw-" + _hex(self.rng, 10),
            region=region,
            marketplace_ids=list(marketplace_ids),
        )

    # -- orders --------------------------------------------------------------
    def order_id(self) -> str:
        while True:
            oid = f"{self.rng.randint(111, 999)}-{self.rng.randint(0, 9999999):07d}-{self.rng.randint(0, 9999999):07d}"
            if oid not in self._order_ids:
                self._order_ids.add(oid)
                return oid

    def _price(self, base: str, marketplace_id: str) -> Decimal:
        price = Decimal(base) * Decimal(self.rng.randint(90, 115)) / 100
        if MARKETPLACES[marketplace_id].currency == "JPY":
            return (price * JPY_RATE).quantize(Decimal(1))
        return price.quantize(Decimal("0.01"))

    def _items(self, marketplace_id: str) -> list[OrderItem]:
        items = []
        for title, base in self.rng.sample(PRODUCTS, self.rng.randint(1, 3)):
            self._item_seq += 1
            unit = self._price(base, marketplace_id)
            step = Decimal(1) if MARKETPLACES[marketplace_id].currency == "JPY" else Decimal("0.01")
            tax = (unit * Decimal("0.08")).quantize(step)
            items.append(OrderItem(
                order_item_id=f"{self.rng.randint(10**13, 10**14 - 1)}",
                asin="B0" + _upper(self.rng, 8),
                sku=f"SKU-{PRODUCTS.index((title, base)) + 1:04d}",
                title=title, quantity=self.rng.randint(1, 3), unit_price=unit, tax=tax,
            ))
        return items

    def _history(self, status: str, created: float, end: float) -> list[tuple[float, str]]:
        """A plausible status history ending in ``status``, all between created and end."""
        path = {
            "PENDING_AVAILABILITY": ["PENDING_AVAILABILITY"],
            "PENDING": ["PENDING"],
            "UNSHIPPED": ["PENDING", "UNSHIPPED"],
            "PARTIALLY_SHIPPED": ["PENDING", "UNSHIPPED", "PARTIALLY_SHIPPED"],
            "SHIPPED": ["PENDING", "UNSHIPPED", "SHIPPED"],
            "CANCELLED": ["PENDING", "CANCELLED"],
            "UNFULFILLABLE": ["PENDING", "UNFULFILLABLE"],
        }[status]
        span = max(end - created, 1.0)
        times = sorted(created + span * self.rng.random() for _ in path[1:])
        return [(created, path[0])] + [(round(t), s) for t, s in zip(times, path[1:], strict=True)]

    def order(self, seller: Seller, *, created: float, now: float, status=None,
              fulfilled_by=None, marketplace_id=None) -> Order:
        marketplace_id = marketplace_id or self.rng.choice(seller.marketplace_ids)
        fulfilled_by = fulfilled_by or self.rng.choice(FULFILLED_BY)
        if status is None:
            status = self.rng.choice([s for s in STATUSES if s != "UNFULFILLABLE"] + ["SHIPPED"] * 4)
        if status == "UNFULFILLABLE":
            fulfilled_by = "AMAZON"  # only Amazon-fulfilled orders can be unfulfillable
        market = MARKETPLACES[marketplace_id]
        name = self.rng.choice(NAMES)
        city, state, postal = PLACES.get(market.country, ("Capital", "", "00000"))
        created = float(round(created))
        order = Order(
            order_id=self.order_id(), seller_id=seller.selling_partner_id,
            marketplace_id=marketplace_id, created=created, fulfilled_by=fulfilled_by,
            items=self._items(marketplace_id),
            buyer={"buyerName": name,
                   "buyerEmail": f"{_hex(self.rng, 16)}@marketplace.{market.domain.removeprefix('www.')}"},
            address={"name": name, "addressLine1": f"{self.rng.randint(1, 200)} Market Street",
                     "city": city, "stateOrRegion": state, "postalCode": postal,
                     "countryCode": market.country, "phone": f"+1 555 {self.rng.randint(1000000, 9999999)}",
                     "addressType": "RESIDENTIAL"},
            shipping_price=self._price("4.99", marketplace_id),
            programs=["PREORDER"] if status == "PENDING_AVAILABILITY" else
            (["PRIME"] if self.rng.random() < 0.4 else []),
            seller_order_id=None,
        )
        # Past orders changed status before ``now``; future ones will over their first day.
        end = created + DAY if created > now else min(now, created + 3 * DAY)
        order.events = self._history(status, created, end)
        return order

    def orders(self, seller: Seller, count: int, *, created_from: float, created_to: float,
               now: float, statuses=None, fulfilled_by=None, marketplace_ids=None) -> list[Order]:
        result = []
        for i in range(count):
            created = created_from + (created_to - created_from) * self.rng.random()
            status = statuses[i % len(statuses)] if statuses else None
            channel = fulfilled_by[i % len(fulfilled_by)] if fulfilled_by else None
            market = self.rng.choice(marketplace_ids) if marketplace_ids else None
            result.append(self.order(seller, created=created, now=now, status=status,
                                     fulfilled_by=channel, marketplace_id=market))
        return result


def default_world(factory: DataFactory, now: float) -> tuple[list[App], list[Seller], list[Order]]:
    """Three apps, one seller per region, and orders of every status and channel."""
    apps = [
        factory.app(now, kind="public", name="CoquiAPPs Connector"),
        factory.app(now, kind="public", draft=True, name="CoquiAPPs Connector (draft)"),
        factory.app(now, kind="private", name="In-house ERP"),
    ]
    sellers = [
        factory.seller(region="NA", name="Coqui Kitchen US",
                       marketplace_ids=["ATVPDKIKX0DER", "A2EUQ1WTGCTBG2", "A1AM78C64UM0Y8"]),
        factory.seller(region="EU", name="Coqui Kitchen Europe",
                       marketplace_ids=["A1PA6795UKMFR9", "A13V1IB3VIYZZH", "APJ6JRA9NG5V4",
                                        "A1RKKUPIHCS9HS", "A1F83G8C2ARO7P"]),
        factory.seller(region="FE", name="Coqui Kitchen Japan", marketplace_ids=["A1VC38T7YXB528"]),
    ]
    orders = []
    every = [(s, c) for s in STATUSES for c in FULFILLED_BY if s != "UNFULFILLABLE" or c == "AMAZON"]
    for seller in sellers:
        # One of every (status, channel) pair, then random ones, over the last 30 days.
        for status, channel in every:
            created = now - 30 * DAY + 29 * DAY * factory.rng.random()
            orders.append(factory.order(seller, created=created, now=now - 180, status=status,
                                        fulfilled_by=channel))
        orders += factory.orders(seller, 24, created_from=now - 30 * DAY, created_to=now - 600,
                                 now=now - 180)
    return apps, sellers, orders
