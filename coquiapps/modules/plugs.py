"""What the layers below need of this one, plugged in once (dependency inversion).

The ORM loads a database's registry and the translations read installed
addons' catalogues; both need to find addons, which is this layer's job, and
may not import it. :func:`plug` hands them this layer's functions; importing
:mod:`coquiapps.modules` (``import coquiapps`` does) calls it.
"""
from __future__ import annotations

import logging

from coquiapps.modules import discovery, loading
from coquiapps.orm.registry import LoadHooks, Registry
from coquiapps.tools import config, translate

_logger = logging.getLogger(__name__)


def discover_addons() -> None:
    """Make every addon of this process importable as ``coquiapps.addons.<name>``."""
    discovery.discover(config.current().addons_paths)


def warn_outdated(cr, dbname: str) -> None:
    """Say which modules need an upgrade: their code expects tables and columns the database lacks yet."""
    outdated = loading.outdated_modules(cr)
    if outdated:
        names = " ".join(sorted(outdated))
        _logger.warning("database %s: modules older than their code (%s); pages may fail until you run "
                        "`coquiapps module upgrade -d %s %s`", dbname,
                        ", ".join(f"{n} {old} -> {new}" for n, (old, new) in sorted(outdated.items())), dbname, names)


def plug() -> None:
    Registry.hooks = LoadHooks(discover=discover_addons, check_outdated=warn_outdated)
    translate.set_addon_locator(discovery.location)
