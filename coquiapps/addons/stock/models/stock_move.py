"""Stock moves: a quantity of a product going from one location to another."""
from coquiapps import _, api, fields, models
from coquiapps.exceptions import UserError

MOVE_STATES = [("draft", "New"), ("assigned", "Ready"), ("done", "Done"), ("cancel", "Cancelled")]


class StockMove(models.Model):
    """One product line of a delivery: ``product_uom_qty`` asked, ``quantity`` shipped when validated."""

    _name = "stock.move"
    _description = "Stock Move"
    _order = "picking_id, sequence, id"

    name = fields.Char("Description", required=True)
    sequence = fields.Integer(default=10)
    picking_id = fields.Many2one("stock.picking", "Transfer", index=True, ondelete="cascade")
    product_id = fields.Many2one("product.product", "Product", required=True, index=True, ondelete="restrict")
    product_uom_qty = fields.Float("Demand", required=True, default=1.0,
                                   help="The quantity to deliver")
    quantity = fields.Float("Quantity", default=0.0,
                            help="The quantity shipped when the delivery is validated (the demand by "
                                 "default; lower it to ship the rest in a backorder)")
    location_id = fields.Many2one("stock.location", "Source Location", required=True, index=True,
                                  ondelete="restrict")
    location_dest_id = fields.Many2one("stock.location", "Destination Location", required=True, index=True,
                                       ondelete="restrict")
    state = fields.Selection(MOVE_STATES, "Status", default="draft", readonly=True, copy=False, index=True)
    date = fields.Datetime("Date Done", readonly=True, copy=False)
    sale_line_id = fields.Many2one("sale.order.line", "Sale Line", index=True, ondelete="set null", copy=False)
    company_id = fields.Many2one("res.company", "Company", required=True, index=True,
                                 default=lambda self: self.env.company)

    @api.constrains("product_uom_qty", "quantity")
    def _check_quantities(self):
        for move in self:
            if move.product_uom_qty < 0 or move.quantity < 0:
                raise UserError(_("The quantities of %(product)s must not be negative.",
                                  product=move.product_id.display_name))

    def write(self, vals):
        if "quantity" in vals or "product_uom_qty" in vals:
            finished = self.filtered(lambda m: m.state in ("done", "cancel"))
            if finished and not self.env.context.get("stock_move_internal"):
                raise UserError(_("%(product)s: the quantities of a done or cancelled move cannot change.",
                                  product=finished[0].product_id.display_name))
        return super().write(vals)

    def _action_done(self) -> None:
        """Move each quantity from its source to its destination (on-hand quantities follow)."""
        deltas = {}
        for move in self:
            for location, sign in ((move.location_id, -1), (move.location_dest_id, 1)):
                key = (move.product_id, location)
                deltas[key] = deltas.get(key, 0.0) + sign * move.quantity
        self.env["stock.quant"]._update_quantities(deltas)
        self.with_context(stock_move_internal=True).write({"state": "done", "date": fields.Datetime.now()})

    def _action_cancel(self) -> None:
        if any(move.state == "done" for move in self):
            raise UserError(_("A done move cannot be cancelled."))
        self.with_context(stock_move_internal=True).write({"state": "cancel", "quantity": 0.0})
