"""Credential health: warnings before each Amazon deadline, and for accounts gone quiet."""
import datetime as dt

from coquiapps import _, api, fields, models

THRESHOLDS = (30, 7, 1)          # days before a deadline when admins are told
AUTHORIZATION_LIFETIME = 365     # public apps must be re-authorized yearly
QUIET_AFTER = dt.timedelta(hours=24)


def crossed_threshold(days_left: int) -> int | None:
    """The smallest threshold reached (0 once the deadline passed), or None if none yet."""
    if days_left < 0:
        return 0
    reached = [t for t in THRESHOLDS if days_left <= t]
    return min(reached) if reached else None


class AmazonSpapiApp(models.Model):
    _inherit = "amazon.spapi.app"

    secret_notified_threshold = fields.Integer(copy=False, help="Last warning sent (days before expiry)")

    def write(self, vals):
        if "secret_issued_on" in vals:
            vals = {**vals, "secret_notified_threshold": False}
        return super().write(vals)


class AmazonAccount(models.Model):
    _inherit = "amazon.account"

    sp_reauth_due_on = fields.Date("Re-authorize Before", compute="_compute_sp_reauth_due_on")
    sp_auth_notified_threshold = fields.Integer(copy=False)
    sp_quiet_notified_on = fields.Datetime(copy=False)

    def _compute_sp_reauth_due_on(self):
        for account in self:
            owner = account._sp_owner()
            public = owner.spapi_app_id.kind == "public"
            authorized = owner.sp_authorized_on
            account.sp_reauth_due_on = (authorized + dt.timedelta(days=AUTHORIZATION_LIFETIME)).date() \
                if public and authorized else False

    @api.model
    def _cron_credential_health(self):
        """Daily: secret age, authorization age, silence. Returns the notices sent."""
        today = fields.Date.today()
        sent = []
        for app in self.env["amazon.spapi.app"].search([]):
            if not app.secret_expires_on:
                # an unknown issue date cannot be watched: ask for it, once (marker -2)
                if app.has_client_secret and app.secret_notified_threshold != -2:
                    self._notify_admins(
                        _("Amazon: when was the client secret of %s issued?", app.name),
                        _("%s has no Secret Issued On date, so its 180-day expiry cannot be watched: enter "
                          "the date shown in the Developer Console (LWA credentials).", app.name),
                        record=app, level="warning")
                    app.sudo().write({"secret_notified_threshold": -2})
                    sent.append(("secret", app.name, None))
                continue
            days = (app.secret_expires_on - today).days

            def secret_message(threshold, app=app, days=days):
                if threshold == 0:
                    return _("The LWA client secret of %(app)s expired on %(date)s: every token call fails "
                             "until it is rotated (Rotate Client Secret).", app=app.name, date=app.secret_expires_on)
                return _("The LWA client secret of %(app)s expires on %(date)s (in %(days)s days). "
                         "Rotate it in the Developer Console, then use Rotate Client Secret.",
                         app=app.name, date=app.secret_expires_on, days=days)

            sent += self._sp_notify_deadline(app, "secret_notified_threshold", days, "secret",
                                             _("Amazon: client secret of %s expiring", app.name), secret_message)
        accounts = self.search([("sp_parent_id", "=", False), ("sp_neutralized", "=", False)])
        for account in accounts:
            due = account.sp_reauth_due_on
            if due:
                message = _("The Amazon authorization of %(account)s must be renewed before %(date)s "
                            "(public applications are re-authorized every 365 days): use Link with Amazon.",
                            account=account.name, date=due)
                sent += self._sp_notify_deadline(account, "sp_auth_notified_threshold", (due - today).days,
                                                 "authorization",
                                                 _("Amazon: %s needs re-authorization soon", account.name),
                                                 lambda _threshold, message=message: message)
            if account._sp_is_quiet():
                self._notify_admins(
                    _("Amazon: no successful call for %s", account.name),
                    _("Amazon has not answered successfully for %(account)s since %(since)s. Last error: "
                      "%(error)s", account=account.name, since=account.sp_last_success or _("ever"),
                      error=account.sp_last_error or _("none recorded")),
                    record=account, level="warning")
                account.sudo().write({"sp_quiet_notified_on": fields.Datetime.now()})
                sent.append(("quiet", account.name, None))
        return sent

    @api.model
    def _sp_notify_deadline(self, record, marker, days_left, kind, title, message_for) -> list:
        """Tell the admins about ``record``'s deadline ``days_left`` days away, once per threshold
        crossed; ``marker`` is the field remembering the last one told (0: nothing sent yet, -1: the
        "passed" notice). Returns ``[(kind, name, threshold)]`` when a notice went out, else ``[]``."""
        threshold = crossed_threshold(days_left)
        if threshold is None or (threshold or -1) == record[marker]:
            return []
        self._notify_admins(title, message_for(threshold), record=record,
                            level="danger" if threshold <= 7 else "warning")
        record.sudo().write({marker: threshold or -1})
        return [(kind, record.name, threshold)]

    def _sp_is_quiet(self) -> bool:
        """Connected, expected to sync, and silent for 24 h (told at most once a day)."""
        if self.sp_state != "connected" or self.sp_no_fetch:
            return False
        now = fields.Datetime.now()
        last = self.sp_last_success or self.sp_authorized_on
        if not last or now - last < QUIET_AFTER:
            return False
        return not self.sp_quiet_notified_on or now - self.sp_quiet_notified_on >= QUIET_AFTER
