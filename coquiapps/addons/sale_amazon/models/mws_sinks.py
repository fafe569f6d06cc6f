"""The connector's own outbound sinks: Amazon MWS feeds, which Amazon has retired."""
from coquiapps import _
from coquiapps.exceptions import UserError

WHAT = {
    "shipments": "shipment confirmations (carrier and tracking numbers)",
    "cancellations": "order cancellations",
    "stock": "FBM stock quantities",
}


class MwsOutboundSink:
    """Stands for the MWS feeds: sending fails with what to do instead (no traffic is attempted).

    Amazon retired MWS and its feeds; the XML and flat-file inventory feeds
    were removed on 30 June 2025. Shipments, cancellations and stock go to
    Amazon through the Selling Partner API Feeds API, which the Amazon/Selling
    Partner API Patch (``sale_amazon_spapi``) provides. ``available`` is
    False: the scheduled actions leave the work pending instead of failing
    every few minutes (the buttons that send now show this error).
    """

    name = "Amazon MWS"
    available = False

    def __init__(self, kind: str):
        self.kind = kind

    def _refuse(self, account):
        raise UserError(_(
            "Amazon MWS is retired: the %(what)s of %(account)s cannot be sent with MWS feeds. They are "
            "sent through the Selling Partner API Feeds API, which the module \"Amazon/Selling Partner API "
            "Patch\" (sale_amazon_spapi) provides; the work stays queued until then. %(hint)s",
            what=WHAT.get(self.kind, self.kind), account=account.name, hint=account._spapi_hint()))

    def send(self, account, records):
        """Never sends: raises a :class:`UserError` naming the module that replaces MWS."""
        self._refuse(account)

    def read_results(self, account, records):
        """Never reads: raises a :class:`UserError` naming the module that replaces MWS."""
        self._refuse(account)
