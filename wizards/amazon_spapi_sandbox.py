"""Point a staging copy at a local Amazon sandbox: the way a neutralized database may link.

A neutralized copy never starts a consent against Amazon's production endpoints
(the seller's real authorization would move to a test database). This wizard
asks the sandbox for its endpoints and public application (``GET
{url}/_sandbox/state``: only a sandbox answers that), sets the
``sale_amazon_spapi.*`` system parameters, registers the ERP's callback as a
redirect URI there, and gives an account already moved off MWS the sandbox's application.
"""
from urllib.parse import urlsplit

import requests

from coquiapps import _, api, fields, models
from coquiapps.exceptions import UserError

from ..models import endpoints

SANDBOX_URL_KEY = endpoints.PREFIX + "sandbox_url"
DEFAULT_SANDBOX_URL = "http://127.0.0.1:8111"
SANDBOX_APP_NAME = "Amazon sandbox (public app)"


class AmazonSpapiSandbox(models.TransientModel):
    _name = "amazon.spapi.sandbox"
    _description = "Use an Amazon sandbox"

    account_id = fields.Many2one("amazon.account", readonly=True)
    url = fields.Char("Sandbox URL", required=True, default=lambda self: self._default_url(),
                      help="Where the Amazon sandbox runs (started by make demo, or with "
                           "'coquiapps amazon-sandbox --port 8111')")

    @api.model
    def _default_url(self) -> str:
        return self.env["ir.config_parameter"].sudo().get_param(SANDBOX_URL_KEY) or DEFAULT_SANDBOX_URL

    def action_apply(self):
        self.ensure_one()
        self.env["res.users"]._check_system(_("Only administrators can change where Amazon is."))
        app = self._use_sandbox(self.url)
        account = self.account_id
        if account.spapi_app_id:
            # already moved off MWS: its production application is useless here, the sandbox's is not
            account.sudo().write({"spapi_app_id": app.id})
            return account._notify_client(_(
                "Amazon endpoints point at the sandbox %(url)s; %(app)s is the account's application. "
                "Link with Amazon now signs in at the sandbox.", url=self._clean(self.url), app=app.name))
        return account._notify_client(_(
            "Amazon endpoints point at the sandbox %(url)s. Move to Selling Partner API with the application "
            "%(app)s to link at the sandbox.", url=self._clean(self.url), app=app.name))

    @staticmethod
    def _clean(url: str) -> str:
        url = (url or "").strip().rstrip("/")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise UserError(_("Sandbox URL: %(url)s is not an http(s) address such as %(example)s.",
                              url=url or _("(empty)"), example=DEFAULT_SANDBOX_URL))
        return url

    @api.model
    def _use_sandbox(self, url: str):
        """Point this database at the sandbox at ``url``; returns its public application here."""
        from coquiapps.modules.neutralize import is_neutralized

        url = self._clean(url)
        if not is_neutralized(self.env.cr):
            raise UserError(_("Only a neutralized copy (staging) is switched to a sandbox from here; on this "
                              "database set the sale_amazon_spapi.* system parameters instead."))
        try:
            response = requests.get(f"{url}/_sandbox/state", timeout=10)
            response.raise_for_status()
            state = response.json()
            ends = state["endpoints"]
            public = next(a for a in state["apps"] if a["kind"] == "public" and not a["draft"])
        except requests.HTTPError as exc:
            raise UserError(_("%(url)s answers, but not as an Amazon sandbox (HTTP %(status)s): nothing was "
                              "changed.", url=url, status=exc.response.status_code)) from exc
        except requests.RequestException as exc:
            raise UserError(_("No Amazon sandbox answers at %(url)s (%(error)s). Start one (make demo starts "
                              "it on port 8111, or run 'coquiapps amazon-sandbox --port 8111') and try again.",
                              url=url, error=type(exc).__name__)) from exc
        except (ValueError, KeyError, TypeError, StopIteration) as exc:
            raise UserError(_("%s answers, but not as an Amazon sandbox: nothing was changed.", url)) from exc
        params = self.env["ir.config_parameter"].sudo()
        params.set_param(SANDBOX_URL_KEY, url)
        params.set_param(endpoints.PREFIX + "lwa_token_url", ends["lwa_token"])
        params.set_param(endpoints.PREFIX + "consent_base_url", ends["consent_base"])
        for region in ("na", "eu", "fe"):
            params.set_param(endpoints.PREFIX + f"endpoint_{region}", ends[region])
        App = self.env["amazon.spapi.app"].sudo().with_context(active_test=False)
        app = App.search([("client_id", "=", public["client_id"])], limit=1)
        values = {"name": SANDBOX_APP_NAME, "kind": "public", "active": True,
                  "application_id": public["application_id"], "client_id": public["client_id"],
                  "client_secret": public["client_secret"]}
        app = app.write(values) and app if app else App.create(values)
        # the sandbox, like Amazon, sends the seller back only to a registered redirect URI
        uris = list(public.get("redirect_uris") or [])
        if app.redirect_uri not in uris:
            try:
                requests.put(f"{url}/_sandbox/apps/{public['client_id']}/redirect-uris",
                             json={"redirect_uris": uris + [app.redirect_uri]}, timeout=10).raise_for_status()
            except requests.RequestException as exc:
                raise UserError(_("The sandbox at %(url)s refused the redirect URI %(uri)s (%(error)s).",
                                  url=url, uri=app.redirect_uri, error=type(exc).__name__)) from exc
        return app
