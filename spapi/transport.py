"""The only code doing HTTP: a ``Transport`` turns a :class:`Request` into a :class:`Response`.

The client and the LWA helpers build requests with pure functions and hand
them to a transport, so tests inject a fake one. :class:`RequestsTransport`
is the real one. It logs method, path, status, Amazon's request id and the
duration — never headers, query strings or bodies, which can hold tokens,
secrets or buyer data.
"""
from __future__ import annotations

import ast
import json
import logging
import platform
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import requests
from requests.structures import CaseInsensitiveDict

from .errors import TransportError

_logger = logging.getLogger(__name__)

APP_NAME = "CoquiAPPs-sale_amazon_spapi"
MAX_USER_AGENT = 500  # Amazon's limit on the user-agent header


def _module_version() -> str:
    # The addon's manifest is the single source of the version.
    try:
        manifest = Path(__file__).resolve().parents[1] / "__manifest__.py"
        return str(ast.literal_eval(manifest.read_text(encoding="utf-8"))["version"])
    except (OSError, ValueError, SyntaxError, KeyError, TypeError):
        return "0"


VERSION = _module_version()


def user_agent(app: str = APP_NAME, version: str = VERSION) -> str:
    """``App/Version (Language=Python/3.11; Platform=...)``, cut to Amazon's 500 chars."""
    python = ".".join(platform.python_version_tuple()[:2])
    text = f"{app}/{version} (Language=Python/{python}; Platform={platform.system()}/{platform.release()})"
    return text[:MAX_USER_AGENT]


def amz_date(now: datetime) -> str:
    """The ``x-amz-date`` value: UTC ``YYYYMMDDTHHMMSSZ``."""
    return now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def spapi_headers(access_token: str, agent: str, now: datetime) -> dict[str, str]:
    """Headers of every SP-API call (SigV4 signing is no longer required)."""
    return {
        "x-amz-access-token": access_token,
        "user-agent": agent,
        "x-amz-date": amz_date(now),
        "accept": "application/json",
    }


@dataclass(frozen=True)
class Request:
    """One HTTP request, built by a pure function; ``operation`` names it in logs."""

    method: str
    url: str
    operation: str
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)
    params: Sequence[tuple[str, str]] = ()
    form: Mapping[str, str] | None = field(default=None, repr=False)
    json: Any = field(default=None, repr=False)
    #: Raw bytes to send (a feed document uploaded to its pre-signed URL).
    body: bytes | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Response:
    """An HTTP answer; ``headers`` look up case-insensitively."""

    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    def __post_init__(self) -> None:
        object.__setattr__(self, "headers", CaseInsensitiveDict(self.headers))

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def request_id(self) -> str | None:
        return self.headers.get("x-amzn-RequestId")

    @property
    def rate_limit(self) -> float | None:
        """The usage plan rate Amazon reports (``x-amzn-RateLimit-Limit``), if usable."""
        return parse_float(self.headers.get("x-amzn-RateLimit-Limit"))

    @property
    def retry_after(self) -> float | None:
        """``Retry-After`` in seconds (the delta-seconds form only)."""
        return parse_float(self.headers.get("Retry-After"))

    def json(self) -> Any:
        """The body as JSON; ``None`` for an empty body or one that is not JSON."""
        if not self.body:
            return None
        try:
            return json.loads(self.body)
        except ValueError:
            return None


def parse_float(value: str | None) -> float | None:
    """A positive finite float from a header, else ``None``."""
    try:
        number = float(value) if value is not None else None
    except ValueError:
        return None
    if number is None or not 0 < number < float("inf"):
        return None
    return number


class Transport(Protocol):
    """Sends one request; raises :class:`TransportError` when no answer came."""

    def __call__(self, request: Request) -> Response: ...


class RequestsTransport:
    """A :class:`Transport` over a ``requests.Session`` (thread-safe enough for
    independent calls; give each worker thread its own session if it matters)."""

    def __init__(
        self,
        session: requests.Session | None = None,
        *,
        timeout: float | tuple[float, float] = (10.0, 60.0),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.session = session or requests.Session()
        self.timeout = timeout
        self._clock = clock

    def __call__(self, request: Request) -> Response:
        path = urlsplit(request.url).path
        started = self._clock()
        try:
            answer = self.session.request(
                request.method,
                request.url,
                params=list(request.params) or None,
                headers=dict(request.headers),
                data=request.body if request.body is not None else request.form,
                json=request.json,
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.Timeout as exc:
            self._log(request.operation, request.method, path, None, None, started)
            raise TransportError(f"timeout calling {path}", operation=request.operation) from exc
        except requests.RequestException as exc:
            self._log(request.operation, request.method, path, None, None, started)
            # The exception text names host and path only, never headers.
            raise TransportError(
                f"network error calling {path}: {type(exc).__name__}",
                operation=request.operation,
            ) from exc
        response = Response(answer.status_code, dict(answer.headers), answer.content)
        self._log(request.operation, request.method, path, response.status,
                  response.request_id, started)
        return response

    def _log(self, operation, method, path, status, request_id, started) -> None:
        level = logging.INFO if status is not None and status < 400 else logging.WARNING
        _logger.log(
            level,
            "%s %s %s -> %s (request id %s, %.0f ms)",
            operation, method, path, status if status is not None else "no answer",
            request_id or "-", (self._clock() - started) * 1000,
        )
