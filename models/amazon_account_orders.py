"""The account's orders now come from SP-API; what may sync and what may not."""
import logging

from coquiapps import _, api, fields, models
from coquiapps.exceptions import UserError

from .spapi_order_source import SpapiOrderSource

_logger = logging.getLogger(__name__)

SYNC_LOCK_NAMESPACE = 0x5353   # "SS": session advisory locks of running order syncs, per account


class AmazonAccount(models.Model):
    _inherit = "amazon.account"

    def _get_order_source(self):
        """SP-API for every account linked (or being linked) through it; MWS stays retired."""
        self.ensure_one()
        owner = self._sp_owner()
        if owner.spapi_app_id or owner.sp_state != "not_connected" or owner.sp_has_refresh_token:
            return SpapiOrderSource()
        return super()._get_order_source()

    def _sp_may_sync(self) -> bool:
        """Only connected accounts sync: not paused ("Don't fetch orders"), not on a staging copy."""
        self.ensure_one()
        owner = self._sp_owner()
        return (owner.sp_state == "connected" and not self.sp_no_fetch
                and not self.sp_neutralized and not owner.sp_neutralized)

    def action_sync_orders(self):
        """Sync Orders honours Don't Fetch Orders: a paused account imports nothing, and says so."""
        paused = self.filtered("sp_no_fetch")
        if not paused:
            return super().action_sync_orders()
        paused.check_access("write")
        if self - paused:
            super(AmazonAccount, self - paused).action_sync_orders()
        return self._notify_client(
            _("%s: Don't Fetch Orders is ticked, so no orders were fetched or imported. Untick it and save "
              "to sync this account again.", ", ".join(paused.mapped("name"))), level="warning")

    def _amazon_syncable(self):
        return super()._amazon_syncable().filtered(lambda account: account._sp_may_sync())

    def _sync_orders_one(self):
        """One sync of an account at a time across workers, cron runners and the button.

        A session-level advisory lock (held across the per-page commits, freed
        by PostgreSQL if the process dies): a second sync of the same account
        is skipped by the scheduled action and refused to the button.
        """
        self.ensure_one()
        cr = self.env.cr
        cr.execute("SELECT pg_try_advisory_lock(%s, %s)", (SYNC_LOCK_NAMESPACE, self.id))
        if not cr.fetchone()[0]:
            message = _("A sync of %s is already running.", self.name)
            if self.env.context.get("amazon_sync_from_cron"):
                _logger.info("%s Skipped.", message)
                return self.env["amazon.sync.log"]
            raise UserError(message)
        try:
            self._sp_close_interrupted_logs()
            return super()._sync_orders_one()
        finally:
            cr.execute("SELECT pg_advisory_unlock(%s, %s)", (SYNC_LOCK_NAMESPACE, self.id))

    def _sp_close_interrupted_logs(self) -> None:
        """Runs still "running" while we hold the account's sync lock died with their process."""
        interrupted = self.env["amazon.sync.log"].sudo().search(
            [("account_id", "=", self.id), ("state", "=", "running")])
        if interrupted:
            interrupted.write({"state": "failed", "date_end": fields.Datetime.now(),
                               "error": _("Interrupted: the process running this sync stopped before it ended "
                                          "(the orders of the pages it finished are kept).")})

    @api.model
    def _cron_sync_orders(self):
        return super(AmazonAccount, self.with_context(amazon_sync_from_cron=True))._cron_sync_orders()
