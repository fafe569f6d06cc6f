"""Linking an account with Amazon: consent, connect links, the callback's work, test, revoke."""
import logging
import re

from coquiapps import _, fields, models
from coquiapps.exceptions import RedirectWarning, UserError

from ..spapi import LWACredentials, SellersAPI, marketplace
from . import endpoints
from .amazon_account_tokens import AccountTokenProvider
from .amazon_errors import amazon_errors

_logger = logging.getLogger(__name__)


class ConsentRefused(UserError):
    """The callback cannot complete; the message says what happened and how to retry."""


class AmazonSpapiCredentials(models.AbstractModel):
    _inherit = "amazon.spapi.credentials"

    def _sp_check_admin(self):
        self.env["res.users"]._check_system(_("Only administrators can link Amazon accounts."))

    def _sp_check_staging(self):
        """A neutralized copy never sends anyone to Amazon's production consent: it offers a sandbox."""
        current = endpoints.endpoints(self.env)
        if not self._sp_on_staging() or (not endpoints.is_production(self.env) and current.consent_base):
            return
        raise self._sp_sandbox_offer(_(
            "This database is a staging copy (neutralized) and its Amazon endpoints are Amazon's production "
            "ones: linking %s here would move the seller's real authorization to a test database. Nothing "
            "was sent to Amazon. Point this copy at an Amazon sandbox (Use an Amazon Sandbox), or link on "
            "the production database.", self.name))

    def _sp_on_staging(self) -> bool:
        from coquiapps.modules.neutralize import is_neutralized

        return bool(self.sp_neutralized or self._sp_owner().sp_neutralized or is_neutralized(self.env.cr))

    def _sp_sandbox_offer(self, message) -> RedirectWarning:
        return RedirectWarning(message, button_text=_("Use an Amazon Sandbox"), action={
            "type": "ir.actions.act_window", "res_model": "amazon.spapi.sandbox", "view_mode": "form",
            "target": "new", "name": _("Use an Amazon Sandbox"), "context": {"default_account_id": self.id}})

    def action_sp_use_sandbox(self):
        """The staging banner's button: the sandbox wizard for this account."""
        self.ensure_one()
        self._sp_check_admin()
        return {"type": "ir.actions.act_window", "res_model": "amazon.spapi.sandbox", "view_mode": "form",
                "target": "new", "name": _("Use an Amazon Sandbox"), "context": {"default_account_id": self.id}}

    def _sp_consent_url(self, started_by="admin", link=None) -> str:
        """The Seller Central consent page for this account, with a fresh signed state."""
        self.ensure_one()
        self._sp_check_staging()
        if self.sp_parent_id:
            raise UserError(_("%(account)s uses the authorization of %(parent)s: link %(parent)s instead.",
                              account=self.name, parent=self.sp_parent_id.name))
        app = self.spapi_app_id
        if not app:
            raise UserError(_("Choose the SP-API application of %s first (Credentials tab).", self.name))
        if app.kind != "public" or not app.application_id:
            raise UserError(_("%s is a private seller application: use 'Private App Authorization' and paste "
                              "the refresh token from Seller Central.", app.name))
        if not self.base_marketplace_id:
            raise UserError(_("Choose the home marketplace of %s first.", self.name))
        if not app.sudo().client_secret:
            # found now, not after the seller signed in at Amazon (a copy cannot read the original's)
            message = _("The client secret of %s cannot be read in this database (missing, or encrypted by the "
                        "database it was copied from): enter it again on the application.", app.name)
            if self._sp_on_staging():  # here the sandbox hands its application over again
                raise self._sp_sandbox_offer(message + " " + _("Or take the sandbox's application again: "
                                                               "Use an Amazon Sandbox."))
            raise UserError(message)
        state = self.env["amazon.spapi.consent"]._start(self, started_by=started_by, link=link)
        return endpoints.endpoints(self.env).consent_url(
            self.base_marketplace_id.api_ref, app.application_id, state,
            draft=app.draft, redirect_uri=app.redirect_uri)

    def action_sp_link(self):
        """Link with Amazon: send the administrator's browser to the consent page."""
        self.ensure_one()
        self._sp_check_admin()
        return {"type": "ir.actions.act_url", "url": self._sp_consent_url(), "target": "self"}

    def action_sp_connect_link(self):
        """Copy Connect Link: a single-use link for the Amazon account owner (not an ERP user)."""
        self.ensure_one()
        self._sp_check_admin()
        self._sp_check_staging()
        if not self.spapi_app_id or self.spapi_app_id.kind != "public":
            raise UserError(_("Connect links need a public SP-API application on %s.", self.name))
        url = self.env["amazon.spapi.connect.link"]._create_for(self)
        wizard = self.env["amazon.spapi.link.wizard"].create({"account_id": self.id, "url": url})
        return {"type": "ir.actions.act_window", "res_model": wizard._name, "res_id": wizard.id,
                "view_mode": "form", "target": "new", "name": _("Connect Link")}

    # -- the callback's work -----------------------------------------------------------------
    def _sp_complete_consent(self, attempt, code: str, selling_partner_id: str):
        """Exchange the code, check the seller, store the grant, learn marketplaces.

        Nothing is stored unless everything succeeded: the caller's transaction
        is rolled back on any error, so previous working credentials stay.
        """
        self.ensure_one()
        app = self.spapi_app_id
        if not app or not app.sudo().client_secret:
            raise ConsentRefused(_("The SP-API application of %s has no usable client secret.", self.name))
        if not re.fullmatch(r"[A-Z0-9]{8,20}", selling_partner_id or ""):
            # Amazon's merchant tokens are short upper-case codes: anything else was tampered with
            raise ConsentRefused(_("Amazon sent back a malformed seller id; nothing was changed. Start the "
                                   "link again."))
        expected = self.sp_selling_partner_id or self.seller_key
        if expected and selling_partner_id != expected:
            raise ConsentRefused(_(
                "You signed in to Amazon as seller %(got)s, but this account belongs to seller %(expected)s. "
                "Nothing was changed: sign out of Seller Central, then start again and sign in as seller "
                "%(expected)s.", got=selling_partner_id, expected=expected))
        self._sp_check_seller(selling_partner_id)  # not linked to another account already
        lwa = endpoints.lwa_client(self.env, LWACredentials(app.client_id, app.sudo().client_secret))
        with amazon_errors(lambda exc: _("Amazon could not be reached to finish the authorization (%s). Try "
                                         "again in a moment.", exc),
                           refused=lambda exc: _("Amazon did not accept the authorization code (%(error)s). Codes "
                                                 "are valid for 5 minutes and once: start the link again.",
                                                 error=exc),
                           error=ConsentRefused):
            token = lwa.exchange_code(code, app.redirect_uri)
        if not token.refresh_token:
            raise ConsentRefused(_("Amazon returned no refresh token; start the link again."))
        participations = self._sp_fetch_participations(token.value, selling_partner_id)
        self._sp_store_grant(selling_partner_id, token, participations)
        if attempt.link_id:
            attempt.link_id._mark_used()
        attempt.sudo().write({"outcome": "connected"})
        if attempt.started_by == "owner":
            self._notify_admins(_("Amazon: %s was linked by its owner", self.name),
                                _("The Amazon account owner completed the authorization of %s; orders "
                                  "will sync again.", self.name), record=self, level="info")
        return participations

    def _sp_fetch_participations(self, access_token: str, selling_partner_id: str):
        client = endpoints.spapi_client(self.env, self.base_marketplace_id.region, lambda force_refresh=False:
                                        access_token, selling_partner_id)
        with amazon_errors(lambda exc: _("Amazon accepted the authorization but the marketplace check failed "
                                         "(%s); nothing was changed, try again.", exc), error=ConsentRefused):
            return SellersAPI(client).get_marketplace_participations()

    def _sp_store_grant(self, selling_partner_id, token, participations, refreshed=False):
        values = {
            "sp_selling_partner_id": selling_partner_id, "sp_refresh_token": token.refresh_token,
            "sp_authorized_on": fields.Datetime.now(), "sp_state": "connected", "sp_state_reason": False,
            "sp_last_error": False, "sp_last_success": fields.Datetime.now(),
        }
        if not self.seller_key:
            values["seller_key"] = selling_partner_id
        # the marketplaces go in the same write: one UPDATE (and one recompute) instead of two
        marketplace_ids = self._sp_participating_marketplace_ids(participations)
        if marketplace_ids:
            values["active_marketplace_ids"] = [(4, mid) for mid in marketplace_ids]
        self.sudo().write(values)
        self._sp_forget_tokens()  # unified children follow through write()
        if token.value and token.refresh_token:
            self._sp_keep_access_token(token, refreshed)

    def _sp_participating_marketplace_ids(self, participations) -> list[int]:
        """The marketplaces (ids) the seller participates in, among the account's region."""
        Marketplace = self.env["amazon.marketplace"].sudo().with_context(active_test=False)
        region = self.base_marketplace_id.region
        ids = []
        for item in participations:
            if not item.is_participating:
                continue
            try:
                if marketplace(item.marketplace_id).region != region:
                    continue
            except KeyError:
                continue
            found = Marketplace.search([("api_ref", "=", item.marketplace_id)], limit=1)
            if found:
                ids.append(found.id)
        return ids

    # -- other buttons -------------------------------------------------------------------------
    def action_sp_test_connection(self):
        """Test Connection: an SP-API call proves the whole chain (token, grant, region).

        For those who may change the account: it may refresh its token and records the outcome.
        """
        self.ensure_one()
        self.check_access("write")
        participations = self._sp_participations()
        names = ", ".join(p.name for p in participations if p.is_participating) or _("none")
        return self._notify_client(_("Amazon answered for %(account)s: marketplaces %(names)s.",
                                     account=self.name, names=names))

    def _sp_participations(self):
        owner = self._sp_check_usable()
        with amazon_errors(lambda exc: _("Amazon refused the call for %(account)s: %(error)s",
                                         account=owner.name, error=exc),
                           on_error=lambda exc: owner._sp_set_state({"sp_last_error": str(exc)})):
            result = SellersAPI(owner._sp_client()).get_marketplace_participations()
        owner._sp_mark_success()
        return result

    def _sp_client(self):
        owner = self._sp_owner()
        from .amazon_spapi_rate_bucket import PostgresRateStore

        return endpoints.spapi_client(self.env, owner._sp_region(), AccountTokenProvider(owner),
                                      owner.sp_selling_partner_id or "", rate_store=PostgresRateStore(
                                          self.env.cr.dbname))

    def action_sp_revoke(self):
        """Revoke: forget the grant here (the seller also removes the app in Seller Central)."""
        self._sp_check_admin()
        for account in self:
            account._sp_forget_tokens()
            account.sudo().write({"sp_refresh_token": False, "sp_state": "not_connected",
                                  "sp_state_reason": _("Revoked by %s", self.env.user.name),
                                  "sp_authorized_on": False})
            account.sp_link_ids.filtered(lambda link: link.status == "valid").action_revoke()
        return True

    def action_open_migrate_wizard(self):
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": "amazon.spapi.migrate", "view_mode": "form",
                "target": "new", "name": _("Move to Selling Partner API"),
                "context": {"default_account_id": self.id}}

    def action_open_private_app_wizard(self):
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": "amazon.spapi.private.app", "view_mode": "form",
                "target": "new", "name": _("Private App Authorization"),
                "context": {"default_account_id": self.id, "default_spapi_app_id": self.spapi_app_id.id
                            if self.spapi_app_id.kind == "private" else False}}
