"""Sequences: numbered references (SO0001) safe under concurrency (row lock)."""
import datetime as dt

from coquiapps import api, fields, models


class IrSequence(models.Model):
    _name = "ir.sequence"
    _description = "Sequence"
    _order = "name"

    name = fields.Char(required=True)
    code = fields.Char("Sequence Code", index=True)
    prefix = fields.Char(help="May contain %(year)s, %(month)s, %(day)s")
    suffix = fields.Char()
    padding = fields.Integer("Sequence Size", default=5)
    number_next = fields.Integer("Next Number", default=1, required=True)
    number_increment = fields.Integer("Step", default=1)
    company_id = fields.Many2one("res.company", "Company")
    active = fields.Boolean(default=True)

    def _next(self) -> str:
        self.ensure_one()
        self.env.cr.execute(
            "UPDATE ir_sequence SET number_next = number_next + number_increment WHERE id = %s "
            "RETURNING number_next - number_increment", (self.id,))
        number = self.env.cr.fetchone()[0]
        self.env.cr.cache.clear()
        today = dt.date.today()
        values = {"year": f"{today:%Y}", "month": f"{today:%m}", "day": f"{today:%d}", "y": f"{today:%y}"}
        prefix = (self.prefix or "") % values
        suffix = (self.suffix or "") % values
        return f"{prefix}{number:0{self.padding}d}{suffix}"

    @api.model
    def next_by_code(self, code: str):
        company = self.env.company.id if "res.company" in self.env else False
        seq = self.sudo().search([("code", "=", code), "|", ("company_id", "=", company),
                                  ("company_id", "=", False)], order="company_id", limit=1)
        return seq._next() if seq else False
