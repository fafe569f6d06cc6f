"""The account's deliveries, cancellations and FBM quantities go to Amazon through SP-API feeds."""
from coquiapps import _, models

from .spapi_outbound_sink import SpapiOutboundSink


class AmazonAccount(models.Model):
    _inherit = "amazon.account"

    def _get_outbound_sink(self, kind: str):
        """SP-API feeds for every account linked (or being linked) through SP-API; MWS stays retired."""
        sink = super()._get_outbound_sink(kind)
        owner = self._sp_owner()
        if owner.spapi_app_id or owner.sp_state != "not_connected" or owner.sp_has_refresh_token:
            return SpapiOutboundSink(kind, self)
        return sink

    def _sp_may_send(self) -> bool:
        """Connected accounts send (not a staging copy); "Don't fetch orders" does not stop confirmations."""
        self.ensure_one()
        owner = self._sp_owner()
        return owner.sp_state == "connected" and not self.sp_neutralized and not owner.sp_neutralized

    def action_sp_view_feeds(self):
        """The account's feeds (documents and Amazon's reports), for support."""
        self.ensure_one()
        self.check_access("read")
        return {"type": "ir.actions.act_window", "name": _("Amazon Feeds"), "res_model": "amazon.spapi.feed",
                "view_mode": "list,form", "domain": [("account_id", "=", self.id)]}
