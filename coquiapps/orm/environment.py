"""Environments: a cursor, a user, a context and the superuser flag."""
from __future__ import annotations

from collections.abc import Mapping

from coquiapps.orm.exceptions import AccessError

SUPERUSER_ID = 1


class Environment(Mapping):
    """``env['model']`` gives an empty recordset of that model in this environment."""

    def __init__(self, cr, uid, context=None, su=False, registry=None):
        from coquiapps.orm.registry import Registry

        self.cr = cr
        self.uid = uid
        self.context = dict(context or {})
        self.su = su or uid == SUPERUSER_ID
        self.registry = registry or Registry.get(cr.dbname)
        if not hasattr(cr, "cache"):
            cr.cache = {}
            cr.computing = {}

    def __getitem__(self, model_name):
        return self.registry[model_name](self, (), ())

    def __iter__(self):
        return iter(self.registry)

    def __len__(self):
        return len(self.registry)

    def __contains__(self, model_name):
        return model_name in self.registry

    def __call__(self, cr=None, user=None, context=None, su=None):
        uid = self.uid if user is None else (user.id if hasattr(user, "_ids") else user)
        return Environment(
            cr or self.cr, uid,
            self.context if context is None else context,
            self.su if su is None and user is None else bool(su),
            self.registry,
        )

    def ref(self, xmlid: str, raise_if_not_found: bool = True):
        return self["ir.model.data"]._xmlid_to_record(xmlid, raise_if_not_found)

    @property
    def user(self):
        return self(su=True)["res.users"].browse(self.uid).with_env(self)

    @property
    def company(self):
        allowed = self._allowed_company_ids()
        if allowed:
            return self["res.company"].browse(allowed[0])
        return self.user.sudo().company_id.with_env(self)

    @property
    def companies(self):
        allowed = self._allowed_company_ids()
        if allowed:
            return self["res.company"].browse(allowed)
        return self.user.sudo().company_ids.with_env(self)

    def _allowed_company_ids(self) -> list[int]:
        """``allowed_company_ids`` of the context, checked against the user's companies.

        The context comes from the caller: a company the user does not belong
        to is refused (as in Odoo), never trusted; only the superuser may pick any.
        """
        allowed = self.context.get("allowed_company_ids")
        if not allowed:
            return []
        if not isinstance(allowed, list | tuple) or not all(
                isinstance(cid, int) and not isinstance(cid, bool) for cid in allowed):
            raise AccessError(f"Access to unauthorized or invalid companies: {allowed!r} "
                              f"is not a list of company ids.")
        if not self.su:
            mine = set(self.user.sudo().company_ids.ids)
            if set(allowed) - mine:
                raise AccessError("Access to unauthorized or invalid companies.")
        return list(allowed)

    @property
    def lang(self) -> str:
        return self.context.get("lang") or "en_US"

    def is_superuser(self) -> bool:
        return self.su

    def is_admin(self) -> bool:
        return self.su or self.user.has_group("base.group_system")

    def invalidate_all(self) -> None:
        self.cr.cache.clear()
