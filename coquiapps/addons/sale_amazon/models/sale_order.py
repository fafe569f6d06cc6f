"""Sales orders imported from Amazon: the account, Amazon's order id, channel and status."""
from coquiapps import fields, models

from .amazon_order_import import AMAZON_STATUSES


class SaleOrder(models.Model):
    """An order imported from Amazon is keyed on (account, Amazon order id)."""

    _inherit = "sale.order"

    amazon_account_id = fields.Many2one("amazon.account", "Amazon Account", index=True, copy=False,
                                        ondelete="restrict", readonly=True)
    amazon_order_ref = fields.Char("Amazon Order Reference", index=True, copy=False, readonly=True)
    amazon_marketplace_id = fields.Many2one("amazon.marketplace", "Amazon Marketplace", copy=False,
                                            readonly=True)
    amazon_channel = fields.Selection([("fba", "Fulfillment by Amazon"), ("fbm", "Fulfillment by Merchant")],
                                      "Fulfillment Channel", copy=False, readonly=True)
    amazon_status = fields.Selection(AMAZON_STATUSES, "Amazon Status", copy=False, readonly=True)

    _sql_constraints = [
        ("amazon_order_ref_uniq", "UNIQUE (amazon_order_ref, amazon_account_id)",
         "An Amazon order can only be imported once per account!"),
    ]


class SaleOrderLine(models.Model):
    """An order line remembers the Amazon order item and the offer it came through."""

    _inherit = "sale.order.line"

    amazon_item_ref = fields.Char("Amazon Order Item", copy=False, readonly=True)
    amazon_offer_id = fields.Many2one("amazon.offer", "Amazon Offer", copy=False, ondelete="set null",
                                      readonly=True)
