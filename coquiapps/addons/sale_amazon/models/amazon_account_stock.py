"""The account's warehouse (FBM deliveries leave from it) and its Amazon FBA location."""
from coquiapps import _, api, fields, models


class AmazonAccountStock(models.Model):
    """Where an account's orders are delivered from: FBM from a warehouse, FBA from Amazon's stock."""

    _inherit = "amazon.account"

    warehouse_id = fields.Many2one("stock.warehouse", "Warehouse", ondelete="restrict",
                                   help="FBM orders are delivered from this warehouse (the company's first "
                                        "warehouse when empty); FBM offers report its quantities")
    location_id = fields.Many2one("stock.location", "FBA Location", copy=False, ondelete="restrict",
                                  help="The stock Amazon holds for this account: FBA orders are delivered "
                                       "from here")

    @api.model_create_multi
    def create(self, vals_list):
        single = isinstance(vals_list, dict)
        accounts = super().create([vals_list] if single else vals_list)
        for account in accounts:
            account._amazon_fba_location()
        return accounts[0] if single else accounts

    def _amazon_fba_location(self):
        """The account's Amazon FBA location (internal, under Amazon), created when missing."""
        self.ensure_one()
        if not self.location_id:
            parent = self.env.ref("sale_amazon.stock_location_amazon", raise_if_not_found=False)
            self.sudo().location_id = self.env["stock.location"].sudo().create({
                "name": _("FBA %s") % self.name, "usage": "internal", "location_id": parent.id if parent else False,
                "company_id": self.company_id.id})
        return self.location_id

    def _amazon_warehouse(self):
        """The warehouse FBM orders leave from."""
        self.ensure_one()
        return self.warehouse_id or self.env["stock.warehouse"]._get_for_company(self.company_id)


class ProductProduct(models.Model):
    """The connector's shipping and gift wrapping products are services."""

    _inherit = "product.product"

    @api.model
    def _amazon_mark_services(self) -> None:
        """Make the connector's charge-only products services (called by the module's data)."""
        for name in ("shipping_product", "gift_wrap_product"):
            product = self.env.ref(f"sale_amazon.{name}", raise_if_not_found=False)
            if product and product.type != "service":
                product.sudo().type = "service"
