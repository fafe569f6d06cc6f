"""The ORM's errors: the user-facing ones (defined in :mod:`coquiapps.exceptions`) and its own."""
from coquiapps.exceptions import (  # noqa: F401  (the ORM's historical import path)
    AccessDenied,
    AccessError,
    MissingError,
    RedirectWarning,
    UserError,
    ValidationError,
)


class CacheMiss(KeyError):
    """Internal: a value is not in the environment cache."""


class RegistryError(TypeError):
    """Model definitions do not fit together; the message names the model and module."""
