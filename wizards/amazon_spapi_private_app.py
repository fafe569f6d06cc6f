"""Private seller app (self-authorization): paste client id, secret and refresh token.

The pasted secrets are encrypted columns (a wizard row outlives the dialog until the
transient cleanup, and goes into backups and duplicates), and are blanked as soon as
they are saved where they belong.
"""
import dataclasses

from coquiapps import _, fields, models
from coquiapps.exceptions import UserError

from ..models import endpoints
from ..models.amazon_errors import amazon_errors
from ..spapi import LWACredentials


class AmazonSpapiPrivateApp(models.TransientModel):
    _name = "amazon.spapi.private.app"
    _description = "Authorize a private seller application"

    account_id = fields.Many2one("amazon.account", required=True)
    spapi_app_id = fields.Many2one("amazon.spapi.app", "Existing Application",
                                   help="Leave empty to register a new private application")
    app_name = fields.Char("Application Name")
    client_id = fields.Char("LWA Client ID")
    client_secret = fields.Char("LWA Client Secret", password=True, encrypted=True, copy=False)
    # no default: a pasted secret may be months old, and "today" would delay every expiry warning
    secret_issued_on = fields.Date(help="The day Amazon issued this client secret (Developer Console, LWA "
                                        "credentials). It expires 180 days later; leave empty if unknown and you "
                                        "will be asked for it.")
    refresh_token = fields.Char(password=True, encrypted=True, copy=False,
                                help="Atzr|… from Seller Central, Develop Apps")
    selling_partner_id = fields.Char("Seller ID", help="Merchant Token shown in Seller Central "
                                                       "(needed if the account has none yet)")

    def action_authorize(self):
        """Verify everything with Amazon before saving: the token refreshes, it is the seller's
        (the account's own, linked to no other account) and the seller's marketplaces answer."""
        self.ensure_one()
        self.env["res.users"]._check_system(_("Only administrators can store Amazon credentials."))
        account = self.account_id
        app = self.spapi_app_id
        client_id = self.client_id or app.client_id
        secret = self.client_secret or (app.sudo().client_secret if app else False)
        token_text = (self.refresh_token or "").strip()
        spid = (self.selling_partner_id or account._sp_expected_seller()).strip()
        missing = [label for label, value in ((_("client id"), client_id), (_("client secret"), secret),
                                              (_("refresh token"), token_text), (_("seller id"), spid))
                   if not value]
        if missing:
            raise UserError(_("Please fill in: %s.", ", ".join(missing)))
        if not token_text.startswith("Atzr|"):
            raise UserError(_("A refresh token starts with 'Atzr|' (Seller Central, Develop Apps, Authorize)."))
        if not account.base_marketplace_id:
            raise UserError(_("Choose the home marketplace of %s first.", account.name))
        # before calling Amazon: another seller than the account's, or a seller linked elsewhere
        account._sp_check_seller(spid)
        lwa = endpoints.lwa_client(self.env, LWACredentials(client_id, secret))
        with amazon_errors(lambda exc: _("Amazon could not be reached (%s); nothing was saved.", exc),
                           refused=lambda exc: _("Amazon refused these credentials (%s); nothing was saved.", exc)):
            access = lwa.refresh(token_text)
        account._sp_verify_token_seller(access.value, spid)
        participations = account._sp_fetch_participations(access.value, spid)
        if not app:
            app = self.env["amazon.spapi.app"].sudo().create({
                "name": self.app_name or _("Private app of %s", account.name), "kind": "private",
                "client_id": client_id, "client_secret": secret, "secret_issued_on": self.secret_issued_on})
        elif self.client_secret:
            app.sudo().write({"client_secret": self.client_secret, "secret_issued_on": self.secret_issued_on})
        account.sudo().write({"spapi_app_id": app.id})
        account._sp_store_grant(spid, dataclasses.replace(access, refresh_token=token_text), participations,
                                refreshed=True)
        # stored encrypted on the app and the account now: no second copy in this row
        self.write({"client_secret": False, "refresh_token": False})
        return account._notify_client(_("%s is connected through the private application.", account.name))
