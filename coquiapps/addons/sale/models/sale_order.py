"""Sales orders: a quotation (draft) becomes a sales order when confirmed."""
from collections import defaultdict

from coquiapps import _, api, fields, models
from coquiapps.exceptions import UserError

STATES = [("draft", "Quotation"), ("sale", "Sales Order"), ("cancel", "Cancelled")]


class SaleOrder(models.Model):
    """A customer's order: lines of products, totals, a state."""

    _name = "sale.order"
    _description = "Sales Order"
    _order = "date_order desc, id desc"

    name = fields.Char("Order Reference", required=True, readonly=True, copy=False, index=True,
                       default="New")
    partner_id = fields.Many2one("res.partner", "Customer", required=True, index=True)
    partner_shipping_id = fields.Many2one("res.partner", "Delivery Address",
                                          help="Where the goods go; the customer when empty")
    date_order = fields.Datetime("Order Date", required=True, copy=False,
                                 default=lambda self: fields.Datetime.now())
    state = fields.Selection(STATES, "Status", default="draft", readonly=True, copy=False, index=True)
    currency_id = fields.Many2one("res.currency", "Currency", required=True,
                                  default=lambda self: self.env.company.currency_id)
    order_line = fields.One2many("sale.order.line", "order_id", "Order Lines", copy=True)
    amount_untaxed = fields.Monetary("Untaxed Amount", compute="_compute_amounts", store=True)
    amount_total = fields.Monetary("Total", compute="_compute_amounts", store=True)
    origin = fields.Char("Source Document", help="Reference of the document that generated this order")
    company_id = fields.Many2one("res.company", "Company", required=True, index=True,
                                 default=lambda self: self.env.company)
    user_id = fields.Many2one("res.users", "Salesperson", index=True,
                              default=lambda self: self.env.uid)
    note = fields.Text("Terms and Conditions")

    @api.depends("order_line.price_subtotal")
    def _compute_amounts(self):
        for order in self:
            untaxed = sum(order.order_line.mapped("price_subtotal"))
            untaxed = order.currency_id.round(untaxed) if order.currency_id else round(untaxed, 2)
            order.amount_untaxed = untaxed
            order.amount_total = untaxed

    @api.model_create_multi
    def create(self, vals_list):
        """Orders get their reference from the ``sale.order`` sequence."""
        self.check_access_rights("create")  # before numbers are drawn from the sequence as superuser
        single = isinstance(vals_list, dict)
        vals_list = [vals_list] if single else vals_list
        unnamed = defaultdict(list)   # company -> the values to number, numbered together
        for vals in vals_list:
            if not vals.get("name") or vals.get("name") == "New":
                unnamed[vals.get("company_id")].append(vals)
        for company, values in unnamed.items():
            sequence = self.env["ir.sequence"].with_company(company) if company else self.env["ir.sequence"]
            names = sequence._next_by_code_batch("sale.order", len(values)) or ["New"] * len(values)
            for vals, name in zip(values, names, strict=True):
                vals["name"] = name
        orders = super().create(vals_list)
        return orders[0] if single else orders

    def copy_data(self, default=None):
        default = dict(default or {})
        default.setdefault("name", "New")
        return super().copy_data(default)

    # -- state changes ------------------------------------------------------------
    def action_confirm(self):
        """Quotation -> Sales Order."""
        for order in self:
            if order.state != "draft":
                raise UserError(_("Only quotations can be confirmed (%s is not one).") % order.name)
        self.write({"state": "sale"})
        return True

    def action_cancel(self):
        """Cancel quotations and sales orders."""
        self.write({"state": "cancel"})
        return True

    def action_draft(self):
        """Cancelled -> Quotation again."""
        for order in self:
            if order.state != "cancel":
                raise UserError(_("Only cancelled orders can be set back to quotation (%s).") % order.name)
        self.write({"state": "draft"})
        return True

    @api.ondelete(at_uninstall=False)
    def _unlink_except_confirmed(self):
        for order in self:
            if order.state == "sale":
                raise UserError(_("Cancel the sales order %s before deleting it.") % order.name)


class SaleOrderLine(models.Model):
    """One product of an order: quantity times unit price."""

    _name = "sale.order.line"
    _description = "Sales Order Line"
    _order = "order_id, sequence, id"

    order_id = fields.Many2one("sale.order", "Order Reference", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    product_id = fields.Many2one("product.product", "Product", index=True, ondelete="restrict")
    name = fields.Text("Description", required=True)
    product_uom_qty = fields.Float("Quantity", default=1.0)
    price_unit = fields.Float("Unit Price", default=0.0)
    price_subtotal = fields.Monetary("Subtotal", compute="_compute_price_subtotal", store=True)
    currency_id = fields.Many2one("res.currency", related="order_id.currency_id", string="Currency")
    company_id = fields.Many2one("res.company", related="order_id.company_id", string="Company")
    state = fields.Selection(STATES, related="order_id.state", string="Order Status")

    @api.depends("product_uom_qty", "price_unit")
    def _compute_price_subtotal(self):
        for line in self:
            line.price_subtotal = round(line.product_uom_qty * line.price_unit, 2)

    @api.model_create_multi
    def create(self, vals_list):
        """Description and unit price default to the product's."""
        single = isinstance(vals_list, dict)
        vals_list = [vals_list] if single else vals_list
        for vals in vals_list:
            if vals.get("product_id") and (not vals.get("name") or "price_unit" not in vals):
                product = self.env["product.product"].browse(vals["product_id"])
                vals.setdefault("price_unit", product.list_price)
                if not vals.get("name"):
                    vals["name"] = product.display_name
        lines = super().create(vals_list)
        return lines[0] if single else lines
