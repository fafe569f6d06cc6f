"""The master password guarding the database manager.

The web database manager and the ``db`` RPC service share one check
(:mod:`coquiapps.service.security`): the config's ``admin_passwd``, stored
hashed, set by the first password given on a fresh install.
"""
from __future__ import annotations

from coquiapps.service import security


def is_set() -> bool:
    return security.master_password_set()


def check(password: str) -> None:
    """Accept the master password, or make it the master password when none is set yet."""
    security.check_master_password(password)


def change(old: str, new: str) -> None:
    security.change_master_password(old, new)
