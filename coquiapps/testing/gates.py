"""Named gates (``threading.Barrier``) a test sets for code it drives in its own process.

Test addons look theirs up by name: a gate makes concurrent work meet at a known point,
instead of a test hoping the machine is fast enough for it to overlap.
"""
from __future__ import annotations

import threading

GATES: dict[str, threading.Barrier] = {}


def meet_once(name: str, timeout: float = 120) -> None:
    """Wait at gate ``name`` (if set) until all its parties are there; later calls pass straight through."""
    gate = GATES.get(name)
    if gate is not None and not getattr(gate, "passed", False):
        gate.wait(timeout)
        gate.passed = True
