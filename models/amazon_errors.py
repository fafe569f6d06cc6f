"""Amazon's failures as a user reads them: the one place LWA and SP-API errors become UserErrors."""
from contextlib import contextmanager

from coquiapps.exceptions import UserError

from ..spapi import LWAError, SPAPIError


@contextmanager
def amazon_errors(message, *, refused=None, error=UserError, on_error=None):
    """An LWA or SP-API error raised inside becomes ``error(message(exc))``, chained to it.

    ``message`` and ``refused`` take the error and return the translated text;
    ``refused`` (optional) is said instead when LWA itself refused (``LWAError``),
    as opposed to Amazon being unreachable. ``on_error(exc)`` runs first, e.g. to
    record the error on the account. Any other exception passes through unchanged.
    """
    try:
        yield
    except SPAPIError as exc:
        if on_error is not None:
            on_error(exc)
        text = refused if refused is not None and isinstance(exc, LWAError) else message
        raise error(text(exc)) from exc
