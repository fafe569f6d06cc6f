"""Redirect targets taken from users: same-origin paths only, never a header injection.

Browsers drop tabs and newlines inside URLs and read ``\\`` as ``/``, so
``/\\t/evil.example`` or ``/\\evil.example`` would leave the site: such
values are refused rather than "cleaned" into something that might still
escape.
"""
from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from werkzeug.exceptions import BadRequest

# C0 and C1 control characters, DEL, and the invisible Unicode format characters
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def has_control(value: str) -> bool:
    """Whether ``value`` holds a control or invisible format character (CR, LF, tab, NUL, U+200B ...)."""
    return bool(CONTROL_RE.search(value)) or any(unicodedata.category(ch) == "Cf" for ch in value)


def check_location(location: str, what: str = "redirect") -> str:
    """``location`` itself, or a 400 when it holds a control character (a header injection)."""
    if has_control(location):
        raise BadRequest(f"The {what} address contains control characters (such as a line break "
                         f"or a tab): it is refused.")
    return location


def local_path(url: str | None, default: str = "/web", what: str = "redirect") -> str:
    """A path of this site to send the browser to: ``url`` when it is one, else ``default``.

    Leading and trailing spaces are ignored; control characters give a 400
    (:class:`~werkzeug.exceptions.BadRequest`); anything naming a scheme or a
    host (``//host``, ``/\\host``, ``https:``, ``javascript:``) gives ``default``.
    """
    if not url:
        return default
    url = check_location(url.strip(" "), what)
    if not url.startswith("/") or url.startswith("//") or "\\" in url:
        return default
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return default
    return url
