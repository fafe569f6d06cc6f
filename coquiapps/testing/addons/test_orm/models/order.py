from coquiapps import api, fields, models
from coquiapps.exceptions import ValidationError


class Tag(models.Model):
    _name = "test.orm.tag"
    _description = "Test Tag"

    name = fields.Char(required=True)


class Order(models.Model):
    _name = "test.orm.order"
    _description = "Test Order"
    _order = "sequence, id"

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    state = fields.Selection([("draft", "Draft"), ("done", "Done")], default="draft")
    date = fields.Date()
    moment = fields.Datetime()
    amount = fields.Float()
    currency_id = fields.Many2one("res.currency")
    total = fields.Monetary(currency_field="currency_id")
    note = fields.Text()
    data = fields.Json()
    blob = fields.Binary()
    partner_id = fields.Many2one("res.partner", ondelete="restrict")
    partner_name = fields.Char(related="partner_id.name")
    tag_ids = fields.Many2many("test.orm.tag")
    line_ids = fields.One2many("test.orm.line", "order_id")
    line_count = fields.Integer(compute="_compute_line_count")
    amount_lines = fields.Float(compute="_compute_amount_lines", store=True)
    line_max = fields.Float(compute="_compute_amount_lines", store=True)
    secret = fields.Char(groups="base.group_system", password=True, copy=False)
    company_id = fields.Many2one("res.company")

    _sql_constraints = [("name_uniq", "unique(name)", "Order names must be unique.")]

    def _compute_line_count(self):
        for order in self:
            order.line_count = len(order.line_ids)

    @api.depends("line_ids.subtotal")
    def _compute_amount_lines(self):
        for order in self:
            order.amount_lines = sum(order.line_ids.mapped("subtotal"))
            order.line_max = max(order.line_ids.mapped("subtotal"), default=0.0)

    @api.constrains("amount")
    def _check_amount(self):
        for order in self:
            if order.amount < 0:
                raise ValidationError(f"The amount of {order.name} cannot be negative.")

    def action_done(self):
        self.write({"state": "done"})
        return True


class Line(models.Model):
    _name = "test.orm.line"
    _description = "Test Line"

    order_id = fields.Many2one("test.orm.order", required=True, ondelete="cascade")
    qty = fields.Float(default=1.0)
    price = fields.Float()
    subtotal = fields.Float(compute="_compute_subtotal", store=True)
    # restricted like the field it shows (order_id.secret has groups)
    order_secret = fields.Char(related="order_id.secret")

    @api.depends("qty", "price")
    def _compute_subtotal(self):
        for line in self:
            line.subtotal = line.qty * line.price


class Vault(models.Model):
    _name = "test.orm.vault"
    _description = "Encrypted secrets"

    name = fields.Char()
    token = fields.Char(encrypted=True, password=True, groups="base.group_system", copy=False)
