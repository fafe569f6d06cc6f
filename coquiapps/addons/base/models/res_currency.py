from coquiapps import fields, models


class ResCurrency(models.Model):
    _name = "res.currency"
    _description = "Currency"
    _order = "active desc, name"

    name = fields.Char("Currency", size=3, required=True, help="ISO 4217 code")
    full_name = fields.Char("Name")
    symbol = fields.Char(required=True)
    rounding = fields.Float("Rounding Factor", default=0.01)
    decimal_places = fields.Integer(default=2)
    position = fields.Selection([("after", "After Amount"), ("before", "Before Amount")], default="after")
    active = fields.Boolean(default=True)

    _sql_constraints = [("unique_name", "unique (name)", "The currency code must be unique!")]

    def round(self, amount: float) -> float:
        self.ensure_one()
        return round(amount, self.decimal_places)
