"""Sandbox time: Amazon's clock, optionally running faster than the wall clock.

Every expiry (codes, tokens, secrets, pagination tokens), every token-bucket
refill and every scheduled order event reads this clock, so a time scale of 600
shortens all of them 600-fold in wall time while keeping their ratios, and
``advance`` jumps over them without waiting.
"""
from __future__ import annotations

import threading
import time
from datetime import UTC, datetime


class Clock:
    """Sandbox time = start + scale * (wall time elapsed) + manual advances."""

    def __init__(self, time_scale: float = 1.0, start: float | None = None):
        if time_scale <= 0:
            raise ValueError("time_scale must be positive")
        self._lock = threading.Lock()
        self._scale = float(time_scale)
        # Start at the real time so clients using their own clock stay behind sandbox time.
        self._base = time.time() if start is None else float(start)
        self._anchor = time.monotonic()

    @property
    def time_scale(self) -> float:
        return self._scale

    def time(self) -> float:
        """Sandbox time as POSIX seconds."""
        with self._lock:
            return self._base + (time.monotonic() - self._anchor) * self._scale

    def now(self) -> datetime:
        """Sandbox time as an aware UTC datetime."""
        return datetime.fromtimestamp(self.time(), UTC)

    def advance(self, seconds: float) -> float:
        """Jump forward (never backward: Amazon's time does not run back)."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._base += seconds
        return self.time()

    def set_time_scale(self, time_scale: float) -> None:
        """Change the pace from now on; time already elapsed is kept."""
        if time_scale <= 0:
            raise ValueError("time_scale must be positive")
        with self._lock:
            now = time.monotonic()
            self._base += (now - self._anchor) * self._scale
            self._anchor = now
            self._scale = float(time_scale)

    def wall_seconds(self, sandbox_seconds: float) -> float:
        """How long ``sandbox_seconds`` of sandbox time last in wall time."""
        return sandbox_seconds / self._scale
