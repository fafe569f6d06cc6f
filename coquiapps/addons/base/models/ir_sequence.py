"""Sequences: numbered references (SO0001) safe under concurrency (row lock)."""
import datetime as dt

from coquiapps import _, api, fields, models


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
        return self._next_batch(1)[0]

    def _next_batch(self, count: int) -> list[str]:
        """The next ``count`` references, reserved with one statement."""
        self.ensure_one()
        prefix, suffix, padding = self.prefix or "", self.suffix or "", self.padding
        self.env.cr.execute(
            "UPDATE ir_sequence SET number_next = number_next + number_increment * %s WHERE id = %s "
            "RETURNING number_next - number_increment * %s, number_increment", (count, self.id, count))
        first, step = self.env.cr.fetchone()
        self.env.cr.cache.clear()
        today = dt.date.today()
        values = {"year": f"{today:%Y}", "month": f"{today:%m}", "day": f"{today:%d}", "y": f"{today:%y}"}
        prefix, suffix = prefix % values, suffix % values
        return [f"{prefix}{first + i * step:0{padding}d}{suffix}" for i in range(count)]

    @api.model
    def next_by_code(self, code: str):
        """The next reference of the sequence ``code`` (False when there is none), for administrators.

        Server code numbering the records it creates calls :meth:`_next_by_code_batch`.
        """
        self.env["res.users"]._check_system(_("Only administrators can draw numbers from a sequence directly."))
        return (self._next_by_code_batch(code, 1) or [False])[0]

    @api.model
    def _next_by_code_batch(self, code: str, count: int) -> list[str]:
        """The next ``count`` references of the sequence ``code`` (empty when there is none)."""
        company = self.env.company.id if "res.company" in self.env else False
        seq = self.sudo().search([("code", "=", code), "|", ("company_id", "=", company),
                                  ("company_id", "=", False)], order="company_id", limit=1)
        return seq._next_batch(count) if seq else []
