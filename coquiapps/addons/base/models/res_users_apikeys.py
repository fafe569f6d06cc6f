"""API keys (Odoo's ``res.users.apikeys``): what a script sends instead of its user's password.

A key is 40 hex characters shown once, when made; only its first 8
characters (to find it) and a salted scrypt hash (to check it) are stored.
A key acts for the user who made it, over RPC only (XML-RPC and JSON-RPC
``authenticate`` / ``execute_kw``), never at the web login form, as in Odoo.
Checking a key is the service layer's (:mod:`coquiapps.service.apikeys`).
"""
from __future__ import annotations

import secrets

from coquiapps import _, api, fields, models
from coquiapps.exceptions import AccessError, UserError
from coquiapps.service.apikeys import INDEX_SIZE, KEY_BYTES
from coquiapps.tools.passwords import hash_password


class ResUsersApikeys(models.Model):
    _name = "res.users.apikeys"
    _description = "Users API Keys"
    _order = "create_date desc, id desc"

    name = fields.Char("Description", required=True, readonly=True)
    user_id = fields.Many2one("res.users", "User", required=True, readonly=True, ondelete="cascade", index=True)
    scope = fields.Char("Scope", readonly=True)
    index = fields.Char("Key Prefix", size=INDEX_SIZE, readonly=True, index=True)
    key = fields.Char("Key Hash", password=True, readonly=True, groups="base.group_system")

    @api.model_create_multi
    def create(self, vals_list):
        raise UserError(_("API keys are made with the user's Preferences (New API Key), "
                          "which shows the key once."))

    def write(self, vals):
        raise UserError(_("An API key cannot be changed: revoke it and make a new one."))

    @api.model
    def _generate(self, scope: str | None, name: str) -> str:
        """Make a key of the current user named ``name``; returns the key (the only time it is known)."""
        name = (name or "").strip()
        if not name:
            raise UserError(_("Give the API key a name: it says which script uses it."))
        if not self.env.uid or not self.env.user.active:
            raise AccessError(_("Only an active user can make an API key."))
        key = secrets.token_hex(KEY_BYTES)
        self.env.cr.execute(
            """INSERT INTO res_users_apikeys (name, user_id, scope, index, key, create_uid, create_date,
                                              write_uid, write_date)
               VALUES (%s, %s, %s, %s, %s, %s, now() at time zone 'UTC', %s, now() at time zone 'UTC')""",
            (name, self.env.uid, scope, key[:INDEX_SIZE], hash_password(key), self.env.uid, self.env.uid))
        return key

    def _remove(self) -> None:
        """Revoke these keys: the user's own, or anyone's for a system administrator."""
        for key in self.sudo():
            if key.user_id.id != self.env.uid:
                self.env["res.users"]._check_system(_("You can only revoke your own API keys."))
        # the ORM unlink would need unlink rights every user has not: the check above is the rule
        super(ResUsersApikeys, self.sudo()).unlink()

    def remove(self):
        """Revoke the keys (Odoo's button name)."""
        self._remove()
        return True

    def unlink(self):
        self._remove()
        return True
