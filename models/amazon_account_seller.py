"""Which seller an authorization belongs to: one seller per account, one account per seller.

Amazon does not name the seller of a refresh token (LWA answers with tokens only, the
Sellers API with marketplaces only). The Listings Items API does take a seller id in its
path and refuses (403) one that is not the access token's seller; an unknown SKU of the
right seller is a 404. That probe proves a pasted ``Atzr|`` token is the seller's
claimed in the wizard (the consent callback gets the seller id from Amazon itself).
"""
from coquiapps import _, models

from ..spapi import AccessDenied, ListingsAPI, NotFound
from . import endpoints
from .amazon_account_link import ConsentRefused
from .amazon_errors import amazon_errors

#: a SKU no seller has: only the seller check in the path matters
PROBE_SKU = "coquiapps-seller-check"
LINKED_STATES = ("connected", "reauth", "error")


class AmazonSpapiCredentials(models.AbstractModel):
    _inherit = "amazon.spapi.credentials"

    def _sp_expected_seller(self) -> str:
        """The seller this account belongs to, if it is known yet."""
        self.ensure_one()
        return self.sp_selling_partner_id or self.seller_key or ""

    def _sp_check_seller(self, selling_partner_id: str) -> None:
        """Refuse a seller that is not this account's, or that another account already uses."""
        self.ensure_one()
        expected = self._sp_expected_seller()
        if expected and selling_partner_id != expected:
            raise ConsentRefused(_(
                "These credentials are for seller %(got)s, but %(account)s belongs to seller %(expected)s. "
                "Nothing was saved. Use the refresh token of seller %(expected)s (sign in to Seller Central as "
                "that seller), or create a separate Amazon account for seller %(got)s.",
                got=selling_partner_id, account=self.name, expected=expected))
        family = self | self.sp_parent_id | self.sp_child_ids
        other = self.sudo().with_context(active_test=False).search([
            ("sp_selling_partner_id", "=", selling_partner_id), ("id", "not in", family.ids),
            ("sp_state", "in", LINKED_STATES)], limit=1)
        if other:
            raise ConsentRefused(_(
                "Seller %(seller)s is already linked to the account %(other)s. Nothing was saved. If "
                "%(account)s is the same seller in another company, set its 'Uses the Authorization of' to "
                "%(other)s instead; otherwise use the refresh token of this account's own seller.",
                seller=selling_partner_id, other=other.name, account=self.name))

    def _sp_verify_token_seller(self, access_token: str, selling_partner_id: str) -> None:
        """Prove with Amazon that ``access_token`` is ``selling_partner_id``'s (see the module doc)."""
        self.ensure_one()
        client = endpoints.spapi_client(self.env, self.base_marketplace_id.region,
                                        lambda force_refresh=False: access_token, selling_partner_id)
        with amazon_errors(lambda exc: _("Amazon could not confirm the seller of this refresh token (%s); "
                                         "nothing was saved, try again.", exc), error=ConsentRefused):
            try:
                ListingsAPI(client).get_listings_item(selling_partner_id, PROBE_SKU,
                                                      [self.base_marketplace_id.api_ref], ("summaries",))
            except NotFound:
                return  # the seller matches; the SKU does not exist, as intended
            except AccessDenied as exc:
                raise ConsentRefused(_(
                    "Amazon says this refresh token is not seller %(seller)s's (%(error)s). Nothing was saved. "
                    "Paste the token shown when seller %(seller)s authorized the app in Seller Central (and check "
                    "that the app has the Product Listing role).", seller=selling_partner_id, error=exc)) from exc
