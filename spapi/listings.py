"""Listings Items API 2021-08-01: ``getListingsItem``, to read back an FBM quantity."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .client import SPAPIClient
from .errors import InvalidParameters, ServerError
from .operations import GET_LISTINGS_ITEM

INCLUDED_DATA = frozenset({"summaries", "attributes", "issues", "offers",
                           "fulfillmentAvailability", "procurement", "relationships",
                           "productTypes"})


def fbm_quantity(item: dict[str, Any]) -> int | None:
    """The ``DEFAULT`` (merchant-fulfilled) quantity of a listings item, if it has one (pure)."""
    for entry in item.get("fulfillmentAvailability") or []:
        if entry.get("fulfillmentChannelCode") == "DEFAULT":
            quantity = entry.get("quantity")
            return int(quantity) if quantity is not None else None
    return None


class ListingsAPI:
    """Listings Items API for one client."""

    def __init__(self, client: SPAPIClient) -> None:
        self.client = client

    def get_listings_item(self, seller_id: str, sku: str, marketplace_ids: Sequence[str],
                          included_data: Sequence[str] = ("summaries",
                                                          "fulfillmentAvailability")) -> dict:
        if not marketplace_ids:
            raise InvalidParameters("getListingsItem needs marketplaceIds",
                                    operation=GET_LISTINGS_ITEM.name)
        unknown = set(included_data) - INCLUDED_DATA
        if unknown:
            raise InvalidParameters(f"unknown includedData {sorted(unknown)}",
                                    operation=GET_LISTINGS_ITEM.name)
        params = [("marketplaceIds", ",".join(marketplace_ids))]
        if included_data:
            params.append(("includedData", ",".join(included_data)))
        body = self.client.call_json(GET_LISTINGS_ITEM,
                                     path_params={"sellerId": seller_id, "sku": sku},
                                     params=params)
        if not isinstance(body, dict) or "sku" not in body:
            raise ServerError("getListingsItem answered without an item",
                              operation=GET_LISTINGS_ITEM.name)
        return body
