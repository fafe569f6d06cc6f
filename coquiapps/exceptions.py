"""Odoo-compatible import path for the user-facing errors."""
from coquiapps.orm.exceptions import (  # noqa: F401
    AccessDenied,
    AccessError,
    MissingError,
    RedirectWarning,
    UserError,
    ValidationError,
)
