"""Sales orders get their delivery when confirmed; cancelling them cancels what is not shipped yet."""
from collections import defaultdict

from coquiapps import _, fields, models
from coquiapps.exceptions import UserError


class SaleOrder(models.Model):
    """A confirmed order has delivery orders (``picking_ids``): the Delivery smart button."""

    _inherit = "sale.order"

    warehouse_id = fields.Many2one("stock.warehouse", "Warehouse", ondelete="restrict",
                                   help="Where the goods leave from (the company's warehouse when empty)")
    picking_ids = fields.One2many("stock.picking", "sale_id", "Transfers")
    delivery_count = fields.Integer("Delivery Orders", compute="_compute_delivery_count")

    def _compute_delivery_count(self):
        for order in self:
            order.delivery_count = len(order.picking_ids)

    # -- state changes ------------------------------------------------------------
    def action_confirm(self):
        result = super().action_confirm()
        self._create_deliveries()
        return result

    def action_cancel(self):
        """Cancel the orders and their deliveries not done yet."""
        self._check_cancel_deliveries()
        result = super().action_cancel()
        self.mapped("picking_ids").filtered(lambda p: p.state not in ("done", "cancel")).action_cancel()
        return result

    def _check_cancel_deliveries(self) -> None:
        """Extension point: refuse cancelling (UserError) when a delivery forbids it; nothing here."""
        return None

    # -- deliveries --------------------------------------------------------------------
    def _delivery_route(self) -> tuple:
        """``(source location, destination location)`` of this order's delivery (extension point)."""
        self.ensure_one()
        warehouse = self.warehouse_id or self.env["stock.warehouse"]._get_for_company(self.company_id)
        if not warehouse.lot_stock_id:
            raise UserError(_("The warehouse %s has no stock location.") % warehouse.name)
        return warehouse.lot_stock_id, self.env["stock.warehouse"]._customer_location()

    def _create_deliveries(self):
        """One delivery per order for the goods not yet planned in another delivery; returns them.

        The deliveries and their moves are created in two batches, whatever the
        number of orders (an import confirms a page of orders at once).
        """
        planned = defaultdict(float)   # sale line id -> quantity already in a delivery not cancelled
        for move in self.env["stock.move"].search([("sale_line_id", "in", self.mapped("order_line").ids),
                                                    ("state", "!=", "cancel")]):
            planned[move.sale_line_id.id] += move.product_uom_qty
        todo = []
        for order in self:
            lines = [(line, line.product_uom_qty - planned[line.id]) for line in order.order_line
                     if line.product_id and line.product_id.type == "consu"]
            lines = [(line, qty) for line, qty in lines if qty > 0]
            if lines:
                todo.append((order, order._delivery_route(), lines))
        if not todo:
            return self.env["stock.picking"]
        pickings = self.env["stock.picking"].create([{
            "partner_id": (order.partner_shipping_id or order.partner_id).id,
            "origin": order.name, "sale_id": order.id, "company_id": order.company_id.id,
            "location_id": source.id, "location_dest_id": dest.id, "state": "assigned",
            "scheduled_date": order.date_order,
        } for order, (source, dest), _lines in todo])
        self.env["stock.move"].create([{
            "name": line.name, "sequence": line.sequence, "picking_id": picking.id,
            "product_id": line.product_id.id, "product_uom_qty": qty, "quantity": qty,
            "location_id": source.id, "location_dest_id": dest.id, "sale_line_id": line.id,
            "company_id": order.company_id.id, "state": "assigned",
        } for picking, (order, (source, dest), lines) in zip(pickings, todo, strict=True) for line, qty in lines])
        return pickings

    def action_view_delivery(self):
        """The Delivery smart button: the order's delivery (its form when there is one)."""
        self.ensure_one()
        action = {"type": "ir.actions.act_window", "res_model": "stock.picking", "name": _("Delivery Orders"),
                  "domain": [("sale_id", "=", self.id)], "context": {"default_sale_id": self.id}}
        if len(self.picking_ids) == 1:
            return {**action, "view_mode": "form", "res_id": self.picking_ids.id}
        return {**action, "view_mode": "list,form"}
