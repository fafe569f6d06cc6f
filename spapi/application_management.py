"""Application Management API: rotating the LWA client secret (grantless)."""
from __future__ import annotations

from .client import SPAPIClient
from .operations import ROTATE_CLIENT_SECRET


class ApplicationManagementAPI:
    """Needs a client whose token provider makes grantless tokens with scope
    ``sellingpartnerapi::client_credential:rotation`` (see ``lwa.SCOPE_SECRET_ROTATION``)."""

    def __init__(self, client: SPAPIClient) -> None:
        self.client = client

    def rotate_client_secret(self) -> None:
        """Ask Amazon for a new secret (204). The secret itself arrives later through
        the ``APPLICATION_OAUTH_CLIENT_NEW_SECRET`` notification, not in this answer."""
        self.client.call(ROTATE_CLIENT_SECRET)
