"""Executing one SP-API operation: pacing, headers, retries, token refresh, error mapping.

:class:`SPAPIClient` serves one selling partner in one region. A call:

1. waits for a token of the operation's bucket (no 429 in normal operation);
2. sends the request with a fresh access token from the provider;
3. on 403 asks the provider once for a forced refresh and tries again;
4. on 429, 5xx and network errors retries with exponential backoff and
   jitter (honouring ``Retry-After`` and the reported rate), a bounded number
   of times;
5. raises the :mod:`.errors` family matching Amazon's answer.

The client keeps no per-call state on the instance, so threads may share it.
"""
from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from .errors import AccessDenied, QuotaExceeded, SPAPIError, spapi_error
from .lwa import utcnow
from .operations import DEFAULT_RATE_PLANS, Operation
from .ratelimit import RateLimiter
from .retry import RetryPolicy, call_with_retries
from .transport import (
    Request,
    RequestsTransport,
    Response,
    Transport,
    TransportError,
    spapi_headers,
    user_agent,
)

_logger = logging.getLogger(__name__)


class AccessTokenProvider(Protocol):
    """Returns a usable LWA access token; ``force_refresh`` after Amazon refused it.

    Raises :class:`~.errors.LWAError` (``InvalidGrant``: re-authorize) when no
    token can be had.
    """

    def __call__(self, force_refresh: bool = False) -> str: ...


def build_request(
    base_url: str,
    operation: Operation,
    access_token: str,
    agent: str,
    now: datetime,
    *,
    path_params: Mapping[str, str] | None = None,
    params: Sequence[tuple[str, str]] = (),
    json: Any = None,
) -> Request:
    """The HTTP request of an operation (pure)."""
    path = operation.format_path(**(path_params or {}))
    return Request(
        operation.method,
        base_url.rstrip("/") + path,
        operation=operation.name,
        headers=spapi_headers(access_token, agent, now),
        params=tuple(params),
        json=json,
    )


def error_from_response(operation: str, response: Response) -> SPAPIError:
    """The exception for a non-2xx SP-API answer, keeping Amazon's first error (pure)."""
    body = response.json()
    errors = body.get("errors") if isinstance(body, dict) else None
    first = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], dict) else {}
    message = str(first.get("message") or f"HTTP {response.status}")
    if first.get("details"):
        message += f" ({first['details']})"
    if isinstance(errors, list) and len(errors) > 1:
        message += f" [+{len(errors) - 1} more]"
    return spapi_error(
        response.status,
        first.get("code"),
        message,
        operation=operation,
        request_id=response.request_id,
        retry_after=response.retry_after,
    )


class SPAPIClient:
    """Calls SP-API operations for one selling partner at one regional host."""

    def __init__(
        self,
        region_base_url: str,
        access_token_provider: AccessTokenProvider,
        rate_limiter: RateLimiter | None = None,
        transport: Transport | None = None,
        selling_partner_id: str = "",
        *,
        user_agent: str | None = None,  # pylint: disable=redefined-outer-name  # public keyword
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], datetime] = utcnow,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.base_url = region_base_url.rstrip("/")
        self.selling_partner_id = selling_partner_id
        self._tokens = access_token_provider
        self._limiter = rate_limiter or RateLimiter(DEFAULT_RATE_PLANS, sleep=sleep)
        self._transport = transport or RequestsTransport()
        self._agent = user_agent or _default_agent()
        self._retry = retry or RetryPolicy()
        self._sleep = sleep
        self._now = now
        self._rand = rand

    @property
    def bucket_key(self) -> str:
        # Grantless calls have no seller: the application's own bucket.
        return self.selling_partner_id or "application"

    def call(
        self,
        operation: Operation,
        *,
        path_params: Mapping[str, str] | None = None,
        params: Sequence[tuple[str, str]] = (),
        json: Any = None,
    ) -> Response:
        """Execute ``operation`` and return its 2xx answer, or raise an :class:`SPAPIError`."""
        key = self.bucket_key
        refreshed = False
        token_error = None  # the provider's own failures (LWA) are not retried here

        def token(force_refresh: bool) -> str:
            nonlocal token_error
            try:
                return self._tokens(force_refresh=force_refresh)
            except SPAPIError as exc:
                token_error = exc
                raise

        def attempt() -> Response:
            nonlocal refreshed
            try:
                return self._send(operation, key, token(False), path_params, params, json)
            except AccessDenied:
                if refreshed:
                    raise
                # Usually an access token that expired or was revoked early: once per call.
                refreshed = True
                _logger.info("%s: access denied, retrying once with a new access token", operation.name)
                return self._send(operation, key, token(True), path_params, params, json)

        return call_with_retries(attempt, self._retry, operation.name, sleep=self._sleep,
                                 delay=lambda error, failures: self._delay(operation, key, error, failures),
                                 retryable=lambda error: error is not token_error and error.retryable)

    def _send(self, operation: Operation, key: str, token: str, path_params, params, json) -> Response:
        """One paced request with ``token``: its answer (2xx) or its :class:`SPAPIError`."""
        # Pace last, right before sending: Amazon counts the call on arrival.
        self._limiter.acquire(operation.name, key)
        request = build_request(self.base_url, operation, token, self._agent, self._now(),
                                path_params=path_params, params=params, json=json)
        try:
            response = self._transport(request)
        except TransportError as exc:
            exc.operation = exc.operation or operation.name
            raise
        self._limiter.update_rate(operation.name, key, response.rate_limit)
        if response.ok:
            return response
        raise error_from_response(operation.name, response)

    def call_json(self, operation: Operation, **kwargs: Any) -> Any:
        """:meth:`call` and decode the JSON body (``None`` when empty)."""
        return self.call(operation, **kwargs).json()

    def _delay(self, operation: Operation, key: str, error: SPAPIError, failures: int) -> float:
        retry_after = getattr(error, "retry_after", None)
        if retry_after is not None:
            return min(retry_after, self._retry.max_delay)
        delay = self._retry.backoff(failures, self._rand())
        if isinstance(error, QuotaExceeded):
            # The bucket is empty: at least one token's refill time.
            refill = 1.0 / self._limiter.plan(operation.name, key).rate
            delay = max(delay, min(refill, self._retry.max_delay))
        return delay


def _default_agent() -> str:
    return user_agent()
