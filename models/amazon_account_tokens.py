"""The access-token lifecycle of an account: reuse, refresh once, classify LWA errors."""
import datetime as dt
import logging
import time
from concurrent.futures import ThreadPoolExecutor

from coquiapps import _, api, fields, models
from coquiapps.exceptions import UserError
from coquiapps.orm import SUPERUSER_ID, Environment
from coquiapps.sql_db import cursor

from ..spapi import InvalidClient, InvalidGrant, LWACredentials, RetryPolicy, call_with_retries
from . import endpoints
from .amazon_errors import amazon_errors
from .clock import clock

_logger = logging.getLogger(__name__)

# Durations in Amazon's seconds; the clock says how long they last here (see ``clock.AmazonClock.here``).
EXPIRY_MARGIN = dt.timedelta(seconds=60)   # Amazon's SDK treats a token as expired 60 s early
REFRESH_LEAD = dt.timedelta(seconds=120)   # the cron renews a token when it has this long left ...
REFRESH_WINDOW = dt.timedelta(seconds=30)  # ... with those lapsing this much later in the same run
RETRY_AFTER = dt.timedelta(seconds=60)     # a token that could not be renewed is tried again this much later
MIN_GAP = dt.timedelta(seconds=1)          # runs are at least this far apart (never a busy loop)
CRON_INTERVAL = dt.timedelta(minutes=15)   # the scheduled action's own interval (data/ir_cron.xml)
REFRESH_THREADS = 4                        # a run renewing many tokens does so in this many threads
# Wall seconds one renewal takes when many are renewed in threads, until a run measures it
# (per process and database); renewals of tokens lapsing together are spaced this far apart,
# times RENEWAL_SAFETY, so the last of a bunch is still renewed ``REFRESH_LEAD`` before it lapses.
DEFAULT_RENEWAL_COST = 0.02
RENEWAL_SAFETY = 1.5
_renewal_costs: dict[str, float] = {}
LOCK_NAMESPACE = 0x5350                    # "SP": advisory locks of token refreshes
# LWA hiccups (5xx, server_error, temporarily_unavailable, network): 4 tries, 0.5-0.75 s, then twice that ...
LWA_RETRY = RetryPolicy(max_attempts=4, base_delay=0.75, jitter=1 / 3)
CRON_XMLID = "sale_amazon_spapi.cron_refresh_tokens"


def renewal_starts(expiries: list[dt.datetime], lead: dt.timedelta, spacing: dt.timedelta) -> list[dt.datetime]:
    """When each renewal must start, for ``expiries`` in ascending order: ``lead`` before its
    token lapses, or earlier when the tokens after it lapse so close together that renewing them
    one after another, ``spacing`` apart, would otherwise leave the last ones late. A bunch of
    tokens issued together is thus renewed spread out, and stays spread out afterwards."""
    starts = []
    latest = None
    for expiry in reversed(expiries):
        latest = expiry - lead if latest is None else min(expiry - lead, latest - spacing)
        starts.append(latest)
    return starts[::-1]


def _renewal_spacing(dbname: str) -> dt.timedelta:
    return dt.timedelta(seconds=_renewal_costs.get(dbname, DEFAULT_RENEWAL_COST) * RENEWAL_SAFETY)


def _measured_renewals(dbname: str, count: int, seconds: float) -> None:
    """Remember how long renewals take here (smoothed: one slow run does not double the spacing)."""
    measured = seconds / count
    _renewal_costs[dbname] = (_renewal_costs.get(dbname, measured) + measured) / 2


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


class AmazonSpapiCredentials(models.AbstractModel):
    _inherit = "amazon.spapi.credentials"

    sp_access_token_expires = fields.Datetime("Access Token Expires", compute="_compute_sp_token_info")

    def _compute_sp_token_info(self):
        owners = {account._sp_owner().id for account in self if account.id}  # unified: the parent's
        rows = self._sp_token_expiries(self.browse(sorted(owners))) if owners else {}
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
        with amazon_errors(lambda exc: _("Amazon could not be reached to refresh the access token of "
                                         "%(account)s (%(error)s); the account stays connected and will retry.",
                                         account=owner.name, error=exc),
                           on_error=lambda exc: owner._sp_set_state(
                               {"sp_last_error": _("Could not get an access token: %s", exc)})):
            try:
                return owner._sp_token_from_cache_or_lwa(refresh_token, rejected, valid_until)
            except InvalidGrant as exc:
                owner._sp_mark_reauthorization_needed(exc)
                raise ReauthorizationNeeded(owner._sp_reauth_message(exc)) from exc
            except InvalidClient as exc:
                owner.spapi_app_id._mark_secret_rejected(exc)
                raise UserError(_("Amazon rejected the LWA client secret of %(app)s: %(error)s",
                                  app=owner.spapi_app_id.name, error=exc)) from exc

    def _sp_token_from_cache_or_lwa(self, refresh_token: str, rejected: str | None, valid_until=None):
        self.ensure_one()
        registry, dbname = self.env.registry, self.env.cr.dbname
        # read in the caller's transaction: the account may not be committed yet
        app = self.spapi_app_id
        credentials = LWACredentials(app.client_id, app.sudo().client_secret or "")
        with cursor(dbname) as cr:
            env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
            amazon = clock(env)
            row_id, token = self._sp_fresh_token(env, rejected, valid_until, amazon)
            if token:
                return token, False
            cr.execute("SELECT pg_advisory_xact_lock(%s, %s)", (LOCK_NAMESPACE, self.id))
            cr.cache.clear()
            row_id, token = self._sp_fresh_token(env, rejected, valid_until, amazon)
            if token:
                return token, False  # another worker refreshed while we waited
            lwa = endpoints.lwa_client(env, credentials)
            # this module's time.sleep, looked up now: the fault tests shorten the backoff through it
            fetched = call_with_retries(lambda: lwa.refresh(refresh_token), LWA_RETRY, f"{self.name}: LWA token call",
                                        sleep=time.sleep)
            # Amazon's lifetime (3600 s), on our clock: shorter against a time-scaled sandbox
            expires_at = amazon.expiry(fetched.expires_at, dt.datetime.now(dt.UTC))
            Token = env["amazon.spapi.token"]
            values = {"access_token": fetched.value, "refreshed_at": fields.Datetime.now(),
                      "expires_at": expires_at}
            if row_id:
                cr.execute("UPDATE amazon_spapi_token SET refresh_count = coalesce(refresh_count, 0) + 1 "
                           "WHERE id = %s", (row_id,))
                Token.browse(row_id).write(values)
            else:
                Token.create({**values, "account_id": self.id, "refresh_count": 1})
            return fetched.value, True

    def _sp_fresh_token(self, env, rejected, valid_until, amazon):
        """(token row id or None, the cached token if it lives past the margin and ``valid_until``)."""
        env.cr.execute("SELECT id, expires_at FROM amazon_spapi_token WHERE account_id = %s", (self.id,))
        found = env.cr.fetchone()
        if not found:
            return None, None
        now = amazon.now()
        needed = max(now + amazon.here(EXPIRY_MARGIN), valid_until or now)
        if not found[1] or found[1] <= needed:
            return found[0], None
        token = env["amazon.spapi.token"].browse(found[0]).access_token
        if not token or token == rejected:
            return found[0], None
        return found[0], token

    def _sp_keep_access_token(self, token, refreshed: bool = False) -> None:
        """Once a new grant is committed, cache the access token it came with: its expiry shows at
        once, and the first call reuses it (``refreshed``: it came from a refresh, not a code). Written in a short transaction of its own, like every
        token row, and only if the account still holds that grant then (a refusal rolled it back)."""
        self.ensure_one()
        registry, dbname, account_id = self.env.registry, self.env.cr.dbname, self.id

        def keep():
            with cursor(dbname) as cr:
                env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
                account = env["amazon.account"].browse(account_id).exists()
                if not account or account.sudo().sp_refresh_token != token.refresh_token:
                    return
                expires_at = clock(env).expiry(token.expires_at, dt.datetime.now(dt.UTC))
                cr.execute("DELETE FROM amazon_spapi_token WHERE account_id = %s", (account_id,))
                env["amazon.spapi.token"].create({"account_id": account_id, "access_token": token.value,
                                                  "refreshed_at": fields.Datetime.now(),
                                                  "refresh_count": int(refreshed), "expires_at": expires_at})

        self.env.cr.after_commit(keep)

    def _sp_forget_tokens(self):
        self.env.cr.execute("DELETE FROM amazon_spapi_token WHERE account_id IN %s", (tuple(self.ids) or (0,),))

    # -- states ---------------------------------------------------------------------------
    def _sp_reauth_message(self, exc) -> str:
        return _("Amazon refused the authorization of %(account)s (%(error)s): the seller must authorize "
                 "the application again (Link with Amazon). Syncing is paused until then.",
                 account=self.name, error=exc)

    def _sp_mark_reauthorization_needed(self, exc):
        """invalid_grant: paused until the seller authorizes again (committed now, children too)."""
        message = self._sp_reauth_message(exc)
        self._sp_set_state(
            {"sp_state": "reauth", "sp_state_reason": _("Amazon refused the authorization (%s)", getattr(exc, "code", None) or exc),
             "sp_last_error": message},
            notice=(_("Amazon: %s needs re-authorization", self.name), message, "danger", self))
        self._sp_forget_tokens()

    def _sp_mark_success(self):
        """Amazon answered: the last error is gone, and an account in error is connected again."""
        owner = self._sp_owner()
        values = {"sp_last_success": fields.Datetime.now(), "sp_last_error": False}
        if owner.sp_state == "error":
            values.update(sp_state="connected", sp_state_reason=False)
        owner.sudo().write(values)

    # -- buttons and scheduled action -----------------------------------------------------------
    def action_sp_refresh_token(self):
        """Refresh Access Token: fetch a new one now (proves the refresh token works)."""
        self.ensure_one()
        self.env["res.users"]._check_system(_("Only administrators can refresh access tokens."))
        owner = self._sp_check_usable()
        self.env.cr.execute("DELETE FROM amazon_spapi_token WHERE account_id = %s", (owner.id,))
        if self.env.context.get("amazon_sync_commit", True):
            self.env.cr.commit()  # pylint: disable=invalid-commit  # deliberate; off with amazon_sync_commit=False
        self._sp_access_token()
        return self._notify_client(_("A new access token was obtained for %s.", owner.name))

    @api.model
    def _cron_refresh_access_tokens(self):
        """Renew the tokens about to lapse, then schedule the next run for the next one due.

        A token is renewed shortly before it lapses (``REFRESH_LEAD``, with those due
        within ``REFRESH_WINDOW`` after it), so each LWA call buys nearly a full hour
        of use; tokens lapsing close together (accounts connected together) are
        renewed earlier and spaced out, as fast as renewals go here
        (:func:`renewal_starts`). The run goes on while renewals come due, for at
        most ``CRON_INTERVAL``; the next run is triggered for the next renewal due (at
        the latest after ``CRON_INTERVAL``), so syncs always find a fresh token and
        never wait for LWA. Durations are Amazon's: shorter against a time-scaled
        sandbox. Returns how many tokens were fetched from LWA.
        """
        accounts = self._sp_token_owners()
        if not accounts:
            return 0
        amazon = clock(self.env)
        window = amazon.here(REFRESH_WINDOW)
        until = amazon.now() + amazon.here(CRON_INTERVAL)
        refreshed, tried, failed = 0, set(), set()
        expiries = self._sp_token_expiries(accounts)
        while amazon.now() < until:
            starts = self._sp_renewal_starts(accounts, expiries)
            soon = amazon.now() + window
            due = [account_id for account_id, start in starts if start <= soon and account_id not in tried]
            if not due:
                break
            # renewed unless it lives past the latest of them (another worker renewed it meanwhile)
            horizon = max([amazon.now() + amazon.here(REFRESH_LEAD) + window]
                          + [expiries[i] for i in due if expiries.get(i)])
            if len(due) >= 2 * REFRESH_THREADS:
                refreshed += self._sp_refresh_in_threads(due, horizon)
            else:
                refreshed += sum(self.browse(account_id)._sp_refresh_one(horizon) for account_id in due)
            tried.update(due)
            expiries = self._sp_token_expiries(accounts)
            failed.update(i for i in due if not expiries.get(i) or expiries[i] <= horizon)
        self._sp_schedule_token_refresh(accounts, failed)
        return refreshed

    @api.model
    def _sp_renewal_starts(self, accounts, expiries=None) -> list[tuple[int, dt.datetime]]:
        """(account id, when its renewal must start), most urgent first; now for a missing token."""
        if expiries is None:
            expiries = self._sp_token_expiries(accounts)
        amazon = clock(self.env)
        now = amazon.now()
        missing = [(account_id, now) for account_id in accounts.ids if not expiries.get(account_id)]
        held = sorted((expiry, account_id) for account_id, expiry in expiries.items() if expiry)
        starts = renewal_starts([expiry for expiry, _id in held], amazon.here(REFRESH_LEAD),
                                _renewal_spacing(self.env.cr.dbname))
        return missing + [(account_id, start) for (_expiry, account_id), start in zip(held, starts, strict=True)]

    def _sp_refresh_one(self, horizon) -> int:
        """Renew this account's token unless it lives past ``horizon``; 1 if LWA was called."""
        try:
            with self.env.cr.savepoint():
                return int(self._sp_access_token(valid_until=horizon)[1])
        except UserError as exc:
            _logger.warning("Amazon account %s: token refresh failed: %s", self.name, exc)
            return 0

    @api.model
    def _sp_refresh_in_threads(self, account_ids, horizon) -> int:
        """Many tokens due at once: renew them in a few threads, each with its own transaction, so
        the last one is not renewed long after the first; the time it takes is remembered."""
        registry, dbname = self.env.registry, self.env.cr.dbname

        def refresh(ids):
            count = 0
            for account_id in ids:
                with cursor(dbname) as cr:
                    env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
                    count += env["amazon.account"].browse(account_id)._sp_refresh_one(horizon)
            return count

        began = time.monotonic()
        with ThreadPoolExecutor(REFRESH_THREADS, thread_name_prefix="amazon-token") as pool:
            count = sum(pool.map(refresh, [account_ids[i::REFRESH_THREADS] for i in range(REFRESH_THREADS)]))
        if count:
            _measured_renewals(dbname, count, time.monotonic() - began)
        return count

    @api.model
    def _sp_token_owners(self):
        """The accounts holding an authorization whose tokens the cron keeps fresh."""
        return self.search([("sp_state", "=", "connected"), ("sp_parent_id", "=", False),
                            ("sp_neutralized", "=", False)])

    @api.model
    def _sp_token_expiries(self, accounts) -> dict:
        """{account id: expiry} of the cached tokens, to the microsecond.

        The rows are written in transactions of their own (see ``_sp_access_token``): the cache
        of this one may be stale, and is dropped first."""
        Token = self.env["amazon.spapi.token"].sudo()
        Token.invalidate_model()
        return {row.account_id: row.expires_at for row in Token.search([("account_id", "in", accounts.ids)])}

    @api.model
    def _sp_next_token_refresh(self, accounts, failed_ids=()):
        """When the next refresh run is needed: the earliest renewal start (:meth:`_sp_renewal_starts`),
        at the latest after ``CRON_INTERVAL``; for the tokens this run failed to renew, ``RETRY_AFTER``."""
        amazon = clock(self.env)
        now = amazon.now()
        at = now + amazon.here(CRON_INTERVAL)
        if failed_ids:
            at = min(at, now + amazon.here(RETRY_AFTER))
        for account_id, start in self._sp_renewal_starts(accounts):
            if account_id not in failed_ids:
                at = min(at, start)  # in the past: it came due while this run worked
        return max(at, now + amazon.here(MIN_GAP))

    @api.model
    def _sp_schedule_token_refresh(self, accounts, failed_ids=()):
        """Trigger the refresh cron for :meth:`_sp_next_token_refresh` (replacing a later trigger)."""
        cron = self.env.ref(CRON_XMLID, raise_if_not_found=False)
        if not cron or not cron.active:
            return False
        at = self._sp_next_token_refresh(accounts, failed_ids)
        # to the microsecond: under a time-scaled sandbox a wall second is minutes of Amazon's time
        self.env["ir.cron.trigger"].sudo().search([("cron_id", "=", cron.id),
                                                   ("call_at", ">", clock(self.env).now())]).unlink()
        cron.sudo()._trigger(at)
        return at
