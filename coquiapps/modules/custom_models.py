"""Custom models and fields changed: the registry is rebuilt in the caller's transaction.

The definitions themselves are the ORM's (:mod:`coquiapps.orm.manual`);
tables and columns are created at once, and the new registry is used by
every request once the transaction commits.
"""
from __future__ import annotations

from coquiapps.modules.loading import _publish, reflect_models
from coquiapps.orm.environment import SUPERUSER_ID, Environment
from coquiapps.orm.manual import read_definitions
from coquiapps.orm.registry import Registry


def refresh(env, model_names) -> None:
    """Rebuild the registry with the custom definitions now in the database; create their tables
    and columns and reflect them (in ``env``'s transaction, published at commit)."""
    cr = env.cr
    registry = Registry(cr.dbname, list(env.registry.modules), manual=read_definitions(cr))
    names = [name for name in dict.fromkeys(model_names) if name in registry]
    registry.init_models(cr, names)
    reflect_models(Environment(cr, SUPERUSER_ID, {}, registry=registry))
    _publish(cr, registry)
