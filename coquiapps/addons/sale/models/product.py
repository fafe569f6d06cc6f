"""Products: what is sold, found by its internal reference (the SKU)."""
from coquiapps import fields, models


class ProductProduct(models.Model):
    """A sellable product; ``default_code`` is its internal reference (SKU)."""

    _name = "product.product"
    _description = "Product"
    _order = "default_code, name, id"

    name = fields.Char("Product Name", required=True, index=True)
    default_code = fields.Char("Internal Reference", index=True, copy=False,
                               help="The product's SKU, unique per company")
    list_price = fields.Float("Sales Price", default=0.0)
    description_sale = fields.Text("Sales Description")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", "Company", index=True,
                                 default=lambda self: self.env.company)

    _sql_constraints = [
        ("default_code_company_uniq", "UNIQUE (default_code, company_id)",
         "The internal reference must be unique per company!"),
    ]

    def _compute_display_name(self):
        for product in self:
            code = product.default_code
            product.display_name = f"[{code}] {product.name}" if code else (product.name or "")
