"""The access-token lifecycle of an account: reuse, refresh once, classify LWA errors."""
import datetime as dt
import logging
import random
import time

from coquiapps import _, api, fields, models
from coquiapps.exceptions import UserError
from coquiapps.orm import SUPERUSER_ID, Environment
from coquiapps.sql_db import cursor

from ..spapi import (
    InvalidClient,
    InvalidGrant,
    LWACredentials,
    LWAError,
    RetryableError,
    SPAPIError,
)
from . import endpoints

_logger = logging.getLogger(__name__)

EXPIRY_MARGIN = dt.timedelta(seconds=60)   # Amazon's SDK treats a token as expired 60 s early
LOCK_NAMESPACE = 0x5350                    # "SP": advisory locks of token refreshes
LWA_ATTEMPTS = 4
CRON_INTERVAL = dt.timedelta(minutes=15)


class ReauthorizationNeeded(UserError):
    """Amazon refused the refresh token (invalid_grant): the seller must consent again."""


class AccountTokenProvider:
    """The AccessTokenProvider the SP-API client calls; remembers the token it handed out."""

    def __init__(self, account):
        self.account = account
        self.last = None
        self.waited_on_lwa = 0

    def __call__(self, force_refresh: bool = False) -> str:
        token, refreshed = self.account._sp_access_token(rejected=self.last if force_refresh else None)
        self.waited_on_lwa += int(refreshed)
        self.last = token
        return token


class AmazonAccount(models.Model):
    _inherit = "amazon.account"

    sp_access_token_expires = fields.Datetime("Access Token Expires", compute="_compute_sp_token_info")

    def _compute_sp_token_info(self):
        rows = {}
        if self.ids:
            self.env.cr.execute("SELECT account_id, expires_at FROM amazon_spapi_token WHERE account_id IN %s",
                                (tuple(self.ids),))
            rows = dict(self.env.cr.fetchall())
        for account in self:
            account.sp_access_token_expires = rows.get(account._sp_owner().id, False)

    def unlink(self):
        ids = tuple(self.ids)
        result = super().unlink()
        if ids:
            self.env.cr.execute("DELETE FROM amazon_spapi_token WHERE account_id IN %s", (ids,))
        return result

    # -- the token -----------------------------------------------------------------------
    def _sp_access_token(self, rejected: str | None = None, valid_until=None) -> tuple[str, bool]:
        """A live access token of the account's authorization, and whether LWA was called.

        Reused until 60 s before expiry; refreshed once across all workers (an
        advisory lock serialises refreshers, who then reuse the winner's token).
        ``rejected`` is a token Amazon just refused: it is not handed out again.
        ``valid_until`` asks for a token that still lives then (the refresh cron).
        """
        owner = self._sp_check_usable()
        refresh_token = owner.sudo().sp_refresh_token
        if not refresh_token:
            raise UserError(_("The refresh token of %s cannot be read on this database: link the account "
                              "with Amazon again.", owner.name))
        try:
            token, refreshed = owner._sp_token_from_cache_or_lwa(refresh_token, rejected, valid_until)
        except InvalidGrant as exc:
            owner._sp_mark_reauthorization_needed(exc)
            raise ReauthorizationNeeded(owner._sp_reauth_message(exc)) from exc
        except InvalidClient as exc:
            owner.spapi_app_id._mark_secret_rejected(exc)
            raise UserError(_("Amazon rejected the LWA client secret of %(app)s: %(error)s",
                              app=owner.spapi_app_id.name, error=exc)) from exc
        except (RetryableError, LWAError, SPAPIError) as exc:
            owner.sudo().write({"sp_last_error": _("Could not get an access token: %s", exc)})
            raise UserError(_("Amazon could not be reached to refresh the access token of %(account)s "
                              "(%(error)s); the account stays connected and will retry.",
                              account=owner.name, error=exc)) from exc
        return token, refreshed

    def _sp_token_from_cache_or_lwa(self, refresh_token: str, rejected: str | None, valid_until=None):
        self.ensure_one()
        registry, dbname = self.env.registry, self.env.cr.dbname
        # read in the caller's transaction: the account may not be committed yet
        app = self.spapi_app_id
        credentials = LWACredentials(app.client_id, app.sudo().client_secret or "")
        with cursor(dbname) as cr:
            env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
            token = self._sp_fresh_token(env, rejected, valid_until)
            if token:
                return token, False
            cr.execute("SELECT pg_advisory_xact_lock(%s, %s)", (LOCK_NAMESPACE, self.id))
            cr.cache.clear()
            token = self._sp_fresh_token(env, rejected, valid_until)
            if token:
                return token, False  # another worker refreshed while we waited
            lwa = endpoints.lwa_client(env, credentials)
            fetched = _with_retries(lambda: lwa.refresh(refresh_token), self.name)
            Token = env["amazon.spapi.token"]
            row = Token.search([("account_id", "=", self.id)])
            values = {"access_token": fetched.value, "refreshed_at": fields.Datetime.now(),
                      "expires_at": fetched.expires_at.astimezone(dt.UTC).replace(tzinfo=None)}
            if row:
                row.write({**values, "refresh_count": row.refresh_count + 1})
            else:
                Token.create({**values, "account_id": self.id, "refresh_count": 1})
            return fetched.value, True

    def _sp_fresh_token(self, env, rejected, valid_until=None):
        row = env["amazon.spapi.token"].search([("account_id", "=", self.id)])
        if not row or not row.expires_at or not row.access_token:
            return None
        needed = max(fields.Datetime.now() + EXPIRY_MARGIN, valid_until or fields.Datetime.now())
        if row.expires_at <= needed or row.access_token == rejected:
            return None
        return row.access_token

    def _sp_forget_tokens(self):
        self.env.cr.execute("DELETE FROM amazon_spapi_token WHERE account_id IN %s", (tuple(self.ids) or (0,),))

    # -- states ---------------------------------------------------------------------------
    def _sp_reauth_message(self, exc) -> str:
        return _("Amazon refused the authorization of %(account)s (%(error)s): the seller must authorize "
                 "the application again (Link with Amazon). Syncing is paused until then.",
                 account=self.name, error=exc)

    def _sp_mark_reauthorization_needed(self, exc):
        accounts = (self | self.sp_child_ids).sudo()
        accounts.write({"sp_state": "reauth", "sp_last_error": self._sp_reauth_message(exc)})
        self._sp_forget_tokens()
        self._notify_admins(_("Amazon: %s needs re-authorization", self.name),
                            self._sp_reauth_message(exc), record=self, level="danger")

    def _sp_mark_success(self):
        self._sp_owner().sudo().write({"sp_last_success": fields.Datetime.now(), "sp_last_error": False})

    # -- buttons and scheduled action -----------------------------------------------------------
    def action_sp_refresh_token(self):
        """Refresh Access Token: fetch a new one now (proves the refresh token works)."""
        self.ensure_one()
        owner = self._sp_check_usable()
        self.env.cr.execute("DELETE FROM amazon_spapi_token WHERE account_id = %s", (owner.id,))
        if self.env.context.get("amazon_sync_commit", True):
            self.env.cr.commit()  # pylint: disable=invalid-commit  # deliberate; off with amazon_sync_commit=False
        self._sp_access_token()
        return self._notify_client(_("A new access token was obtained for %s.", owner.name))

    @api.model
    def _cron_refresh_access_tokens(self):
        """Refresh the tokens that would expire before the next run, so syncs never wait for LWA."""
        horizon = fields.Datetime.now() + CRON_INTERVAL + dt.timedelta(minutes=5)
        accounts = self.search([("sp_state", "=", "connected"), ("sp_parent_id", "=", False),
                                ("sp_neutralized", "=", False)])
        if not accounts:
            return 0
        self.env.cr.execute("SELECT account_id, expires_at FROM amazon_spapi_token WHERE account_id IN %s",
                            (tuple(accounts.ids),))
        expiries = dict(self.env.cr.fetchall())
        refreshed = 0
        for account in accounts:
            expires = expiries.get(account.id)
            if expires and expires > horizon:
                continue
            try:
                with self.env.cr.savepoint():
                    _token, did = account._sp_access_token(valid_until=horizon)
                    refreshed += int(did)
            except UserError as exc:
                _logger.warning("Amazon account %s: token refresh failed: %s", account.name, exc)
        return refreshed


def _with_retries(call, label: str):
    """LWA hiccups (5xx, server_error, temporarily_unavailable, network) are retried with backoff."""
    delay = 0.5
    for attempt in range(1, LWA_ATTEMPTS + 1):
        try:
            return call()
        except RetryableError as exc:
            if attempt == LWA_ATTEMPTS:
                raise
            _logger.warning("%s: LWA token call failed (%s); retry %d in %.1f s", label, exc, attempt, delay)
            time.sleep(delay + random.uniform(0, delay / 2))
            delay *= 2
    raise AssertionError("unreachable")
