"""The connector's own order source: Amazon MWS, which Amazon has retired."""
from coquiapps import _
from coquiapps.exceptions import UserError


class MwsOrderSource:
    """Stands for MWS: fetching fails with what to do instead (no traffic is attempted).

    Amazon switched MWS off (Orders for public developers on 31 July 2022, for
    everyone by 31 March 2024) and removed the MWS credentials. Orders come
    through the Selling Partner API, which the Amazon/Selling Partner API
    Patch (``sale_amazon_spapi``) provides.
    """

    name = "Amazon MWS"

    def fetch_pages(self, account, since):
        """Never yields: raises a :class:`UserError` naming the module that replaces MWS."""
        raise UserError(_(
            "Amazon MWS is retired: Amazon no longer answers MWS requests, so the orders of "
            "%(account)s cannot be fetched with MWS credentials. Orders are now fetched through the "
            "Selling Partner API, which the module \"Amazon/Selling Partner API Patch\" "
            "(sale_amazon_spapi) provides. %(hint)s",
            account=account.name, hint=account._spapi_hint()))
