"""Odoo-compatible import path for the user-facing errors."""
from coquiapps.orm.exceptions import (  # noqa: F401
    AccessError,
    MissingError,
    RedirectWarning,
    UserError,
    ValidationError,
)
