"""The one retry loop of Amazon calls: retryable SP-API and LWA failures, with backoff and jitter.

Used by :class:`~.client.SPAPIClient` and by the module's LWA token refresh; pure
(no ERP), so both may import it. ``sleep`` and ``rand`` are injected, so tests and
time-scaled sandboxes control the waits.
"""
from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from .errors import SPAPIError

_logger = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """Retries of retryable failures: attempts in all, and the backoff curve.

    The n-th retry waits ``min(max_delay, base_delay * 2**(n-1))`` shrunk by a
    random share of up to ``jitter`` (so clients do not retry in lockstep).
    """

    max_attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 300.0
    jitter: float = 0.5

    def backoff(self, failures: int, rand: float) -> float:
        delay = min(self.max_delay, self.base_delay * 2 ** (failures - 1))
        return delay * (1.0 - self.jitter * rand)


def call_with_retries(
    call: Callable[[], T],
    policy: RetryPolicy,
    label: str,
    *,
    delay: Callable[[SPAPIError, int], float] | None = None,
    retryable: Callable[[SPAPIError], bool] = lambda error: error.retryable,
    sleep: Callable[[float], None] = time.sleep,
    rand: Callable[[], float] = random.random,
) -> T:
    """``call()``, again after each retryable :class:`SPAPIError`, at most ``policy.max_attempts``
    times in all; the last error (or a permanent one) is raised. ``delay(error, failures)``
    overrides the policy's backoff (e.g. to honour ``Retry-After``); ``retryable(error)`` narrows
    which errors are retried."""
    failures = 0
    while True:
        try:
            return call()
        except SPAPIError as error:
            failures += 1
            if not retryable(error) or failures >= policy.max_attempts:
                raise
            wait = delay(error, failures) if delay else policy.backoff(failures, rand())
            _logger.warning("%s: %s; retry %d/%d in %.1f s", label, error, failures, policy.max_attempts - 1, wait)
            sleep(wait)
