"""Order synchronisation: a replaceable order source, imported page by page.

Extension points (kept stable for ``sale_amazon_spapi``):

- ``_get_order_source()`` returns an object with ``fetch_pages(account, since)``
  yielding lists of normalised orders (in ascending ``last_update`` order) and
  a ``name``; it may set ``sync_until`` (a UTC datetime) to the moment up to
  which it fetched, which becomes the account's ``last_orders_sync``; a source
  whose pages are not in ``last_update`` order sets ``advance_per_page = False``
  and the cursor moves only to ``sync_until`` once every page is imported
  (or, while it goes, to ``covered_until`` when it sets it: everything updated
  before that moment is in the pages already given);
- ``_amazon_syncable()`` filters the accounts the scheduled sync runs;
- ``_sync_orders()`` syncs the accounts, records each run on ``amazon.sync.log``;
- ``action_sync_orders()`` is the button; ``_cron_sync_orders()`` the scheduled action.

Each page is imported in a savepoint, then ``last_orders_sync`` advances and
the transaction is committed (unless the context says ``amazon_sync_commit=False``,
as tests do).
"""
import datetime as dt
import logging

from coquiapps import _, api, fields, models
from coquiapps.exceptions import UserError

from .mws_source import MwsOrderSource

_logger = logging.getLogger(__name__)


class AmazonAccountSync(models.Model):
    """Synchronisation methods of the Amazon account."""

    _inherit = "amazon.account"

    def _get_order_source(self):
        """The object that fetches this account's orders; MWS here (retired, so it fails)."""
        self.ensure_one()
        return MwsOrderSource()

    def _amazon_sync_commit(self) -> bool:
        """Whether the sync commits after each page (not in tests: context amazon_sync_commit=False)."""
        return bool(self.env.context.get("amazon_sync_commit", True))

    def _amazon_commit(self) -> None:
        if self._amazon_sync_commit():
            self.env.cr.commit()

    def _sync_orders(self):
        """Fetch and import the orders of these accounts; returns their ``amazon.sync.log`` records.

        A failing account does not raise: its run is marked failed with the
        error, and the responsible user is notified.
        """
        logs = self.env["amazon.sync.log"]
        for account in self:
            logs |= account.with_company(account.company_id)._sync_orders_one()
        return logs

    def _sync_orders_one(self):
        self.ensure_one()
        Log = self.env["amazon.sync.log"].sudo()
        log = Log.create({"account_id": self.id})
        self._amazon_commit()
        try:
            source = self._get_order_source()
            log.write({"source": getattr(source, "name", None) or type(source).__name__})
            since = self.last_orders_sync
            since = since.replace(tzinfo=dt.UTC) if since else None
            pages = iter(source.fetch_pages(self, since))
            while True:
                with self.env.cr.savepoint():
                    page = next(pages, None)
                    if page is None:
                        break
                    counts = self._import_orders_page(page)
                    if getattr(source, "advance_per_page", True):
                        self._amazon_advance_sync(counts["last_update"])
                    # a source reading its window in parts says up to when all is read
                    self._amazon_advance_sync(getattr(source, "covered_until", None))
                log.write({"orders_created": log.orders_created + counts["created"],
                           "orders_updated": log.orders_updated + counts["updated"],
                           "orders_skipped": log.orders_skipped + counts["skipped"]})
                self._amazon_commit()
            self._amazon_advance_sync(getattr(source, "sync_until", None))
            log.write({"state": "done", "date_end": fields.Datetime.now()})
        except Exception as exc:  # recorded on the log, told to the responsible user
            if not isinstance(exc, UserError):
                _logger.exception("Amazon account %s: order sync failed", self.name)
            self._amazon_record_failure(log, exc)
        self._amazon_commit()
        return log

    def _amazon_advance_sync(self, moment) -> None:
        """Move ``last_orders_sync`` forward to ``moment`` (never back)."""
        if not moment:
            return
        moment = fields.Datetime.to_datetime(moment)
        if not self.last_orders_sync or moment > self.last_orders_sync:
            self.sudo().write({"last_orders_sync": moment})

    def _amazon_record_failure(self, log, exc) -> None:
        message = exc.message if isinstance(exc, UserError) else f"{type(exc).__name__}: {exc}"
        previous = self.env["amazon.sync.log"].sudo().search(
            [("account_id", "=", self.id), ("id", "!=", log.id), ("state", "!=", "running")], limit=1)
        log.write({"state": "failed", "error": message, "date_end": fields.Datetime.now()})
        if not (previous.state == "failed" and previous.error == message):
            self._notify_sync_failure(message)

    def _notify_sync_failure(self, message: str) -> None:
        """Tell the responsible user (else the salesperson, else the administrators) that the sync failed.

        Uses the ``res.notice`` notices of base (one notice, emailed when a mail
        server is configured); logs a warning where that model does not exist.
        """
        title = _("Amazon: order sync failed for %s") % self.name
        user = (self.notify_user_id or self.user_id).filtered("active")
        if "res.notice" not in self.env:
            _logger.warning("%s: %s (to notify: %s)", title, message, user.login or "administrators")
            return
        Notice = self.env["res.notice"].sudo()
        if not user:
            Notice.notify_admins(title, message, record=self, level="warning")
            return
        notice = Notice.create({"user_id": user.id, "title": title, "message": message, "level": "warning",
                                "res_model": self._name, "res_id": self.id})
        notice._send_emails()

    # -- entry points ----------------------------------------------------------------
    def action_sync_orders(self):
        """Button "Sync Orders": sync now; a failure is shown (and kept on the sync log)."""
        self.check_access("write")
        logs = self._sync_orders()
        failed = logs.filtered(lambda log: log.state == "failed")
        if failed:
            self._amazon_commit()
            raise UserError("\n\n".join(f"{log.account_id.name}: {log.error}" for log in failed))
        return True

    def _amazon_syncable(self):
        """The accounts of this set the scheduled sync should run (extension point)."""
        return self

    @api.model
    def _cron_sync_orders(self):
        """Scheduled action: every active account, each in its own transaction (savepoint in tests)."""
        accounts = self.search([])._amazon_syncable()
        commit = self._amazon_sync_commit()
        for account in accounts:
            try:
                if commit:
                    account._sync_orders()
                    self.env.cr.commit()
                else:
                    with self.env.cr.savepoint():
                        account._sync_orders()
            except Exception as exc:  # one account must not stop the others
                _logger.exception("Amazon account %s: order sync crashed", account.name)
                if commit:
                    self.env.cr.rollback()
                log = self.env["amazon.sync.log"].sudo().create({"account_id": account.id})
                account._amazon_record_failure(log, exc)
                if commit:
                    self.env.cr.commit()
        return True
