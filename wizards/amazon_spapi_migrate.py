"""Move to Selling Partner API: the one step that takes an MWS-era account across."""
from coquiapps import _, fields, models
from coquiapps.exceptions import UserError


class AmazonSpapiMigrate(models.TransientModel):
    _name = "amazon.spapi.migrate"
    _description = "Move an Amazon account from MWS to the Selling Partner API"

    account_id = fields.Many2one("amazon.account", required=True)
    spapi_app_id = fields.Many2one("amazon.spapi.app", "SP-API Application", required=True,
                                   default=lambda self: self._default_spapi_app())
    offer_count = fields.Integer(related="account_id.offer_count")
    order_count = fields.Integer(related="account_id.order_count")
    last_orders_sync = fields.Datetime(related="account_id.last_orders_sync")
    then = fields.Selection([("link", "Link with Amazon now (I can sign in to Seller Central)"),
                             ("connect_link", "Create a connect link for the account owner"),
                             ("later", "Later")], default="link", required=True)

    def _default_spapi_app(self):
        """The account's application, else the only one registered (as the other wizards preselect)."""
        account = self.env["amazon.account"].browse(self.env.context.get("default_account_id") or []).exists()
        if account.spapi_app_id:
            return account.spapi_app_id.id
        apps = self.env["amazon.spapi.app"].search([], limit=2)
        return apps.id if len(apps) == 1 else False

    def action_migrate(self):
        """Record the switch-off moment, keep everything else, and wait for consent."""
        self.ensure_one()
        account = self.account_id
        self.env["res.users"]._check_system(_("Only administrators can move an Amazon account to the Selling Partner API."))
        if account.sp_state == "connected":
            raise UserError(_("%s is already connected through the Selling Partner API.", account.name))
        switched_off = fields.Datetime.now()
        account.sudo().write({
            "spapi_app_id": self.spapi_app_id.id,
            "sp_mws_switched_off": switched_off,
            # orders placed before the switch were MWS's: never import them a second time
            "sp_ignore_orders_before": switched_off,
            "last_orders_sync": switched_off,
            "sp_state": "not_connected",
            # the moment itself is on the form (MWS Switched Off At), shown in each user's zone
            "sp_state_reason": _("Waiting for Amazon consent (moved off MWS)"),
            "mws_auth_token": False, "aws_access_key_id": False, "aws_secret_key": False,
        })
        if self.then == "link" and self.spapi_app_id.kind == "public":
            return account.action_sp_link()
        if self.then == "connect_link" and self.spapi_app_id.kind == "public":
            return account.action_sp_connect_link()
        if self.spapi_app_id.kind == "private":
            return {"type": "ir.actions.act_window", "res_model": "amazon.spapi.private.app", "view_mode": "form",
                    "target": "new", "context": {"default_account_id": account.id,
                                                 "default_spapi_app_id": self.spapi_app_id.id}}
        return account._notify_client(_("%s moved off MWS; link it with Amazon to resume syncing.", account.name))
