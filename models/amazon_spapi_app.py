"""LWA applications: the credentials the ERP uses to talk to Amazon on a seller's behalf."""
import datetime as dt

from coquiapps import _, api, fields, models
from coquiapps.exceptions import UserError

from ..spapi import SCOPE_SECRET_ROTATION, LWACredentials
from . import endpoints
from .amazon_errors import amazon_errors

SECRET_LIFETIME_DAYS = 180
CALLBACK_PATH = "/amazon_spapi/callback"


class AmazonSpapiApp(models.Model):
    _name = "amazon.spapi.app"
    _description = "Amazon SP-API Application"
    _order = "name"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    kind = fields.Selection(
        [("public", "Public / developer application (consent page)"),
         ("private", "Private seller application (self-authorized)")],
        required=True, default="public")
    application_id = fields.Char("Application ID", help="amzn1.sp.solution.…, from the Developer Console")
    client_id = fields.Char("LWA Client ID", required=True)
    client_secret = fields.Char("LWA Client Secret", encrypted=True, password=True, copy=False,
                                groups="base.group_system")
    has_client_secret = fields.Boolean(compute="_compute_secret_state")
    secret_unreadable = fields.Boolean(compute="_compute_secret_state",
                                       help="A secret is stored but cannot be decrypted here (a duplicated "
                                            "database or another server key): enter it again.")
    # no default: a secret entered here may be months old, and "today" would delay every expiry
    # warning; an unknown date is asked for (form and notices) instead
    secret_issued_on = fields.Date(help="The day Amazon issued the client secret (Developer Console, LWA "
                                        "credentials); it expires 180 days later.")
    secret_expires_on = fields.Date(compute="_compute_secret_expiry", store=True)
    draft = fields.Boolean("Draft Application", help="Consent needs version=beta while the app is in Draft")
    redirect_uri = fields.Char("OAuth Redirect URI", compute="_compute_redirect_uri",
                               help="Register this URI in the Developer Console")
    account_ids = fields.One2many("amazon.account", "spapi_app_id", "Accounts")
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company.id)

    _sql_constraints = [("client_id_uniq", "unique(client_id)", "This LWA client id is already registered.")]

    @api.depends("secret_issued_on")
    def _compute_secret_expiry(self):
        for app in self:
            issued = app.secret_issued_on
            app.secret_expires_on = issued + dt.timedelta(days=SECRET_LIFETIME_DAYS) if issued else False

    def _compute_secret_state(self):
        for app in self:
            stored = app._stored_secret()
            app.has_client_secret = bool(stored)
            app.secret_unreadable = bool(stored) and not app.sudo().client_secret

    def _stored_secret(self) -> bool:
        self.env.cr.execute("SELECT client_secret IS NOT NULL FROM amazon_spapi_app WHERE id = %s", (self.id,))
        row = self.env.cr.fetchone()
        return bool(row and row[0])

    def _compute_redirect_uri(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "").rstrip("/")
        for app in self:
            app.redirect_uri = base + CALLBACK_PATH

    # -- LWA --------------------------------------------------------------------------
    def _lwa(self):
        """The LWA client of this application (raises a clear error without a usable secret)."""
        self.ensure_one()
        secret = self.sudo().client_secret
        if not secret:
            raise UserError(_("The LWA client secret of %s is missing or cannot be read on this database; "
                              "enter it again.", self.name))
        return endpoints.lwa_client(self.env, LWACredentials(self.client_id, secret))

    def action_test_credentials(self):
        """Prove client id and secret with a grantless token call (no seller involved)."""
        self.ensure_one()
        self.env["res.users"]._check_system(_("Only administrators can test client secrets."))
        with amazon_errors(lambda exc: _("Amazon refused the credentials of %(app)s: %(error)s",
                                         app=self.name, error=exc)):
            self._lwa().grantless(SCOPE_SECRET_ROTATION)
        return self.env["amazon.account"]._notify_client(
            _("Amazon accepted the client id and secret of %s.", self.name))

    def _mark_secret_rejected(self, error) -> None:
        """invalid_client: every account of the application needs the secret fixed."""
        for app in self.sudo():
            # committed now: the error the user sees next rolls the caller's transaction back
            app.account_ids._sp_set_state(
                {"sp_state": "error",
                 "sp_state_reason": _("Amazon rejected the LWA client secret of %s", app.name),
                 "sp_last_error": _("Amazon rejected the LWA client secret of %(app)s (%(error)s): rotate or "
                                    "re-enter it.", app=app.name, error=error)},
                notice=(_("Amazon SP-API: client secret rejected"),
                        _("Amazon rejected the LWA client secret of the application %(app)s. Every account "
                          "using it is paused. Rotate the secret (Rotate Client Secret) and test it.", app=app.name),
                        "danger", app))

    def action_open_rotate_wizard(self):
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": "amazon.spapi.rotate.secret",
                "view_mode": "form", "target": "new", "context": {"default_app_id": self.id}}
