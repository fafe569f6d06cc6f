"""Sellers API: which marketplaces the selling partner can sell in."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .client import SPAPIClient
from .errors import ServerError
from .operations import GET_MARKETPLACE_PARTICIPATIONS


@dataclass(frozen=True)
class MarketplaceParticipation:
    """One entry of ``getMarketplaceParticipations``."""

    marketplace_id: str
    name: str
    country_code: str
    currency_code: str | None
    language_code: str | None
    domain_name: str | None
    store_name: str | None
    is_participating: bool
    has_suspended_listings: bool


def parse_participations(body: Any) -> list[MarketplaceParticipation]:
    """The participations in a ``getMarketplaceParticipations`` answer (pure)."""
    payload = body.get("payload") if isinstance(body, dict) else None
    if not isinstance(payload, list):
        raise ServerError("getMarketplaceParticipations answered without a payload list",
                          operation=GET_MARKETPLACE_PARTICIPATIONS.name)
    result = []
    for entry in payload:
        market = entry.get("marketplace") or {}
        participation = entry.get("participation") or {}
        result.append(MarketplaceParticipation(
            marketplace_id=market.get("id", ""),
            name=market.get("name", ""),
            country_code=market.get("countryCode", ""),
            currency_code=market.get("defaultCurrencyCode"),
            language_code=market.get("defaultLanguageCode"),
            domain_name=market.get("domainName"),
            store_name=entry.get("storeName"),
            is_participating=bool(participation.get("isParticipating")),
            has_suspended_listings=bool(participation.get("hasSuspendedListings")),
        ))
    return result


class SellersAPI:
    """Sellers API v1 for one client."""

    def __init__(self, client: SPAPIClient) -> None:
        self.client = client

    def get_marketplace_participations(self) -> list[MarketplaceParticipation]:
        """The seller's marketplaces — also the cheapest proof that a connection works."""
        return parse_participations(self.client.call_json(GET_MARKETPLACE_PARTICIPATIONS))
