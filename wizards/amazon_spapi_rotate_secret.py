"""Rotate Client Secret: the new secret replaces the old one only once Amazon accepts it.

The new secret is an encrypted column, blanked once it is saved on the application.
"""
from coquiapps import _, fields, models
from coquiapps.exceptions import UserError

from ..models import endpoints
from ..models.amazon_errors import amazon_errors
from ..spapi import SCOPE_SECRET_ROTATION, LWACredentials


class AmazonSpapiRotateSecret(models.TransientModel):
    _name = "amazon.spapi.rotate.secret"
    _description = "Rotate an LWA client secret"

    app_id = fields.Many2one("amazon.spapi.app", required=True)
    # not required in the model: it is blanked once saved (the form marks it required)
    new_secret = fields.Char("New Client Secret", password=True, encrypted=True, copy=False)
    # a secret rotated for this step is issued today; shown, so a secret rotated earlier can say when
    secret_issued_on = fields.Date(default=fields.Date.today,
                                   help="The day the Developer Console issued the new secret: today if you "
                                        "rotated it just now. It expires 180 days later.")

    def action_rotate(self):
        self.ensure_one()
        self.env["res.users"]._check_system(_("Only administrators can rotate client secrets."))
        app = self.app_id
        secret = (self.new_secret or "").strip()
        if not secret:
            raise UserError(_("Please fill in: %s.", _("client secret")))
        with amazon_errors(lambda exc: _("Amazon did not accept the new secret (%s); the current one is kept.",
                                         exc)):
            endpoints.lwa_client(self.env, LWACredentials(app.client_id, secret)).grantless(SCOPE_SECRET_ROTATION)
        app.sudo().write({"client_secret": secret, "secret_issued_on": self.secret_issued_on or False})
        self.write({"new_secret": False})  # kept (encrypted) on the application only
        paused = app.account_ids.filtered(lambda a: a.sp_state == "error" and a.sp_has_refresh_token)
        paused.sudo().write({"sp_state": "connected", "sp_state_reason": False, "sp_last_error": False})
        return app.account_ids._notify_client(
            _("The new client secret of %(app)s works and is saved; %(count)s account(s) resumed.",
              app=app.name, count=len(paused)))
