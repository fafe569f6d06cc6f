"""The account's orders now come from SP-API; what may sync and what may not."""
from coquiapps import models

from .spapi_order_source import SpapiOrderSource


class AmazonAccount(models.Model):
    _inherit = "amazon.account"

    def _get_order_source(self):
        """SP-API for every account linked (or being linked) through it; MWS stays retired."""
        self.ensure_one()
        owner = self._sp_owner()
        if owner.spapi_app_id or owner.sp_state != "not_connected" or owner.sp_has_refresh_token:
            return SpapiOrderSource()
        return super()._get_order_source()

    def _sp_may_sync(self) -> bool:
        """Only connected accounts sync: not paused ("Don't fetch orders"), not on a staging copy."""
        self.ensure_one()
        owner = self._sp_owner()
        return (owner.sp_state == "connected" and not self.sp_no_fetch
                and not self.sp_neutralized and not owner.sp_neutralized)

    def _amazon_syncable(self):
        return super()._amazon_syncable().filtered(lambda account: account._sp_may_sync())
