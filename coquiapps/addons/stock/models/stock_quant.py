"""On-hand quantities: one row per product and internal location."""
from collections import defaultdict

from coquiapps import _, api, fields, models
from coquiapps.exceptions import UserError


class StockQuant(models.Model):
    """How many of a product are in an internal location (negative when more left than was counted).

    Editing ``quantity`` is an inventory adjustment; validated moves change it
    through :meth:`_update_quantity`.
    """

    _name = "stock.quant"
    _description = "On-Hand Quantity"
    _order = "location_id, product_id, id"
    _rec_name = "product_id"

    product_id = fields.Many2one("product.product", "Product", required=True, index=True, ondelete="restrict")
    location_id = fields.Many2one("stock.location", "Location", required=True, index=True, ondelete="restrict")
    company_id = fields.Many2one("res.company", "Company", index=True, readonly=True,
                                 help="The location's company (set from it)")
    quantity = fields.Float("Quantity", default=0.0)

    _sql_constraints = [
        ("product_location_uniq", "UNIQUE (product_id, location_id)",
         "A product has one on-hand quantity per location!"),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        single = isinstance(vals_list, dict)
        vals_list = [vals_list] if single else vals_list
        for vals in vals_list:
            if vals.get("location_id"):
                vals["company_id"] = self.env["stock.location"].browse(vals["location_id"]).company_id.id or False
        quants = super().create(vals_list)
        return quants[0] if single else quants

    @api.constrains("location_id")
    def _check_internal(self):
        for quant in self:
            if not quant.location_id._keeps_quants():
                raise UserError(_("%(location)s is not an internal location: on-hand quantities are only "
                                  "kept in internal locations.", location=quant.location_id.complete_name))

    @api.model
    def _update_quantity(self, product, location, delta: float) -> None:
        """Add ``delta`` (may be negative) to the quantity of ``product`` in ``location``."""
        self._update_quantities({(product, location): delta})

    @api.model
    def _update_quantities(self, deltas: dict) -> None:
        """Add each ``{(product, location): delta}``; locations keeping no quantities are skipped.

        One statement (``INSERT ... ON CONFLICT``) for all of them, so two
        validations at once both count.
        """
        rows = [(product.id, location.id, location.company_id.id or None, delta, self.env.uid, self.env.uid)
                for (product, location), delta in deltas.items() if delta and location._keeps_quants()]
        if not rows:
            return
        self.env.cr.execute_values(
            "INSERT INTO stock_quant (product_id, location_id, company_id, quantity, "
            "                         create_uid, create_date, write_uid, write_date) "
            "SELECT v.product_id, v.location_id, v.company_id, v.quantity, v.uid, now() AT TIME ZONE 'UTC', "
            "       v.uid2, now() AT TIME ZONE 'UTC' "
            "FROM (VALUES %s) AS v(product_id, location_id, company_id, quantity, uid, uid2) "
            "ON CONFLICT (product_id, location_id) DO UPDATE SET "
            "quantity = stock_quant.quantity + EXCLUDED.quantity, "
            "write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date", rows,
            template="(%s::int, %s::int, %s::int, %s::float8, %s::int, %s::int)")
        self.invalidate_model(["quantity"])

    @api.model
    def _quantities(self, products, locations=None) -> dict:
        """``{product id: quantity}`` in ``locations`` (default: every internal location of the company)."""
        if not products:
            return {}
        domain = [("product_id", "in", products.ids)]
        if locations is None:
            domain.append(("company_id", "in", [False, self.env.company.id]))
        else:
            domain.append(("location_id", "in", locations.ids))
        totals = defaultdict(float)
        for quant in self.sudo().search(domain):
            totals[quant.product_id.id] += quant.quantity
        return dict(totals)
