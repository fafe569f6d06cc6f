"""Errors users see: each says what was refused and why.

The bottom layer: every other layer (and every addon) raises these; this
module imports nothing of CoquiAPPs. ``coquiapps.exceptions`` is also Odoo's
import path for them.
"""


class UserError(Exception):
    """A business rule refused the action; the message is for the user."""

    def __init__(self, message: str):
        super().__init__(message)

    @property
    def message(self) -> str:
        return self.args[0]


class ValidationError(UserError):
    """A constraint (Python or SQL) rejected the values."""


class AccessError(UserError):
    """The user lacks the right for this operation."""


class AccessDenied(AccessError):
    """Wrong login, password or master password (the message never says which part).

    Clients see it as Odoo's ``odoo.exceptions.AccessDenied`` with the message "Access Denied".
    """

    def __init__(self, message: str = "Access Denied"):
        super().__init__(message)


class MissingError(UserError):
    """A record does not exist (any more)."""


class RedirectWarning(UserError):
    """A user error offering an action to fix it."""

    def __init__(self, message: str, action: dict | None = None, button_text: str = ""):
        super().__init__(message)
        self.action = action
        self.button_text = button_text
