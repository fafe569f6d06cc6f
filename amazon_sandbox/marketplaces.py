"""Amazon marketplaces (AMAZON.md §6) with the attributes the sandbox serves."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Marketplace:
    id: str
    country: str
    region: str
    name: str
    domain: str
    currency: str
    language: str
    decimals: int = 2  # JPY amounts have no decimals

    def as_json(self) -> dict:
        """The ``marketplace`` object of getMarketplaceParticipations."""
        return {
            "id": self.id,
            "name": self.name,
            "countryCode": self.country,
            "defaultCurrencyCode": self.currency,
            "defaultLanguageCode": self.language,
            "domainName": self.domain,
        }


_ROWS = [
    ("ATVPDKIKX0DER", "US", "NA", "Amazon.com", "www.amazon.com", "USD", "en_US"),
    ("A2EUQ1WTGCTBG2", "CA", "NA", "Amazon.ca", "www.amazon.ca", "CAD", "en_CA"),
    ("A1AM78C64UM0Y8", "MX", "NA", "Amazon.com.mx", "www.amazon.com.mx", "MXN", "es_MX"),
    ("A2Q3Y263D00KWC", "BR", "NA", "Amazon.com.br", "www.amazon.com.br", "BRL", "pt_BR"),
    ("A1F83G8C2ARO7P", "GB", "EU", "Amazon.co.uk", "www.amazon.co.uk", "GBP", "en_GB"),
    ("A1PA6795UKMFR9", "DE", "EU", "Amazon.de", "www.amazon.de", "EUR", "de_DE"),
    ("A13V1IB3VIYZZH", "FR", "EU", "Amazon.fr", "www.amazon.fr", "EUR", "fr_FR"),
    ("APJ6JRA9NG5V4", "IT", "EU", "Amazon.it", "www.amazon.it", "EUR", "it_IT"),
    ("A1RKKUPIHCS9HS", "ES", "EU", "Amazon.es", "www.amazon.es", "EUR", "es_ES"),
    ("A1805IZSGTT6HS", "NL", "EU", "Amazon.nl", "www.amazon.nl", "EUR", "nl_NL"),
    ("A2NODRKZP88ZB9", "SE", "EU", "Amazon.se", "www.amazon.se", "SEK", "sv_SE"),
    ("A1C3SOZRARQ6R3", "PL", "EU", "Amazon.pl", "www.amazon.pl", "PLN", "pl_PL"),
    ("AMEN7PMS3EDWL", "BE", "EU", "Amazon.com.be", "www.amazon.com.be", "EUR", "fr_BE"),
    ("A28R8C7NBKEWEA", "IE", "EU", "Amazon.ie", "www.amazon.ie", "EUR", "en_IE"),
    ("A33AVAJ2PDY3EV", "TR", "EU", "Amazon.com.tr", "www.amazon.com.tr", "TRY", "tr_TR"),
    ("A2VIGQ35RCS4UG", "AE", "EU", "Amazon.ae", "www.amazon.ae", "AED", "en_AE"),
    ("A17E79C6D8DWNP", "SA", "EU", "Amazon.sa", "www.amazon.sa", "SAR", "ar_SA"),
    ("ARBP9OOSHTCHU", "EG", "EU", "Amazon.eg", "www.amazon.eg", "EGP", "ar_EG"),
    ("AE08WJ6YKNBMC", "ZA", "EU", "Amazon.co.za", "www.amazon.co.za", "ZAR", "en_ZA"),
    ("A21TJRUUN4KGV", "IN", "EU", "Amazon.in", "www.amazon.in", "INR", "en_IN"),
    ("A1VC38T7YXB528", "JP", "FE", "Amazon.co.jp", "www.amazon.co.jp", "JPY", "ja_JP"),
    ("A39IBJ37TRP1C6", "AU", "FE", "Amazon.com.au", "www.amazon.com.au", "AUD", "en_AU"),
    ("A19VAU5U5O7RUS", "SG", "FE", "Amazon.sg", "www.amazon.sg", "SGD", "en_SG"),
]

MARKETPLACES: dict[str, Marketplace] = {
    row[0]: Marketplace(*row, decimals=0 if row[5] == "JPY" else 2) for row in _ROWS
}
REGIONS = ("NA", "EU", "FE")


def in_region(region: str) -> list[Marketplace]:
    return [m for m in MARKETPLACES.values() if m.region == region]
