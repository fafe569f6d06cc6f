"""Consent attempts (the OAuth state's server side) and connect links for account owners."""
import datetime as dt
import secrets

from coquiapps import _, api, fields, models
from coquiapps.exceptions import UserError

from . import oauth_state

LINK_LIFETIME_DAYS = 7


class AmazonSpapiConsent(models.Model):
    """One trip to Amazon's consent page: single use, 15 minutes."""

    _name = "amazon.spapi.consent"
    _description = "Amazon consent attempt"
    _order = "id desc"

    account_id = fields.Many2one("amazon.account", required=True, ondelete="cascade", index=True)
    link_id = fields.Many2one("amazon.spapi.connect.link", ondelete="cascade")
    nonce_hash = fields.Char(required=True, copy=False)
    expires_at = fields.Datetime(required=True)
    used_at = fields.Datetime()
    started_by = fields.Selection([("admin", "Administrator"), ("owner", "Account owner (connect link)")],
                                  required=True, default="admin")
    user_id = fields.Many2one("res.users", default=lambda self: self.env.uid)
    outcome = fields.Char(help="What happened at the callback")

    @api.model
    def _start(self, account, started_by="admin", link=None) -> str:
        """Record an attempt and return its signed ``state``."""
        nonce = secrets.token_urlsafe(24)
        expires = fields.Datetime.now() + dt.timedelta(seconds=oauth_state.STATE_LIFETIME)
        attempt = self.sudo().create({
            "account_id": account.id, "link_id": link.id if link else False,
            "nonce_hash": oauth_state.nonce_hash(nonce), "expires_at": expires, "started_by": started_by})
        payload = {"db": self.env.cr.dbname, "account": account.id, "attempt": attempt.id, "nonce": nonce,
                   "exp": int(expires.replace(tzinfo=dt.UTC).timestamp())}
        return oauth_state.sign(self._secret(), payload)

    @api.model
    def _secret(self) -> str:
        return self.env["ir.config_parameter"].sudo().get_param("database.secret")

    @api.model
    def _consume(self, state: str):
        """Check a returned state and mark its attempt used; returns the attempt or raises StateError."""
        started_in = oauth_state.peek(state).get("db")
        if started_in != self.env.cr.dbname:
            # a copy has its own database.secret: say where it started rather than "bad signature"
            raise oauth_state.StateError(_(
                "this authorization was started in the database %(started)s, but this browser is using "
                "%(current)s. Nothing was changed: open %(started)s and start Link with Amazon again there.",
                started=str(started_in)[:63], current=self.env.cr.dbname))
        payload = oauth_state.verify(self._secret(), state)
        attempt = self.sudo().browse(payload["attempt"]).exists()
        if not attempt or attempt.account_id.id != payload["account"]:
            raise oauth_state.StateError("this authorization request does not belong to that account")
        if attempt.nonce_hash != oauth_state.nonce_hash(payload["nonce"]):
            raise oauth_state.StateError("the state parameter was not issued by this database")
        # single use, even with two callbacks racing: only one UPDATE finds used_at empty
        self.env.cr.execute("UPDATE amazon_spapi_consent SET used_at = now() at time zone 'UTC' "
                            "WHERE id = %s AND used_at IS NULL RETURNING id", (attempt.id,))
        if not self.env.cr.fetchone():
            raise oauth_state.StateError("this authorization request was already used; start it again")
        self.env.cr.cache.clear()
        if attempt.link_id and not attempt.link_id._is_usable():
            raise oauth_state.StateError("this connect link is no longer valid; ask for a new one")
        return attempt

    @api.model
    def _issued(self, state: str):
        """The attempt of a state this database issued, even used or expired (empty otherwise):
        to tell what happened when a result page is reloaded. Changes nothing."""
        try:
            payload = oauth_state.verify(self._secret(), state or "", check_expiry=False)
        except oauth_state.StateError:
            return self.browse()
        attempt = self.sudo().browse(payload["attempt"]).exists()
        if (not attempt or attempt.account_id.id != payload["account"]
                or attempt.nonce_hash != oauth_state.nonce_hash(payload["nonce"])):
            return self.browse()
        return attempt


class AmazonSpapiConnectLink(models.Model):
    """A link the administrator sends to the Amazon account owner (not an ERP user)."""

    _name = "amazon.spapi.connect.link"
    _description = "Amazon connect link"
    _order = "id desc"

    # a record of what happened: nothing here is edited by hand (Revoke is a button)
    account_id = fields.Many2one("amazon.account", required=True, ondelete="cascade", index=True, readonly=True)
    token_hash = fields.Char(required=True, copy=False, index=True, readonly=True, groups="base.group_system")
    # the token itself, encrypted, so an administrator can copy the link again while it is valid;
    # blanked once the link is used or revoked
    token = fields.Char(encrypted=True, copy=False, readonly=True, groups="base.group_system")
    url = fields.Char("Link", compute="_compute_url", groups="base.group_system")
    expires_at = fields.Datetime("Expires", required=True, readonly=True)
    used_at = fields.Datetime("Used On", readonly=True)
    revoked = fields.Boolean(readonly=True)
    created_uid_name = fields.Char(related="create_uid.name", string="Created by")
    status = fields.Selection([("valid", "Valid"), ("used", "Used"), ("expired", "Expired"),
                               ("revoked", "Revoked")], compute="_compute_status")

    def _compute_display_name(self):
        for link in self:
            link.display_name = _("%s connect link", link.account_id.name)

    def _compute_url(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "").rstrip("/")
        for link in self:
            token = link.sudo().token if link.status == "valid" else False
            link.url = self._url(base, token) if token else False

    def _url(self, base: str, token: str) -> str:
        return f"{base}/amazon_spapi/connect/{token}?db={self.env.cr.dbname}"

    def _compute_status(self):
        now = fields.Datetime.now()
        for link in self:
            link.status = ("revoked" if link.revoked else "used" if link.used_at
                           else "expired" if link.expires_at < now else "valid")

    def _is_usable(self) -> bool:
        self.ensure_one()
        return self.status == "valid"

    @api.model
    def _create_for(self, account, days: int = LINK_LIFETIME_DAYS) -> str:
        """A new link for ``account``; returns its URL (shown once: only a hash is stored)."""
        token = secrets.token_urlsafe(32)
        self.sudo().create({"account_id": account.id, "token_hash": oauth_state.nonce_hash(token), "token": token,
                            "expires_at": fields.Datetime.now() + dt.timedelta(days=days)})
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "").rstrip("/")
        return self._url(base, token)

    @api.model
    def _find(self, token: str):
        """The usable link behind ``token``; UserError with the reason otherwise."""
        if not token or len(token) > 200:
            raise UserError(_("This connect link is not valid."))
        link = self.sudo().search([("token_hash", "=", oauth_state.nonce_hash(token))], limit=1)
        if not link:
            raise UserError(_("This connect link is not valid."))
        reasons = {"used": _("This connect link was already used. If the account still needs linking, ask whoever "
                             "sent it for a new one (they create it with Copy Connect Link on the Amazon account)."),
                   "expired": _("This connect link has expired; ask for a new one."),
                   "revoked": _("This connect link was revoked; ask for a new one.")}
        if link.status != "valid":
            raise UserError(reasons[link.status])
        return link

    def action_revoke(self):
        """Revoke: the link is refused from now on (its page says so)."""
        self.env["res.users"]._check_system(_("Only administrators can revoke connect links."))
        self.sudo().write({"revoked": True, "token": False})
        return True

    def _mark_used(self):
        self.sudo().write({"used_at": fields.Datetime.now(), "token": False})
