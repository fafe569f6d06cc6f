"""The connection state follows Amazon's last answer at once, and unified children follow their parent.

A refusal from Amazon (``invalid_grant``, ``invalid_client``) ends in an error shown to the
user, which rolls the caller's transaction back: the state it learned is therefore
committed in a transaction of its own, right away. Unified accounts (``sp_parent_id``) use
their parent's authorization, so they show the parent's state, reason and last error.
"""
import logging

import psycopg2.errors

from coquiapps import api, models
from coquiapps.orm import SUPERUSER_ID, Environment
from coquiapps.sql_db import cursor

_logger = logging.getLogger(__name__)

#: what a unified child shows of its parent
SHARED_FIELDS = ("sp_state", "sp_state_reason", "sp_last_error")


class AmazonSpapiCredentials(models.AbstractModel):
    _inherit = "amazon.spapi.credentials"

    @api.model_create_multi
    def create(self, vals_list):
        accounts = super().create(vals_list)
        accounts.filtered("sp_parent_id")._sp_follow_parent()
        return accounts

    def write(self, vals):
        result = super().write(vals)
        shared = {name: vals[name] for name in SHARED_FIELDS if name in vals}
        if shared:
            children = self.mapped("sp_child_ids") - self
            if children:
                children.sudo().write(shared)
        if vals.get("sp_parent_id"):
            self._sp_follow_parent()
        elif "sp_parent_id" in vals:
            # no longer unified: its own authorization, if any, decides
            self.filtered(lambda a: not a.sp_has_refresh_token).sudo().write(
                {"sp_state": "not_connected", "sp_state_reason": False, "sp_last_error": False})
        return result

    def _sp_follow_parent(self):
        for account in self:
            parent = account.sp_parent_id
            account.sudo().write({name: parent[name] for name in SHARED_FIELDS})

    def _sp_set_state(self, values: dict, notice: tuple | None = None) -> None:
        """Record what Amazon just answered on these accounts, committed now.

        ``notice`` = (title, message, level, record) tells the administrators in the same
        transaction. When the caller's transaction holds these rows (it wrote them), a
        second transaction would wait for it forever: then the values are written in the
        caller's transaction, and again in a new one if it is rolled back.
        """
        if not self:
            return
        if self._sp_commit_state(values, notice, wait=False):
            self.sudo().write(values)  # the caller sees it too (its cache, its later reads)
            return
        self.sudo().write(values)
        if notice:
            self._notify_admins(notice[0], notice[1], record=notice[3], level=notice[2])
        self.env.cr.after_rollback(lambda: self._sp_commit_state_after_rollback(values, notice))

    def _sp_commit_state_after_rollback(self, values: dict, notice) -> None:
        try:
            self._sp_commit_state(values, notice, wait=True)
        except Exception:  # pylint: disable=broad-exception-caught  # a rollback hook must not fail the rollback
            _logger.exception("Amazon accounts %s: could not record the connection state", self.ids)

    def _sp_commit_state(self, values: dict, notice, wait: bool) -> bool:
        """Write ``values`` (and ``notice``) in a transaction of its own; False if the rows are locked."""
        ids, registry = tuple(self.ids), self.env.registry
        with cursor(self.env.cr.dbname) as cr:
            try:
                cr.execute("SELECT id FROM amazon_account WHERE id IN %s FOR NO KEY UPDATE"
                           + ("" if wait else " NOWAIT"), (ids,))
            except psycopg2.errors.LockNotAvailable:
                cr.rollback()
                return False
            env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
            env["amazon.account"].browse(ids).write(values)
            if notice:
                title, message, level, record = notice
                env["amazon.account"]._notify_admins(title, message, record=env[record._name].browse(record.id),
                                                     level=level)
        _logger.info("Amazon accounts %s: connection state now %s", list(ids), values.get("sp_state", "unchanged"))
        return True
