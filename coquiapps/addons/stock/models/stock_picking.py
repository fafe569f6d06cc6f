"""Delivery orders: the moves of one shipment, validated with a carrier and a tracking reference."""
from coquiapps import _, api, fields, models
from coquiapps.exceptions import UserError

PICKING_STATES = [("draft", "Draft"), ("assigned", "Ready"), ("done", "Done"), ("cancel", "Cancelled")]


class StockPicking(models.Model):
    """A transfer of goods; from a warehouse to a customer it is a delivery order.

    Validating it ships the quantities set on its moves (the demand unless
    lowered); what was not shipped goes to a *backorder*, a new delivery for
    the rest.
    """

    _name = "stock.picking"
    _description = "Transfer"
    _order = "scheduled_date desc, id desc"

    name = fields.Char("Reference", required=True, readonly=True, copy=False, index=True, default="/")
    origin = fields.Char("Source Document", index=True, help="The document this transfer was made for")
    partner_id = fields.Many2one("res.partner", "Contact", index=True)
    sale_id = fields.Many2one("sale.order", "Sales Order", index=True, ondelete="set null", readonly=True)
    location_id = fields.Many2one("stock.location", "Source Location", required=True, ondelete="restrict")
    location_dest_id = fields.Many2one("stock.location", "Destination Location", required=True,
                                       ondelete="restrict")
    move_ids = fields.One2many("stock.move", "picking_id", "Operations")
    state = fields.Selection(PICKING_STATES, "Status", default="draft", readonly=True, copy=False, index=True)
    scheduled_date = fields.Datetime("Scheduled Date", default=lambda self: fields.Datetime.now(), index=True)
    date_done = fields.Datetime("Date of Transfer", readonly=True, copy=False)
    carrier_id = fields.Many2one("delivery.carrier", "Carrier", ondelete="restrict")
    carrier_tracking_ref = fields.Char("Tracking Reference", copy=False)
    backorder_id = fields.Many2one("stock.picking", "Back Order of", index=True, readonly=True, copy=False,
                                   ondelete="set null", help="The delivery this one holds the rest of")
    company_id = fields.Many2one("res.company", "Company", required=True, index=True,
                                 default=lambda self: self.env.company)
    note = fields.Text("Notes")

    @api.model_create_multi
    def create(self, vals_list):
        """Transfers are numbered by the ``stock.picking`` sequence (WH/OUT/00001)."""
        single = isinstance(vals_list, dict)
        vals_list = [vals_list] if single else vals_list
        unnamed = [vals for vals in vals_list if vals.get("name", "/") == "/"]
        if unnamed:
            names = self.env["ir.sequence"]._next_by_code_batch("stock.picking", len(unnamed))
            for vals, name in zip(unnamed, names or ["/"] * len(unnamed), strict=True):
                vals["name"] = name
        pickings = super().create(vals_list)
        return pickings[0] if single else pickings

    @api.ondelete(at_uninstall=False)
    def _unlink_except_done(self):
        for picking in self:
            if picking.state == "done":
                raise UserError(_("%s is done: a done transfer cannot be deleted.") % picking.name)

    # -- buttons -------------------------------------------------------------------
    def action_confirm(self):
        """Draft -> Ready: every move is to be shipped in full unless its quantity is lowered."""
        for picking in self:
            if picking.state != "draft":
                raise UserError(_("%s is not a draft.") % picking.name)
            if not picking.move_ids:
                raise UserError(_("%s has no products to move: add one first.") % picking.name)
        moves = self.mapped("move_ids").filtered(lambda m: m.state == "draft")
        for move in moves:
            move.write({"state": "assigned", "quantity": move.quantity or move.product_uom_qty})
        self.write({"state": "assigned"})
        return True

    def button_validate(self):
        """Ship the quantities of the moves; the rest goes to a backorder.

        Refused, with the reason, for a done or cancelled transfer, one without
        any quantity to ship, or a quantity above the demand. Returns a
        notification naming the backorders created, if any.
        """
        self.filtered(lambda p: p.state == "draft").action_confirm()
        for picking in self:
            picking._check_can_validate()
        backorders = self._create_backorders()
        self._action_done()
        if not backorders:
            return True
        return {"type": "ir.actions.client", "tag": "display_notification", "params": {
            "type": "success", "message": _("The rest is to be delivered in %s.") % ", ".join(backorders.mapped("name"))}}

    def _check_can_validate(self) -> None:
        """Raise a :class:`UserError` saying why this transfer cannot be validated (extension point)."""
        self.ensure_one()
        if self.state in ("done", "cancel"):
            raise UserError(_("%(name)s is already %(state)s: there is nothing to validate.", name=self.name,
                              state=dict(PICKING_STATES)[self.state].lower()))
        moves = self._moves_to_do()
        if not moves:
            raise UserError(_("%s has no products to deliver: there is nothing to validate.") % self.name)
        if all(move.quantity <= 0 for move in moves):
            raise UserError(_("Nothing to validate in %s: every quantity is 0. Set the quantity shipped on "
                              "the lines (the demand ships everything).") % self.name)
        for move in moves:
            if move.quantity > move.product_uom_qty:
                raise UserError(_("%(name)s: %(qty)s of %(product)s would be shipped, but only %(demand)s "
                                  "were asked for.", name=self.name, qty=move.quantity,
                                  product=move.product_id.display_name, demand=move.product_uom_qty))

    def _moves_to_do(self):
        return self.mapped("move_ids").filtered(lambda m: m.state not in ("done", "cancel"))

    def _create_backorders(self):
        """Split off what is not shipped now into a backorder per transfer; returns the backorders."""
        backorders = self.browse()
        for picking in self:
            short = picking._moves_to_do().filtered(lambda m: m.quantity < m.product_uom_qty)
            if not short:
                continue
            backorder = picking.copy({"name": "/", "backorder_id": picking.id, "move_ids": [],
                                      "carrier_id": False, "state": "assigned"})
            Move = self.env["stock.move"]
            for move in short:
                rest = move.product_uom_qty - move.quantity
                if not move.quantity:
                    move.write({"picking_id": backorder.id, "quantity": rest})
                    continue
                Move.create({"name": move.name, "sequence": move.sequence, "picking_id": backorder.id,
                             "product_id": move.product_id.id, "product_uom_qty": rest, "quantity": rest,
                             "location_id": move.location_id.id, "location_dest_id": move.location_dest_id.id,
                             "sale_line_id": move.sale_line_id.id or False, "company_id": move.company_id.id,
                             "state": "assigned"})
                move.write({"product_uom_qty": move.quantity})
            backorders |= backorder
        return backorders

    def _action_done(self) -> None:
        """Move the quantities and mark the transfers done (extension point: called once checked)."""
        self._moves_to_do()._action_done()
        self.write({"state": "done", "date_done": fields.Datetime.now()})

    def action_cancel(self):
        """Cancel transfers not done yet (their moves too)."""
        for picking in self:
            if picking.state == "done":
                raise UserError(_("%s is done: a done transfer cannot be cancelled.") % picking.name)
        self._moves_to_do()._action_cancel()
        self.write({"state": "cancel"})
        return True

    def action_view_sale(self):
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": "sale.order", "view_mode": "form",
                "res_id": self.sale_id.id, "name": self.sale_id.name}
