"""Scheduled actions: a model method run every interval (the runner comes with the server)."""
import logging
import re

import psycopg2.errors
from dateutil.relativedelta import relativedelta

from coquiapps import _, fields, models
from coquiapps.exceptions import UserError

_logger = logging.getLogger(__name__)
CODE_RE = re.compile(r"^\s*model\.([A-Za-z_][A-Za-z0-9_]*)\(\)\s*$")

INTERVALS = [("minutes", "Minutes"), ("hours", "Hours"), ("days", "Days"), ("weeks", "Weeks"), ("months", "Months")]


class IrCron(models.Model):
    _name = "ir.cron"
    _description = "Scheduled Actions"
    _order = "priority, name"

    name = fields.Char(required=True, translate=True)
    model_id = fields.Many2one("ir.model", "Model", required=True, ondelete="cascade")
    model_name = fields.Char(related="model_id.model", string="Model Name")
    code = fields.Text("Python Code", help="model.<method>() to call, e.g. model._cron_sync()")
    method_name = fields.Char(compute="_compute_method_name", store=False)
    user_id = fields.Many2one("res.users", "Scheduler User", default=lambda self: self.env.uid, required=True)
    active = fields.Boolean(default=True)
    interval_number = fields.Integer(default=1)
    interval_type = fields.Selection(INTERVALS, default="months")
    numbercall = fields.Integer(default=-1, help="Kept for Odoo compatibility; -1 = unlimited")
    nextcall = fields.Datetime("Next Execution Date", required=True, default=lambda self: fields.Datetime.now())
    lastcall = fields.Datetime("Last Execution Date")
    priority = fields.Integer(default=5)
    failure_count = fields.Integer(default=0)
    first_failure_date = fields.Datetime()
    last_error = fields.Text()

    def _compute_method_name(self):
        for cron in self:
            match = CODE_RE.match(cron.code or "")
            cron.method_name = match.group(1) if match else False

    def _callback(self):
        """Call the job's method as its user (code is ``model.<method>()``, never evaluated)."""
        self.ensure_one()
        if not self.method_name:
            raise UserError(_("Scheduled action %(name)s: code must be model.<method>(), got %(code)r",
                              name=self.name, code=self.code))
        model = self.env[self.model_id.model].with_user(self.user_id)
        return getattr(model, self.method_name)()

    def method_direct_trigger(self):
        """Run Manually: refused while the job runs elsewhere."""
        self.check_access_rights("write")
        for cron in self:
            try:
                with self.env.cr.savepoint():
                    self.env.cr.execute("SELECT id FROM ir_cron WHERE id = %s FOR NO KEY UPDATE NOWAIT", (cron.id,))
            except psycopg2.errors.LockNotAvailable:
                raise UserError(_("%s is running right now (in another process); try again when it has finished.")
                                % cron.name) from None
            cron.sudo()._callback()
            cron.sudo().write({"lastcall": fields.Datetime.now()})
        return True

    def _trigger(self, at=None):
        """Ask for a run as soon as possible (or at ``at``) and wake idle runners after commit.

        The request is a :class:`IrCronTrigger` row (inserting it never waits,
        even while the job runs elsewhere) and, for jobs not running right
        now, ``nextcall`` is brought forward.
        """
        at = at or fields.Datetime.now()
        self.env["ir.cron.trigger"].sudo().create([{"cron_id": cron.id, "call_at": at} for cron in self])
        self.env.cr.execute(
            """UPDATE ir_cron SET nextcall = %s WHERE id IN (
                   SELECT id FROM ir_cron WHERE id = ANY(%s) AND nextcall > %s FOR NO KEY UPDATE SKIP LOCKED)""",
            (at, list(self.ids), at))
        self.invalidate_recordset(["nextcall"])
        from coquiapps.service import cron as cron_service

        dbname = self.env.cr.dbname
        self.env.cr.after_commit(lambda: cron_service.notify(dbname))
        return True

    def interval(self) -> relativedelta:
        self.ensure_one()
        return relativedelta(**{self.interval_type: self.interval_number})

    def _run_vacuum_cleaner(self):
        """Delete old transient records (wizards) of every model.

        Expired web sessions are server-wide, not of this database: their
        store deletes them itself (:mod:`coquiapps.http.sessions`).
        """
        removed = 0
        for name in self.env.registry:
            model = self.env[name].sudo()
            if model._transient:
                removed += model._vacuum_transient()
        return removed


class IrCronTrigger(models.Model):
    """A run asked for by ``_trigger()``; runners delete it once the job ran after ``call_at``."""

    _name = "ir.cron.trigger"
    _description = "Triggered Scheduled Action"
    _order = "call_at"
    _log_access = False

    cron_id = fields.Many2one("ir.cron", required=True, ondelete="cascade", index=True)
    call_at = fields.Datetime(required=True, index=True, microseconds=True)
