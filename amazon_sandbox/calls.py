"""The call log: what clients asked, for tests and benchmarks.

Only operation names, statuses, client ids, grant types and seller ids are
kept: never tokens, secrets or codes.
"""
from __future__ import annotations

import threading
from collections import Counter


class CallLog:
    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.operations: Counter = Counter()  # (operation, status)
            self.lwa: Counter = Counter()  # (grant_type, client_id, status)
            self.sellers: Counter = Counter()  # (operation, selling partner or app)
            self.faults: Counter = Counter()  # (operation, fault kind)

    def record(self, operation: str, status: int, partner: str | None = None) -> None:
        with self._lock:
            self.operations[(operation, status)] += 1
            if partner:
                self.sellers[(operation, partner)] += 1

    def record_lwa(self, grant_type: str, client_id: str, status: int) -> None:
        with self._lock:
            self.lwa[(grant_type, client_id, status)] += 1
            self.operations[("lwaToken", status)] += 1

    def record_fault(self, operation: str, kind: str) -> None:
        with self._lock:
            self.faults[(operation, kind)] += 1

    def as_json(self) -> dict:
        with self._lock:
            ops: dict = {}
            for (op, status), n in sorted(self.operations.items()):
                ops.setdefault(op, {})[str(status)] = n
            lwa: dict = {}
            for (grant, client, status), n in sorted(self.lwa.items()):
                lwa.setdefault(grant, {}).setdefault(client, {})[str(status)] = n
            per_partner: dict = {}
            for (op, partner), n in sorted(self.sellers.items()):
                per_partner.setdefault(op, {})[partner] = n
            faults: dict = {}
            for (op, kind), n in sorted(self.faults.items()):
                faults.setdefault(op, {})[kind] = n
            return {"operations": ops, "lwa": lwa, "per_partner": per_partner, "faults": faults,
                    "total": sum(self.operations.values())}
