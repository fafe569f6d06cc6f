"""Amazon's consent round trip: start, connect links for account owners, the callback.

The controller only checks and delegates: the state and link rules live in
``amazon.spapi.consent`` / ``amazon.spapi.connect.link``, the exchange and
storage in ``amazon.account._sp_complete_consent``.
"""
import logging

from markupsafe import Markup

from coquiapps import _, http
from coquiapps.exceptions import UserError
from coquiapps.http import request
from coquiapps.orm import SUPERUSER_ID
from coquiapps.tools import locale_format

from ..models.oauth_state import StateError

_logger = logging.getLogger(__name__)
NO_REFERRER = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


def _page(title, message, level=None, status=200, outcome="", **values):
    response = request.render("sale_amazon_spapi/page.html", {
        "title": title, "message": message, "level": level, "outcome": outcome, **values}, status=status)
    response.headers.update(NO_REFERRER)
    return response


def _sudo_env():
    return request.env(user=SUPERUSER_ID, su=True)


def _local_time(value) -> Markup:
    """``value`` (naive UTC) in the visitor's zone, named; the page's script shows it in the browser's
    zone when the server does not know it yet (an account owner's first visit)."""
    context = request.env.context
    tz = context.get("tz") or "UTC"
    shown = locale_format.format_datetime(value, context.get("lang"), tz)
    return Markup('<time data-local datetime="{}Z">{} ({})</time>').format(value.isoformat(timespec="seconds"),
                                                                          shown, tz)


class AmazonSpapiController(http.Controller):

    @http.route("/amazon_spapi/connect/<string:token>", type="http", auth="public", methods=["GET"])
    def connect_page(self, token, **kw):
        """What the account owner sees: who asks, for which marketplace, one button."""
        if request.env is None:
            return _page(_("Link not usable"), _("This link does not name a database."), "danger", 404, "invalid")
        try:
            link = _sudo_env()["amazon.spapi.connect.link"]._find(token)
        except UserError as exc:
            return _page(_("Link not usable"), exc.message, "danger", 410, "invalid")
        account = link.account_id
        response = request.render("sale_amazon_spapi/connect.html", {
            "token": token, "company": account.company_id.name,
            "marketplace": account.base_marketplace_id.name or "Amazon",
            "expires": _local_time(link.expires_at), "_": _})
        response.headers.update(NO_REFERRER)
        return response

    @http.route("/amazon_spapi/connect/<string:token>/start", type="http", auth="public", methods=["POST"])
    def connect_start(self, token, **kw):
        if request.env is None:
            return _page(_("Link not usable"), _("This link does not name a database."), "danger", 404, "invalid")
        env = _sudo_env()
        try:
            link = env["amazon.spapi.connect.link"]._find(token)
            url = link.account_id._sp_consent_url(started_by="owner", link=link)
        except UserError as exc:
            return _page(_("Link not usable"), exc.message, "danger", 410, "invalid")
        return request.redirect(url, code=303)

    @http.route("/amazon_spapi/callback", type="http", auth="public", methods=["GET"], csrf=False)
    def callback(self, state=None, selling_partner_id=None, spapi_oauth_code=None, error=None,
                 error_description=None, **kw):
        """Amazon sends the seller back here; every failure is a page, never a change."""
        if request.env is None:
            return _page(_("Authorization not completed"),
                         _("This server could not tell which database the authorization belongs to. Open the "
                           "ERP in this browser first, then start the link again."), "danger", 400, "no_database")
        env = _sudo_env()
        try:
            attempt = env["amazon.spapi.consent"]._consume(state or "")
        except StateError as exc:
            issued = env["amazon.spapi.consent"]._issued(state)
            if issued.outcome == "connected":
                return self._already_connected(issued)  # the success page, reloaded
            # forged, replayed, expired or foreign: say so, log it (never the values), change nothing
            _logger.warning("Amazon consent callback refused on %s: %s", request.db, exc)
            return _page(_("Authorization not completed"),
                         _("This answer from Amazon cannot be used: %s. Nothing was changed.", exc),
                         "danger", 400, "bad_state", **self._next_steps(issued))
        account = attempt.account_id
        owner = attempt.started_by == "owner"
        if error or not spapi_oauth_code or not selling_partner_id:
            reason = (f"{error} ({error_description})" if error and error_description
                      else error or _("Amazon did not send an authorization code"))
            attempt.write({"outcome": f"amazon: {reason}"[:200]})
            if attempt.link_id and error:
                # the owner cancelled: the link may be used again while valid
                env.cr.execute("UPDATE amazon_spapi_connect_link SET used_at = NULL WHERE id = %s",
                               (attempt.link_id.id,))
            return _page(_("Authorization not completed"),
                         _("Amazon reported: %s. Nothing was changed; the account keeps its previous "
                           "credentials.", reason), "danger", 400, "amazon_error", **self._next_steps(attempt))
        # read now, while the account is in the cache: its write below would make the page read it again
        account_name, staging = account.name, account.sp_neutralized
        try:
            with env.cr.savepoint():
                account._sp_complete_consent(attempt, spapi_oauth_code, selling_partner_id)
        except UserError as exc:
            attempt.write({"outcome": f"refused: {exc.message}"[:200]})
            return _page(_("Authorization not completed"), exc.message, "danger", 400, "refused",
                         **self._next_steps(attempt))
        if staging:  # a staging copy runs no scheduled actions
            outcome = _("%(account)s is connected to Amazon as seller %(seller)s. This staging copy runs no "
                        "scheduled actions: use Sync Orders to fetch orders.", account=account_name,
                        seller=selling_partner_id)
        else:
            outcome = _("%(account)s is connected to Amazon as seller %(seller)s. Orders will sync on schedule.",
                        account=account_name, seller=selling_partner_id)
        return _page(_("Amazon account connected"), outcome,
                     "success", 200, "connected", **self._back(account, owner))

    def _already_connected(self, attempt):
        """A reload of the success page: the state was used, but the account did connect."""
        account = attempt.account_id
        values = self._back(account, attempt.started_by == "owner")
        if account.sp_state == "connected":
            return _page(_("Amazon account connected"),
                         _("%(account)s is connected to Amazon as seller %(seller)s. This authorization was "
                           "completed already: there is nothing more to do.",
                           account=account.name, seller=account.sp_selling_partner_id),
                         "success", 200, "connected", **values)
        state = dict(account._fields["sp_state"].get_values(account)).get(account.sp_state)
        return _page(_("Authorization completed earlier"),
                     _("This authorization of %(account)s was completed earlier; the account is now: %(state)s.",
                       account=account.name, state=state), "danger", 200, "completed_earlier",
                     **self._next_steps(attempt))

    def _next_steps(self, attempt) -> dict:
        """What the person on a refusal page can do next, and the way back."""
        if not attempt:
            return {"hint": _("If you manage the ERP, open the Amazon account and use Link with Amazon; if you "
                              "received a connect link, ask its sender for a new one."),
                    **({"back_url": "/web/action/model:amazon.account", "back_label": _("Amazon accounts")}
                       if request.uid else {})}
        account, owner = attempt.account_id, attempt.started_by == "owner"
        if not owner:
            hint = _("To try again, start from the account with Link with Amazon, or send the account's owner "
                     "a connect link (Copy Connect Link).")
        elif attempt.link_id and attempt.link_id._is_usable():
            hint = _("Open the connect link you received again to retry: it works until it is used or expires.")
        else:
            hint = _("This connect link cannot be used again. Ask the administrator of %s for a new one: they "
                     "create it on the Amazon account with Copy Connect Link.", account.company_id.name)
        return {"hint": hint, **self._back(account, owner)}

    @staticmethod
    def _back(account, owner: bool) -> dict:
        if owner or not request.uid:
            return {"close_hint": _("You can close this window.")}
        return {"back_url": f"/web/action/model:amazon.account/{account.id}", "back_label": _("Back to the account")}
