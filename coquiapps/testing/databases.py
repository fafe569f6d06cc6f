"""Test databases: created once per test run from the addons on disk, dropped at the end."""
from __future__ import annotations

import os
import threading

from coquiapps import sql_db
from coquiapps.orm import SUPERUSER_ID, Environment, Registry

_lock = threading.Lock()
_created: dict[tuple, str] = {}
_all: list[str] = []


def unique_name(label: str) -> str:
    return f"test_{label}_{os.getpid()}_{len(_all)}"


def template(modules: tuple[str, ...], demo: bool = False) -> str:
    """A database with these modules (and what auto-installs), shared by the whole run."""
    from coquiapps.service import db

    key = (tuple(sorted(modules)), demo)
    with _lock:
        if key not in _created:
            name = unique_name("_".join(m[:6] for m in key[0]) or "base")
            db.create_database(name, demo=demo, modules=list(modules))
            _created[key] = name
            _all.append(name)
        return _created[key]


def copy_of(source: str, label: str = "copy") -> str:
    """A private copy of ``source`` (for tests that commit)."""
    from coquiapps.service import db

    name = unique_name(label)
    _all.append(name)
    db.duplicate_database(source, name, neutralize=False)
    return name


def register(name: str) -> None:
    """Drop ``name`` at the end of the run (databases a test created itself)."""
    _all.append(name)


def drop_all() -> None:
    from coquiapps.service import db

    for name in reversed(_all):
        Registry.delete(name)
        try:
            if db.exists(name):
                db.drop_database(name)
        except sql_db.DatabaseError:
            pass
    _all.clear()
    _created.clear()


class RollbackEnv:
    """A superuser environment in a transaction that is rolled back when closed."""

    def __init__(self, dbname: str):
        self.cr = sql_db.cursor(dbname)
        self.env = Environment(self.cr, SUPERUSER_ID, {}, registry=Registry.get(dbname))

    def close(self) -> None:
        self.cr.rollback()
        self.cr.close()
