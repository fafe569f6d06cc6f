"""Exceptions of the SP-API client, in two families the caller can act on.

* :class:`RetryableError` — try again later (network, timeout, 429, 5xx,
  LWA ``server_error``/``temporarily_unavailable``).
* :class:`PermanentError` — retrying will not help until something changes
  (credentials, input, permissions, a missing record).

Amazon's own error code and text are kept (the admin needs them); ``str()``
is one readable line with any token-looking text masked.
"""
from __future__ import annotations

import re
from typing import ClassVar

# Tokens and secrets Amazon issues (Atza|/Atzr| tokens, LWA client secrets).
_SECRET_RE = re.compile(r"(Atz[a-z]\||amzn1\.oa2-cs\.v1\.)[^\s\"',;]*")


def redact(text: str) -> str:
    """Mask anything that looks like an LWA token or client secret."""
    return _SECRET_RE.sub(lambda m: m.group(1) + "***", text)


class SPAPIError(Exception):
    """Base of every error raised by this package."""

    retryable: ClassVar[bool] = False

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        operation: str | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.operation = operation
        self.request_id = request_id

    def __str__(self) -> str:
        head = " ".join(
            part
            for part in (
                self.operation and f"{self.operation}:",
                self.status and f"HTTP {self.status}",
                self.code and f"{self.code}:",
            )
            if part
        )
        text = f"{head} {self.message}" if head else self.message
        if self.request_id:
            text += f" (request id {self.request_id})"
        return redact(text)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


class RetryableError(SPAPIError):
    """A failure that may pass by itself; ``retry_after`` is Amazon's hint, if any."""

    retryable = True

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class PermanentError(SPAPIError):
    """A failure that repeats until the request, credentials or data change."""


class TransportError(RetryableError):
    """No HTTP answer: connection refused/reset, DNS, timeout."""


class ServerError(RetryableError):
    """Amazon answered 5xx."""


class QuotaExceeded(RetryableError):
    """429: the usage plan's bucket is empty."""


class InvalidInput(PermanentError):
    """400: Amazon rejected the request's parameters."""


class InvalidParameters(InvalidInput, ValueError):
    """The request was refused locally, before Amazon would have rejected it."""


class AccessDenied(PermanentError):
    """403: token expired/revoked/malformed, or the app lacks the role."""


class NotFound(PermanentError):
    """404: no such resource (order id, path)."""


class LWAError(SPAPIError):
    """Login with Amazon refused a token request.

    ``error`` is LWA's code (``invalid_grant``...), ``description`` its text.
    """

    def __init__(self, error: str, description: str = "", *, status: int | None = None,
                 **kwargs) -> None:
        super().__init__(description or error, status=status, code=error, **kwargs)
        self.error = error
        self.description = description


class InvalidGrant(LWAError, PermanentError):
    """The code or refresh token is expired, used or revoked: re-authorize."""


class InvalidClient(LWAError, PermanentError):
    """The client id/secret is wrong, or the secret expired without rotation."""


class LWAPermanentError(LWAError, PermanentError):
    """Any other LWA refusal (invalid_request, invalid_scope, ...)."""


class LWATemporaryError(LWAError, RetryableError):
    """LWA is unavailable (server_error, temporarily_unavailable, 5xx)."""


_LWA_CODES: dict[str, type[LWAError]] = {
    "invalid_grant": InvalidGrant,
    "invalid_client": InvalidClient,
    "server_error": LWATemporaryError,
    "temporarily_unavailable": LWATemporaryError,
}

#: HTTP status -> exception class for SP-API answers (5xx handled apart).
STATUS_ERRORS: dict[int, type[SPAPIError]] = {
    400: InvalidInput,
    403: AccessDenied,
    404: NotFound,
    429: QuotaExceeded,
}


def lwa_error(status: int, error: str | None, description: str | None) -> LWAError:
    """The exception for an LWA error body (``error``/``error_description``)."""
    if error in _LWA_CODES:
        cls = _LWA_CODES[error]
    elif status >= 500 or status == 429:
        cls = LWATemporaryError
    else:
        cls = LWAPermanentError
    return cls(error or f"http_{status}", description or "", status=status)


def spapi_error(
    status: int,
    code: str | None,
    message: str,
    *,
    operation: str | None = None,
    request_id: str | None = None,
    retry_after: float | None = None,
) -> SPAPIError:
    """The exception for an SP-API error answer."""
    cls = ServerError if status >= 500 else STATUS_ERRORS.get(status, PermanentError)
    kwargs = {"status": status, "code": code, "operation": operation, "request_id": request_id}
    if issubclass(cls, RetryableError):
        return cls(message, retry_after=retry_after, **kwargs)
    return cls(message, **kwargs)
