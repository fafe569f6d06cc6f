"""The sandbox's records: applications, sellers, orders. Plain dataclasses.

Order state is a function of sandbox time: an order exists from its creation
time on, and its status is the latest of its scheduled events that is due, so
"orders arriving over time" needs no background thread.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .marketplaces import MARKETPLACES, Marketplace

DAY = 86400.0
SECRET_LIFETIME = 180 * DAY
OLD_SECRET_GRACE = 7 * DAY

STATUSES = (
    "PENDING_AVAILABILITY", "PENDING", "UNSHIPPED", "PARTIALLY_SHIPPED",
    "SHIPPED", "CANCELLED", "UNFULFILLABLE",
)
FULFILLED_BY = ("MERCHANT", "AMAZON")


@dataclass
class Secret:
    value: str
    expires_at: float


@dataclass
class App:
    application_id: str
    client_id: str
    name: str
    kind: str  # "public" | "private"
    draft: bool
    redirect_uris: list[str]
    secrets: list[Secret] = field(default_factory=list)

    def current_secret(self) -> Secret:
        return self.secrets[-1]

    def secret_valid(self, value: str, now: float) -> bool:
        return any(s.value == value and now < s.expires_at for s in self.secrets)

    def as_json(self) -> dict:
        return {
            "application_id": self.application_id,
            "client_id": self.client_id,
            "client_secret": self.current_secret().value,
            "client_secret_expires_at": self.current_secret().expires_at,
            "name": self.name,
            "kind": self.kind,
            "draft": self.draft,
            "redirect_uris": list(self.redirect_uris),
        }


@dataclass
class Seller:
    selling_partner_id: str
    name: str
    password: str
    region: str
    marketplace_ids: list[str]

    def as_json(self) -> dict:
        return {
            "selling_partner_id": self.selling_partner_id,
            "name": self.name,
            "password": self.password,
            "region": self.region,
            "marketplace_ids": list(self.marketplace_ids),
        }


@dataclass
class OrderItem:
    order_item_id: str
    asin: str
    sku: str
    title: str
    quantity: int
    unit_price: Decimal
    tax: Decimal
    condition: str = "NEW"


@dataclass
class Shipment:
    """A package confirmed by the seller: carrier, tracking number, items and quantities."""

    at: float
    carrier: str
    tracking_number: str
    shipping_method: str
    items: dict[str, int]  # order item id -> quantity

    def as_json(self) -> dict:
        return dict(self.__dict__)


@dataclass
class Order:
    order_id: str
    seller_id: str
    marketplace_id: str
    created: float
    fulfilled_by: str
    items: list[OrderItem]
    buyer: dict
    address: dict
    shipping_price: Decimal
    service_level: str = "STANDARD"
    programs: list[str] = field(default_factory=list)
    seller_order_id: str | None = None
    # (sandbox time, status), sorted; the first is the status at creation.
    events: list[tuple[float, str]] = field(default_factory=list)
    # Packages the seller confirmed through POST_ORDER_FULFILLMENT_DATA (feeds.py);
    # when present they replace the generated package and shipped quantities.
    shipments: list[Shipment] = field(default_factory=list)
    # Order item ids the seller cancelled (POST_ORDER_ACKNOWLEDGEMENT_DATA Failure).
    cancelled_items: dict[str, float] = field(default_factory=dict)

    @property
    def marketplace(self) -> Marketplace:
        return MARKETPLACES[self.marketplace_id]

    def visible(self, now: float) -> bool:
        return self.created <= now

    def state(self, now: float) -> tuple[str, float]:
        """(status, lastUpdatedTime) as Amazon shows them at sandbox time ``now``."""
        status, updated = self.events[0][1], self.events[0][0]
        for at, new_status in self.events:
            if at > now:
                break
            status, updated = new_status, at
        return status, updated

    def shipped(self, now: float) -> dict[str, int]:
        """Quantities the seller confirmed as shipped by ``now``, per order item id."""
        totals: dict[str, int] = {}
        for shipment in self.shipments:
            if shipment.at <= now:
                for item_id, quantity in shipment.items.items():
                    totals[item_id] = totals.get(item_id, 0) + quantity
        return totals

    def schedule(self, at: float, status: str) -> None:
        self.events.append((max(at, self.created), status))
        self.events.sort(key=lambda e: e[0])
