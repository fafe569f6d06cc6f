"""Products in the warehouse: goods are delivered, services are not; on-hand quantity."""
from coquiapps import fields, models

PRODUCT_TYPES = [("consu", "Goods"), ("service", "Service")]


class ProductProduct(models.Model):
    """Goods move through deliveries; services (shipping fees, gift wrapping) never do."""

    _inherit = "product.product"

    type = fields.Selection(PRODUCT_TYPES, "Product Type", default="consu", required=True,
                            help="Goods are delivered (and counted on hand); services are not")
    qty_available = fields.Float("On Hand", compute="_compute_qty_available",
                                 help="Quantity in the internal locations of the company's warehouses")

    def _compute_qty_available(self):
        quantities = self.env["stock.quant"]._quantities(self)
        for product in self:
            product.qty_available = quantities.get(product.id, 0.0)
