"""What LWA remembers: consent codes, refresh tokens and access tokens.

Lifetimes follow AMAZON.md: a code lives 5 minutes and is single use; an
access token lives 3600 s; a public app's refresh token needs a new consent
after 365 days; a private app's self-authorized token does not expire.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from .model import DAY

CODE_LIFETIME = 300.0
ACCESS_TOKEN_LIFETIME = 3600
PUBLIC_REAUTH = 365 * DAY


@dataclass
class Code:
    client_id: str
    selling_partner_id: str
    redirect_uri: str
    expires_at: float
    used: bool = False


@dataclass
class RefreshGrant:
    token: str
    client_id: str
    selling_partner_id: str
    issued_at: float
    expires_at: float | None
    revoked: bool = False


@dataclass
class AccessGrant:
    token: str
    client_id: str
    expires_at: float
    selling_partner_id: str | None = None  # None for grantless tokens
    refresh_token: str | None = None
    scope: str | None = None


def _token(prefix: str) -> str:
    # Real tokens are a few hundred bytes of opaque text after the prefix.
    return prefix + "IwEB" + secrets.token_urlsafe(96)


class Grants:
    def __init__(self):
        self.codes: dict[str, Code] = {}
        self.refresh: dict[str, RefreshGrant] = {}
        self.access: dict[str, AccessGrant] = {}

    def issue_code(self, client_id, selling_partner_id, redirect_uri, now) -> str:
        code = "ANaR" + secrets.token_urlsafe(15)
        self.codes[code] = Code(client_id, selling_partner_id, redirect_uri, now + CODE_LIFETIME)
        return code

    def issue_refresh(self, client_id, selling_partner_id, now, *, public: bool) -> RefreshGrant:
        grant = RefreshGrant(_token("Atzr|"), client_id, selling_partner_id, now,
                             now + PUBLIC_REAUTH if public else None)
        self.refresh[grant.token] = grant
        return grant

    def issue_access(self, client_id, now, *, refresh: RefreshGrant | None = None,
                     scope: str | None = None) -> AccessGrant:
        grant = AccessGrant(
            _token("Atza|"), client_id, now + ACCESS_TOKEN_LIFETIME,
            selling_partner_id=refresh.selling_partner_id if refresh else None,
            refresh_token=refresh.token if refresh else None, scope=scope,
        )
        self.access[grant.token] = grant
        return grant

    def revoke(self, *, refresh_token=None, client_id=None, selling_partner_id=None) -> int:
        """Revoke one refresh token, or every grant of a seller for an app; return the count."""
        count = 0
        for grant in self.refresh.values():
            if grant.revoked:
                continue
            if (refresh_token and grant.token == refresh_token) or (
                not refresh_token and grant.client_id == client_id
                and grant.selling_partner_id == selling_partner_id
            ):
                grant.revoked = True
                count += 1
        return count

    def access_revoked(self, grant: AccessGrant) -> bool:
        """An access token dies with the refresh token it came from."""
        if grant.refresh_token is None:
            return False
        refresh = self.refresh.get(grant.refresh_token)
        return refresh is None or refresh.revoked
