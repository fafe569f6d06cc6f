"""Amazon seller accounts: credentials, marketplaces, who follows the orders."""
from markupsafe import Markup, escape

from coquiapps import _, api, fields, models
from coquiapps.exceptions import UserError

SPAPI_MODULE = "sale_amazon_spapi"
SPAPI_MODULE_TITLE = "Amazon/Selling Partner API Patch"
SPAPI_STATES = [
    ("installed", "Installed"),
    ("available", "Available, not installed"),
    ("missing", "Not in the apps list"),
]


class AmazonAccount(models.Model):
    """A seller's account on Amazon, synchronised with the ERP."""

    _name = "amazon.account"
    _description = "Amazon Account"
    _order = "name, id"

    name = fields.Char(required=True, help="A name of your choice for this account")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", "Company", required=True, index=True,
                                 default=lambda self: self.env.company)
    base_marketplace_id = fields.Many2one(
        "amazon.marketplace", "Home Marketplace", required=True, ondelete="restrict",
        help="The marketplace where the seller registered the account; it sets the region")
    active_marketplace_ids = fields.Many2many(
        "amazon.marketplace", "amazon_account_marketplace_rel", "account_id", "marketplace_id",
        "Sync Marketplaces", help="The marketplaces whose orders are imported")
    seller_key = fields.Char("Seller ID", help="The Merchant Token of the seller (Seller Central)")
    mws_auth_token = fields.Char("MWS Auth Token", groups="base.group_system", password=True, copy=False)
    aws_access_key_id = fields.Char("AWS Access Key", groups="base.group_system", password=True, copy=False)
    aws_secret_key = fields.Char("AWS Secret Key", groups="base.group_system", password=True, copy=False)
    user_id = fields.Many2one("res.users", "Salesperson", default=lambda self: self.env.uid,
                              help="Salesperson of the imported orders")
    notify_user_id = fields.Many2one("res.users", "Responsible",
                                     help="Told when a synchronisation fails (else the salesperson)")
    last_orders_sync = fields.Datetime(
        "Last Orders Sync", copy=False, default=lambda self: fields.Datetime.now(),
        help="Orders not changed since this moment are not fetched again")
    offer_ids = fields.One2many("amazon.offer", "account_id", "Offers")
    order_ids = fields.One2many("sale.order", "amazon_account_id", "Orders")
    sync_log_ids = fields.One2many("amazon.sync.log", "account_id", "Sync Runs")
    # one compute method per non-stored field: the ORM computes a field at a time
    offer_count = fields.Integer(compute="_compute_offer_count", string="Offer Count")
    order_count = fields.Integer(compute="_compute_order_count", string="Order Count")
    last_sync_state = fields.Selection([("running", "Running"), ("done", "Done"), ("failed", "Failed")],
                                       compute="_compute_last_sync_state", string="Last Sync Status")
    last_sync_error = fields.Text(compute="_compute_last_sync_error")
    spapi_module_state = fields.Selection(SPAPI_STATES, compute="_compute_spapi_module_state",
                                          string="SP-API Patch")
    spapi_notice = fields.Html(compute="_compute_spapi_notice", string="Amazon API Notice")

    _sql_constraints = [
        ("name_company_uniq", "UNIQUE (name, company_id)", "An Amazon account name must be unique per company!"),
    ]

    # -- computes ------------------------------------------------------------------
    def _compute_offer_count(self):
        for account in self:
            account.offer_count = self.env["amazon.offer"].search_count([("account_id", "=", account.id)])

    def _compute_order_count(self):
        for account in self:
            account.order_count = self.env["sale.order"].search_count([("amazon_account_id", "=", account.id)])

    def _last_sync_log(self):
        return self.env["amazon.sync.log"].sudo().search([("account_id", "=", self.id)], limit=1)

    def _compute_last_sync_state(self):
        for account in self:
            account.last_sync_state = account._last_sync_log().state or False

    def _compute_last_sync_error(self):
        for account in self:
            account.last_sync_error = account._last_sync_log().error or False

    @api.model
    def _spapi_module_state(self) -> str:
        """``installed``, ``available`` (on the apps list) or ``missing`` for the SP-API patch."""
        module = self.env["ir.module.module"].sudo().search([("name", "=", SPAPI_MODULE)], limit=1)
        if not module:
            return "missing"
        return "installed" if module.state in ("installed", "to upgrade") else "available"

    @api.model
    def _spapi_hint(self, state=None) -> str:
        """What an administrator has to do to get orders again, in one plain sentence."""
        state = state or self._spapi_module_state()
        if state == "installed":
            return _("The %(title)s (%(name)s) is installed: connect the account to the Selling Partner API.",
                     title=SPAPI_MODULE_TITLE, name=SPAPI_MODULE)
        if state == "available":
            return _("Install the %(title)s (%(name)s) from the Apps menu (or with the Install button "
                     "of the account).", title=SPAPI_MODULE_TITLE, name=SPAPI_MODULE)
        return _("The %(title)s (%(name)s) is not on the apps list: update the CoquiAPPs source code "
                 "first, then run Apps > Update Apps List (developer mode) and install it.",
                 title=SPAPI_MODULE_TITLE, name=SPAPI_MODULE)

    def _compute_spapi_module_state(self):
        state = self._spapi_module_state()
        for account in self:
            account.spapi_module_state = state

    def _compute_spapi_notice(self):
        state = self._spapi_module_state()
        notice = False
        if state != "installed":
            notice = Markup("<p><strong>{}</strong></p><p>{}</p>").format(
                escape(_("Amazon has retired MWS, the API this connector was built on: orders can "
                         "no longer be fetched with MWS credentials.")),
                escape(self._spapi_hint(state)))
        for account in self:
            account.spapi_notice = notice

    # -- buttons ---------------------------------------------------------------------
    def action_install_spapi_patch(self):
        """Install the Amazon/Selling Partner API Patch (system administrators only)."""
        self.env["res.users"]._check_system(
            _("Only administrators (Settings) can install the %s.") % SPAPI_MODULE_TITLE)
        module = self.env["ir.module.module"].search([("name", "=", SPAPI_MODULE)], limit=1)
        if not module:
            raise UserError(self._spapi_hint("missing"))
        if module.state == "installed":
            raise UserError(_("The %s is already installed.") % SPAPI_MODULE_TITLE)
        return module.button_immediate_install()

    def action_view_orders(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window", "name": _("Amazon Orders"), "res_model": "sale.order",
            "view_mode": "list,form", "domain": [("amazon_account_id", "=", self.id)],
            "context": {"default_amazon_account_id": self.id},
        }

    def action_view_offers(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window", "name": _("Offers"), "res_model": "amazon.offer",
            "view_mode": "list,form", "domain": [("account_id", "=", self.id)],
            "context": {"default_account_id": self.id},
        }

    def action_view_sync_logs(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window", "name": _("Sync Runs"), "res_model": "amazon.sync.log",
            "view_mode": "list,form", "domain": [("account_id", "=", self.id)],
        }

    def action_offers_csv(self):
        """Open the SKU links import/export wizard on this account."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window", "name": _("SKU Links (CSV)"),
            "res_model": "amazon.offer.csv.wizard", "view_mode": "form", "target": "new",
            "context": {"default_account_id": self.id},
        }
