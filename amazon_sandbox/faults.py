"""Fault injection: errors, latency, dropped connections and timeouts.

A rule matches a request by ``operation`` (e.g. ``searchOrders``,
``lwaToken``, ``consent``) and/or a ``path`` prefix (e.g. ``/eu/orders``),
optionally ``region``; unset criteria match everything. Its effects, drawn
from one seedable RNG so a run is repeatable:

- ``latency_ms``: added wall-clock delay before answering;
- ``error_rate`` + ``status`` (500 or 503): answer that error instead;
- ``drop_rate``: close the connection without any response;
- ``timeout_rate`` + ``timeout_s``: sleep that long, then answer normally
  (longer than the client's timeout, the client sees a timeout);
- ``remaining``: apply at most that many times, then the rule is spent.

Latency and timeouts are wall-clock seconds: they model the network, not
Amazon's clock.
"""
from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field

KEYS = {"operation", "path", "region", "latency_ms", "error_rate", "status", "drop_rate",
        "timeout_rate", "timeout_s", "remaining"}


@dataclass
class Rule:
    operation: str | None = None
    path: str | None = None
    region: str | None = None
    latency_ms: float = 0.0
    error_rate: float = 0.0
    status: int = 503
    drop_rate: float = 0.0
    timeout_rate: float = 0.0
    timeout_s: float = 30.0
    remaining: int | None = None

    def matches(self, operation: str, path: str, region: str | None) -> bool:
        return ((self.operation is None or self.operation == operation)
                and (self.path is None or path.startswith(self.path))
                and (self.region is None or (region or "").upper() == self.region.upper()))

    def as_json(self) -> dict:
        return dict(self.__dict__)


@dataclass
class Decision:
    latency: float = 0.0  # wall seconds to sleep before anything else
    drop: bool = False
    error_status: int | None = None
    kinds: list[str] = field(default_factory=list)


def parse_rule(data: dict) -> Rule:
    unknown = set(data) - KEYS
    if unknown:
        raise ValueError(f"unknown fault keys: {sorted(unknown)}")
    rule = Rule(**data)
    if rule.status not in (500, 503):
        raise ValueError("status must be 500 or 503")
    for name in ("error_rate", "drop_rate", "timeout_rate"):
        if not 0 <= getattr(rule, name) <= 1:
            raise ValueError(f"{name} must be between 0 and 1")
    return rule


class Faults:
    def __init__(self, seed: int = 0):
        self._lock = threading.Lock()
        self.rules: list[Rule] = []
        self.rng = random.Random(seed)

    def configure(self, rules: list[dict], seed: int | None = None, replace: bool = True) -> None:
        parsed = [parse_rule(r) for r in rules]
        with self._lock:
            if replace:
                self.rules = []
            self.rules.extend(parsed)
            if seed is not None:
                self.rng = random.Random(seed)

    def clear(self) -> None:
        with self._lock:
            self.rules = []

    def decide(self, operation: str, path: str, region: str | None) -> Decision:
        decision = Decision()
        with self._lock:
            for rule in self.rules:
                if rule.remaining == 0 or not rule.matches(operation, path, region):
                    continue
                applied = False
                if rule.latency_ms:
                    decision.latency += rule.latency_ms / 1000.0
                    decision.kinds.append("latency")
                    applied = True
                if rule.drop_rate and self.rng.random() < rule.drop_rate:
                    decision.drop = True
                    decision.kinds.append("drop")
                    applied = True
                if rule.timeout_rate and self.rng.random() < rule.timeout_rate:
                    decision.latency += rule.timeout_s
                    decision.kinds.append("timeout")
                    applied = True
                if (rule.error_rate and decision.error_status is None
                        and self.rng.random() < rule.error_rate):
                    decision.error_status = rule.status
                    decision.kinds.append(str(rule.status))
                    applied = True
                if applied and rule.remaining is not None:
                    rule.remaining -= 1
        return decision

    def as_json(self) -> list[dict]:
        with self._lock:
            return [r.as_json() for r in self.rules]
