"""Login with Amazon (LWA): every grant through one ``fetch_token`` call.

:class:`LWAClient` speaks to the token endpoint (AMAZON.md section 2);
:class:`CachedTokenProvider` keeps one access token in memory and refreshes it
a margin before expiry — the in-process counterpart of the database cache the
ORM side keeps across workers.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from .endpoints import LWA_TOKEN_URL
from .errors import LWAPermanentError, LWATemporaryError, lwa_error
from .transport import Request, RequestsTransport, Response, Transport, user_agent

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded;charset=UTF-8"
SCOPE_NOTIFICATIONS = "sellingpartnerapi::notifications"
SCOPE_SECRET_ROTATION = "sellingpartnerapi::client_credential:rotation"
#: Amazon's SDK treats an access token as expired this early.
EXPIRY_MARGIN = timedelta(seconds=60)


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class AccessToken:
    """An LWA access token, when it lapses, and the refresh token of a code exchange."""

    value: str = field(repr=False)
    expires_at: datetime
    refresh_token: str | None = field(default=None, repr=False)

    def is_fresh(self, now: datetime, margin: timedelta = EXPIRY_MARGIN) -> bool:
        """True while the token can still be used for a call started ``now``."""
        return now + margin < self.expires_at


@dataclass(frozen=True)
class LWACredentials:
    """An LWA application's client id and secret."""

    client_id: str
    client_secret: str = field(repr=False)


def build_token_request(
    token_url: str, credentials: LWACredentials, grant_type: str, fields: dict[str, str]
) -> Request:
    """The form POST for any grant (pure)."""
    form = {"grant_type": grant_type, **fields,
            "client_id": credentials.client_id, "client_secret": credentials.client_secret}
    return Request(
        "POST",
        token_url,
        operation=f"lwa:{grant_type}",
        headers={"content-type": FORM_CONTENT_TYPE, "accept": "application/json",
                 "user-agent": user_agent()},
        form=form,
    )


def parse_token_response(response: Response, now: datetime) -> AccessToken:
    """The token from LWA's answer, or the matching :class:`LWAError` (pure)."""
    body = response.json()
    if not isinstance(body, dict):
        body = {}
    if not response.ok:
        raise lwa_error(response.status, body.get("error"), body.get("error_description"))
    value = body.get("access_token")
    if not isinstance(value, str) or not value:
        cls = LWATemporaryError if not response.body else LWAPermanentError
        raise cls("invalid_response", "LWA answered without an access token",
                  status=response.status)
    try:
        lifetime = int(body.get("expires_in", 3600))
    except (TypeError, ValueError):
        lifetime = 3600
    return AccessToken(value, now + timedelta(seconds=lifetime), body.get("refresh_token"))


class LWAClient:
    """Token calls of one LWA application (thread-safe: no state between calls)."""

    def __init__(
        self,
        credentials: LWACredentials,
        *,
        token_url: str = LWA_TOKEN_URL,
        transport: Transport | None = None,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        self.credentials = credentials
        self.token_url = token_url
        self._transport = transport or RequestsTransport()
        self._now = now

    def fetch_token(self, grant_type: str, **fields: str) -> AccessToken:
        """One token call; raises :class:`LWAError` subclasses or ``TransportError``."""
        request = build_token_request(self.token_url, self.credentials, grant_type, fields)
        return parse_token_response(self._transport(request), self._now())

    def exchange_code(self, code: str, redirect_uri: str) -> AccessToken:
        """Trade a consent's ``spapi_oauth_code`` (5 minutes, single use) for tokens."""
        return self.fetch_token("authorization_code", code=code, redirect_uri=redirect_uri)

    def refresh(self, refresh_token: str) -> AccessToken:
        """A new access token for a seller's refresh token."""
        return self.fetch_token("refresh_token", refresh_token=refresh_token)

    def grantless(self, scope: str) -> AccessToken:
        """An application token for a grantless operation (no seller involved)."""
        return self.fetch_token("client_credentials", scope=scope)


class CachedTokenProvider:
    """An access-token provider for :class:`SPAPIClient` keeping one token in memory.

    ``fetch`` gets a new :class:`AccessToken` (e.g. ``lambda: lwa.refresh(rt)``).
    Concurrent callers share one refresh; ``force_refresh`` replaces the token
    unless another thread already did so while this one waited.
    """

    def __init__(
        self,
        fetch: Callable[[], AccessToken],
        *,
        margin: timedelta = EXPIRY_MARGIN,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        self._fetch = fetch
        self._margin = margin
        self._now = now
        self._lock = threading.Lock()
        self._token: AccessToken | None = None

    @classmethod
    def for_refresh_token(cls, lwa: LWAClient, refresh_token: str, **kwargs) -> CachedTokenProvider:
        return cls(lambda: lwa.refresh(refresh_token), **kwargs)

    @classmethod
    def grantless(cls, lwa: LWAClient, scope: str, **kwargs) -> CachedTokenProvider:
        return cls(lambda: lwa.grantless(scope), **kwargs)

    def __call__(self, force_refresh: bool = False) -> str:
        seen = self._token
        with self._lock:
            token = self._token
            stale = token is None or not token.is_fresh(self._now(), self._margin)
            # A forced refresh is skipped when another thread replaced the
            # token while we waited for the lock: that one is already new.
            if stale or (force_refresh and token is seen):
                token = self._token = self._fetch()
            return token.value
