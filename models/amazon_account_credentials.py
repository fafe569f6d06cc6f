"""The credential mixin: every OAuth concern of an Amazon account in one abstract model.

``amazon.spapi.credentials`` holds an account's SP-API credentials and connection
state (this file), its access tokens (``amazon_account_tokens``), the link with Amazon
(``amazon_account_link``, consent in ``amazon_spapi_consent``), the seller check
(``amazon_account_seller``) and the state that follows Amazon's answers
(``amazon_account_state``); where Amazon is comes from ``endpoints``, its time from
``clock``. ``amazon.account`` inherits it and adds only what needs its own fields
(the region of its home marketplace). The pattern is google_gmail's and
microsoft_outlook's credential mixins (see shared/STYLE.md).

An account is connected through an LWA application (``amazon.spapi.app``)
and holds the seller's refresh token. Unified accounts (the same seller in
several companies) point at a parent whose authorization they use.
"""
from coquiapps import _, api, fields, models
from coquiapps.exceptions import UserError

from . import endpoints

SP_STATES = [
    ("not_connected", "Not Connected"),
    ("connected", "Connected"),
    ("reauth", "Needs Re-authorization"),
    ("error", "Error"),
]


class AmazonAccount(models.Model):
    _name = "amazon.account"
    _inherit = ["amazon.account", "amazon.spapi.credentials"]

    sp_region = fields.Selection(related="base_marketplace_id.region", string="Region")


class AmazonSpapiCredentials(models.AbstractModel):
    """The SP-API credentials of an account (mixin of ``amazon.account``)."""

    _name = "amazon.spapi.credentials"
    _description = "Amazon SP-API credentials"

    spapi_app_id = fields.Many2one("amazon.spapi.app", "SP-API Application", ondelete="restrict")
    sp_selling_partner_id = fields.Char("Selling Partner ID", copy=False,
                                        help="Amazon's id of the seller, returned at consent")
    sp_refresh_token = fields.Char("Refresh Token", encrypted=True, password=True, copy=False,
                                   groups="base.group_system")
    sp_authorized_on = fields.Datetime("Authorized On", copy=False, readonly=True)
    sp_state = fields.Selection(SP_STATES, "Connection", default="not_connected", required=True, copy=False)
    sp_state_reason = fields.Char("Why", copy=False)
    sp_last_error = fields.Text("Last Error", copy=False)
    sp_last_success = fields.Datetime("Last Successful Call", copy=False, readonly=True)
    sp_no_fetch = fields.Boolean("Don't Fetch Orders",
                                 help="Keep the connection but do not import orders (kept across re-authorization)")
    sp_parent_id = fields.Many2one("amazon.account", "Uses the Authorization of", ondelete="restrict",
                                   help="Unified accounts: this account (another company) uses the "
                                        "parent's Amazon authorization")
    sp_child_ids = fields.One2many("amazon.account", "sp_parent_id", "Accounts Using This Authorization")
    sp_ignore_orders_before = fields.Datetime(
        "Ignore Orders Before", copy=False,
        help="Orders created before this moment are never imported (set when moving off MWS)")
    sp_mws_switched_off = fields.Datetime("MWS Switched Off At", copy=False, readonly=True)
    sp_neutralized = fields.Boolean("Staging Copy", copy=False, readonly=True,
                                    help="This database is a neutralized copy: the account never syncs here")
    sp_has_refresh_token = fields.Boolean(compute="_compute_sp_secret_state")
    sp_credentials_unreadable = fields.Boolean(compute="_compute_sp_secret_state")
    sp_link_ids = fields.One2many("amazon.spapi.connect.link", "account_id", "Connect Links")
    sp_needs_attention = fields.Boolean(compute="_compute_sp_needs_attention", store=True)

    @api.depends("sp_state")
    def _compute_sp_needs_attention(self):
        for account in self:
            account.sp_needs_attention = account.sp_state in ("reauth", "error")

    def _compute_sp_secret_state(self):
        for account in self:
            self.env.cr.execute("SELECT sp_refresh_token IS NOT NULL FROM amazon_account WHERE id = %s",
                                (account.id,))
            row = self.env.cr.fetchone()
            stored = bool(row and row[0])
            account.sp_has_refresh_token = stored
            account.sp_credentials_unreadable = stored and not account.sudo().sp_refresh_token

    @api.constrains("sp_parent_id")
    def _check_parent(self):
        for account in self:
            if account.sp_parent_id and (account.sp_parent_id == account or account.sp_parent_id.sp_parent_id):
                raise UserError(_("%s: a unified account must use the authorization of an account "
                                  "that has its own.", account.name))

    # -- helpers --------------------------------------------------------------------------
    def _sp_owner(self):
        """The account holding the authorization (the parent for unified accounts)."""
        self.ensure_one()
        return self.sp_parent_id or self

    def _sp_region(self) -> str:
        owner = self._sp_owner()
        if not owner.base_marketplace_id:
            raise UserError(_("%s has no home marketplace: choose one first.", owner.name))
        return owner.base_marketplace_id.region

    def _sp_check_usable(self):
        """Refuse clearly when this account cannot call Amazon right now."""
        self.ensure_one()
        owner = self._sp_owner()
        if (owner.sp_neutralized or self.sp_neutralized) and endpoints.is_production(self.env):
            raise UserError(_("%s is switched off on this staging copy: it never calls Amazon's production "
                              "endpoints here. Point the sale_amazon_spapi.* system parameters at a sandbox "
                              "and link it again with a fresh consent.", self.name))
        if not owner.spapi_app_id:
            raise UserError(_("%s has no SP-API application: choose one on the Credentials tab.", owner.name))
        if owner.sp_state == "reauth":
            raise UserError(_("%s needs to be re-authorized on Amazon (Link with Amazon).", owner.name))
        if not owner.sudo().sp_refresh_token:
            raise UserError(_("%s is not linked to Amazon yet (Link with Amazon).", owner.name))
        return owner

    @api.model
    def _notify_admins(self, title, message, record=None, level="warning"):
        if "res.notice" in self.env:
            self.env["res.notice"].sudo().notify_admins(title, message, record=record, level=level)

    @api.model
    def _notify_client(self, message, level="success"):
        """An action telling the user ``message`` (shown as a notice by the web client)."""
        return {"type": "ir.actions.client", "tag": "display_notification",
                "params": {"message": message, "type": level, "sticky": False}}
