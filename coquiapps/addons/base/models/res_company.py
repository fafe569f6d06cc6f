from coquiapps import fields, models


class ResCompany(models.Model):
    _name = "res.company"
    _description = "Companies"
    _order = "sequence, name"

    name = fields.Char(related="partner_id.name", store=True, readonly=False, string="Company Name")
    partner_id = fields.Many2one("res.partner", "Partner", required=True)
    currency_id = fields.Many2one("res.currency", "Currency", required=True,
                                  default=lambda self: self.env.ref("base.USD", raise_if_not_found=False))
    sequence = fields.Integer(default=10)
    email = fields.Char()
    logo = fields.Binary("Company Logo", help="Shown by /web/binary/company_logo (and /logo.png).")
    active = fields.Boolean(default=True)

    def create(self, vals_list):
        single = isinstance(vals_list, dict)
        vals_list = [vals_list] if single else vals_list
        for vals in vals_list:
            if not vals.get("partner_id"):
                vals["partner_id"] = self.env["res.partner"].create(
                    {"name": vals.pop("name", None) or "Company", "is_company": True}).id
        records = super().create(vals_list)
        return records[0] if single else records

    def write(self, vals):
        if "name" in vals:
            self.mapped("partner_id").write({"name": vals.pop("name")})
        return super().write(vals)
