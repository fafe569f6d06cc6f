"""Usage plans: one token bucket per operation and selling partner (AMAZON.md §5).

Grantless operations are limited per application. Buckets refill on sandbox
time, so a time scale speeds refills up exactly as it speeds expiries.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

# operation -> (rate per second as Amazon prints it, burst)
PLANS: dict[str, tuple[str, int]] = {
    "getMarketplaceParticipations": ("0.016", 15),
    "getOrders": ("0.0167", 20),
    "getOrderItems": ("0.5", 30),
    "searchOrders": ("0.0056", 20),
    "getOrder": ("0.5", 30),
    "createRestrictedDataToken": ("1", 10),
    "rotateApplicationClientSecret": ("0.0167", 1),
    "createFeedDocument": ("0.5", 15),
    "createFeed": ("0.0083", 15),
    "getFeed": ("2.0", 15),
    "getFeeds": ("0.0222", 10),
    "cancelFeed": ("2.0", 15),
    "getFeedDocument": ("0.0222", 10),
    "getListingsItem": ("5.0", 10),
}


@dataclass
class Bucket:
    tokens: float
    updated: float


class UsagePlans:
    def __init__(self, plans: dict[str, tuple[str, int]] | None = None):
        self.plans = dict(plans or PLANS)
        self._buckets: dict[tuple[str, str], Bucket] = {}
        self._lock = threading.Lock()

    def rate_header(self, operation: str) -> str:
        return self.plans[operation][0]

    def take(self, operation: str, partner: str, now: float) -> bool:
        """Spend one token; False (-> 429) when the bucket is empty."""
        rate_text, burst = self.plans[operation]
        rate = float(rate_text)
        with self._lock:
            bucket = self._buckets.setdefault((operation, partner), Bucket(float(burst), now))
            bucket.tokens = min(float(burst), bucket.tokens + (now - bucket.updated) * rate)
            bucket.updated = now
            if bucket.tokens < 1.0:
                return False
            bucket.tokens -= 1.0
            return True

    def tokens(self, operation: str, partner: str, now: float) -> float:
        """Tokens a caller would find now (for tests and the control API)."""
        rate_text, burst = self.plans[operation]
        with self._lock:
            bucket = self._buckets.get((operation, partner))
            if bucket is None:
                return float(burst)
            return min(float(burst), bucket.tokens + (now - bucket.updated) * float(rate_text))

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()
