"""The master password guarding the database manager (``admin_passwd``, stored hashed)."""
from __future__ import annotations

import hmac

from coquiapps.exceptions import AccessError
from coquiapps.tools import config


def is_set() -> bool:
    return bool(config.current().get("admin_passwd"))


def check(password: str) -> None:
    """Accept the master password, or make it the master password when none is set yet."""
    from coquiapps.addons.base.models.res_users import hash_password, verify_password

    cfg = config.current()
    stored = cfg.get("admin_passwd") or ""
    if not password:
        raise AccessError("The master password is required.")
    if not stored:
        cfg.save(admin_passwd=hash_password(password))
        return
    if stored.startswith("scrypt$"):
        if verify_password(password, stored):
            return
    elif hmac.compare_digest(stored.encode(), password.encode()):
        cfg.save(admin_passwd=hash_password(password))  # a plain one from the config file: hash it
        return
    raise AccessError("Wrong master password.")


def change(old: str, new: str) -> None:
    from coquiapps.addons.base.models.res_users import hash_password

    check(old)
    if not new:
        raise AccessError("The new master password cannot be empty.")
    config.current().save(admin_passwd=hash_password(new))
