"""Which databases a request may use: ``db_filter`` (a regex with %h/%d) and the list."""
from __future__ import annotations

import re

from coquiapps.tools import config


def db_filter_regex(host: str | None) -> re.Pattern:
    """The ``db_filter`` of the config, with ``%h`` (host) and ``%d`` (its first label) replaced."""
    pattern = config.current().get("db_filter") or ".*"
    hostname = (host or "").partition(":")[0]
    first = hostname.split(".")[0] if hostname else ""
    if first == "www" and "." in hostname:
        first = hostname.split(".")[1]
    pattern = pattern.replace("%h", re.escape(hostname)).replace("%d", re.escape(first))
    return re.compile(pattern)


def matches(name: str, host: str | None) -> bool:
    return bool(name) and bool(db_filter_regex(host).fullmatch(name))


def allowed_dbs(host: str | None) -> list[str]:
    """The CoquiAPPs databases this host may use."""
    from coquiapps.service import db

    regex = db_filter_regex(host)
    return [name for name in db.list_dbs() if regex.fullmatch(name)]
