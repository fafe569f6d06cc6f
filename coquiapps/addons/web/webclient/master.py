"""The master password guarding the database manager.

The web database manager and the ``db`` RPC service share one check
(:mod:`coquiapps.service.security`): the config's ``admin_passwd``, stored
hashed. Without one the manager is closed: ``coquiapps server`` makes one at
its first start, or ``coquiapps db set-master-password`` sets it.
"""
from __future__ import annotations

from coquiapps.service import security


def is_set() -> bool:
    return security.master_password_set()


def check(password: str) -> None:
    """Accept the master password (throttled per address); AccessDenied otherwise or when none is set."""
    security.check_master_password(password)


def change(old: str, new: str) -> None:
    security.change_master_password(old, new)
