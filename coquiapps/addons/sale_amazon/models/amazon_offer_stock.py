"""Offers and stock: the fulfillment channel, and the quantity FBM offers report to Amazon."""
from collections import defaultdict

from coquiapps import _, api, fields, models
from coquiapps.exceptions import UserError

from .amazon_outbound import OUTBOUND_STATES


class AmazonOffer(models.Model):
    """An FBM offer can report its available quantity to Amazon; only changes are sent."""

    _inherit = "amazon.offer"

    fulfillment_channel = fields.Selection([("fbm", "Fulfilled by Merchant"), ("fba", "Fulfilled by Amazon")],
                                           "Fulfillment Channel", default="fbm", required=True,
                                           help="Who ships the orders of this offer: you (FBM) or Amazon (FBA)")
    sync_stock = fields.Boolean("Sync Quantity", default=False,
                                help="Send the quantity available in the account's warehouse to Amazon "
                                     "(FBM offers only), whenever it changes")
    amazon_qty_to_send = fields.Integer("Quantity to Send", readonly=True, copy=False)
    amazon_qty_sent = fields.Integer("Quantity on Amazon", readonly=True, copy=False,
                                     help="The last quantity Amazon confirmed")
    amazon_stock_state = fields.Selection(OUTBOUND_STATES, "Quantity Sync", default="none", required=True,
                                          readonly=True, copy=False, index=True)
    amazon_stock_message = fields.Text("Amazon Quantity Message", readonly=True, copy=False)
    amazon_stock_date = fields.Datetime("Quantity Sync Date", readonly=True, copy=False)
    amazon_stock_feed_ref = fields.Char("Quantity Feed", readonly=True, copy=False)

    @api.constrains("fulfillment_channel", "sync_stock")
    def _check_sync_stock_fbm(self):
        for offer in self:
            if offer.sync_stock and offer.fulfillment_channel != "fbm":
                raise UserError(_("The offer %s is fulfilled by Amazon: Amazon counts its stock, so its "
                                  "quantity cannot be synced from here.") % offer.sku)

    def _amazon_available_quantities(self) -> dict:
        """``{offer id: quantity}`` to report: on hand in the account's warehouse, minus what open
        deliveries from it will take, never below 0."""
        result = {}
        by_warehouse = defaultdict(lambda: self.browse())
        for offer in self:
            by_warehouse[offer.account_id._amazon_warehouse()] |= offer
        for warehouse, offers in by_warehouse.items():
            locations = warehouse._locations()
            products = offers.mapped("product_id")
            on_hand = self.env["stock.quant"]._quantities(products, locations)
            outgoing = defaultdict(float)
            for move in self.env["stock.move"].sudo().search([
                    ("product_id", "in", products.ids), ("location_id", "in", locations.ids),
                    ("state", "in", ("draft", "assigned"))]):
                outgoing[move.product_id.id] += move.product_uom_qty
            for offer in offers:
                pid = offer.product_id.id
                result[offer.id] = max(0, int(on_hand.get(pid, 0.0) - outgoing[pid]))
        return result

    def action_amazon_retry_stock(self):
        """Retry button: send the quantity again."""
        for offer in self:
            if offer.amazon_stock_state != "error":
                raise UserError(_("The quantity of %s was not refused by Amazon: there is nothing to retry.")
                                % offer.sku)
        self.write({"amazon_stock_state": "pending", "amazon_stock_message": False})
        return True
