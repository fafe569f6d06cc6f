"""Where Amazon lives: regions, marketplaces, LWA, Seller Central and SP-API hosts.

Everything here is static configuration (AMAZON.md sections 1, 4 and 6). The
production values are the defaults; :class:`Endpoints` lets a caller replace
any of them (the module points them at the local Amazon sandbox in tests).
"""
from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from urllib.parse import urlencode


class Region(enum.StrEnum):
    """An SP-API region: one host, one authorization per seller."""

    NA = "na"
    EU = "eu"
    FE = "fe"


@dataclass(frozen=True)
class Marketplace:
    """One Amazon marketplace and the Seller Central site that sells in it."""

    marketplace_id: str
    country_code: str
    region: Region
    seller_central: str


def _mp(marketplace_id: str, country: str, region: Region, host: str) -> Marketplace:
    return Marketplace(marketplace_id, country, region, f"https://{host}")


_EU_CENTRAL = "sellercentral-europe.amazon.com"

#: Every marketplace the module knows, by marketplace id (AMAZON.md section 6).
MARKETPLACES: Mapping[str, Marketplace] = MappingProxyType({
    m.marketplace_id: m
    for m in (
        _mp("ATVPDKIKX0DER", "US", Region.NA, "sellercentral.amazon.com"),
        _mp("A2EUQ1WTGCTBG2", "CA", Region.NA, "sellercentral.amazon.ca"),
        _mp("A1AM78C64UM0Y8", "MX", Region.NA, "sellercentral.amazon.com.mx"),
        _mp("A2Q3Y263D00KWC", "BR", Region.NA, "sellercentral.amazon.com.br"),
        _mp("A1F83G8C2ARO7P", "UK", Region.EU, _EU_CENTRAL),
        _mp("A1PA6795UKMFR9", "DE", Region.EU, _EU_CENTRAL),
        _mp("A13V1IB3VIYZZH", "FR", Region.EU, _EU_CENTRAL),
        _mp("APJ6JRA9NG5V4", "IT", Region.EU, _EU_CENTRAL),
        _mp("A1RKKUPIHCS9HS", "ES", Region.EU, _EU_CENTRAL),
        _mp("A1805IZSGTT6HS", "NL", Region.EU, "sellercentral.amazon.nl"),
        _mp("A2NODRKZP88ZB9", "SE", Region.EU, "sellercentral.amazon.se"),
        _mp("A1C3SOZRARQ6R3", "PL", Region.EU, "sellercentral.amazon.pl"),
        _mp("AMEN7PMS3EDWL", "BE", Region.EU, "sellercentral.amazon.com.be"),
        _mp("A28R8C7NBKEWEA", "IE", Region.EU, "sellercentral.amazon.ie"),
        _mp("A33AVAJ2PDY3EV", "TR", Region.EU, "sellercentral.amazon.com.tr"),
        _mp("A2VIGQ35RCS4UG", "AE", Region.EU, "sellercentral.amazon.ae"),
        # SA and ZA hosts are unverified (AMAZON.md): Europe's shared site is
        # the safe fallback the seller can always reach.
        _mp("A17E79C6D8DWNP", "SA", Region.EU, _EU_CENTRAL),
        _mp("ARBP9OOSHTCHU", "EG", Region.EU, "sellercentral.amazon.eg"),
        _mp("AE08WJ6YKNBMC", "ZA", Region.EU, _EU_CENTRAL),
        _mp("A21TJRUUN4KGV", "IN", Region.EU, "sellercentral.amazon.in"),
        _mp("A1VC38T7YXB528", "JP", Region.FE, "sellercentral.amazon.co.jp"),
        _mp("A39IBJ37TRP1C6", "AU", Region.FE, "sellercentral.amazon.com.au"),
        _mp("A19VAU5U5O7RUS", "SG", Region.FE, "sellercentral.amazon.sg"),
    )
})

LWA_TOKEN_URL = "https://api.amazon.com/auth/o2/token"

SPAPI_HOSTS: Mapping[Region, str] = MappingProxyType({
    Region.NA: "https://sellingpartnerapi-na.amazon.com",
    Region.EU: "https://sellingpartnerapi-eu.amazon.com",
    Region.FE: "https://sellingpartnerapi-fe.amazon.com",
})

#: Amazon's own static sandbox (canned responses, 5/s burst 15).
SPAPI_SANDBOX_HOSTS: Mapping[Region, str] = MappingProxyType({
    Region.NA: "https://sandbox.sellingpartnerapi-na.amazon.com",
    Region.EU: "https://sandbox.sellingpartnerapi-eu.amazon.com",
    Region.FE: "https://sandbox.sellingpartnerapi-fe.amazon.com",
})

CONSENT_PATH = "/apps/authorize/consent"


def marketplace(marketplace_id: str) -> Marketplace:
    """The marketplace with this id; ``KeyError`` naming it when unknown."""
    try:
        return MARKETPLACES[marketplace_id]
    except KeyError:
        raise KeyError(f"unknown Amazon marketplace id {marketplace_id!r}") from None


def region_of(marketplace_id: str) -> Region:
    """The SP-API region serving a marketplace."""
    return marketplace(marketplace_id).region


@dataclass(frozen=True)
class Endpoints:
    """The URLs the client talks to; production by default, each replaceable.

    ``consent_base`` replaces every marketplace's Seller Central base (a test
    server serves all of them); ``hosts`` maps each region to its SP-API base.
    """

    lwa_token_url: str = LWA_TOKEN_URL
    hosts: Mapping[Region, str] = field(default_factory=lambda: SPAPI_HOSTS)
    consent_base: str | None = None

    @classmethod
    def amazon_sandbox(cls) -> Endpoints:
        """Amazon's hosted static sandbox (real LWA, canned SP-API answers)."""
        return cls(hosts=SPAPI_SANDBOX_HOSTS)

    def with_overrides(
        self,
        *,
        lwa_token_url: str | None = None,
        hosts: Mapping[Region | str, str] | None = None,
        consent_base: str | None = None,
    ) -> Endpoints:
        """A copy with the given URLs replaced (unset arguments keep theirs)."""
        merged = dict(self.hosts)
        for region, url in (hosts or {}).items():
            merged[Region(region)] = url.rstrip("/")
        return replace(
            self,
            lwa_token_url=lwa_token_url or self.lwa_token_url,
            hosts=MappingProxyType(merged),
            consent_base=(consent_base.rstrip("/") if consent_base else self.consent_base),
        )

    def host(self, region: Region | str) -> str:
        """The SP-API base URL of a region."""
        return self.hosts[Region(region)]

    def host_for_marketplace(self, marketplace_id: str) -> str:
        return self.host(region_of(marketplace_id))

    def seller_central(self, marketplace_id: str) -> str:
        """The Seller Central base where a seller of this marketplace consents."""
        return self.consent_base or marketplace(marketplace_id).seller_central

    def consent_url(
        self,
        marketplace_id: str,
        application_id: str,
        state: str,
        *,
        draft: bool = False,
        redirect_uri: str | None = None,
    ) -> str:
        """The page where the seller authorizes the application (AMAZON.md 1.1)."""
        query = [("application_id", application_id), ("state", state)]
        if draft:
            # Draft applications are refused (MD1000) without the beta flag.
            query.append(("version", "beta"))
        if redirect_uri:
            query.append(("redirect_uri", redirect_uri))
        return f"{self.seller_central(marketplace_id)}{CONSENT_PATH}?{urlencode(query)}"
