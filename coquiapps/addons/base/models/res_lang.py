from coquiapps import fields, models


class ResLang(models.Model):
    _name = "res.lang"
    _description = "Languages"
    _order = "active desc, name"

    name = fields.Char(required=True)
    code = fields.Char("Locale Code", required=True)
    active = fields.Boolean()

    _sql_constraints = [("code_uniq", "unique(code)", "The code of the language must be unique!")]

    def installed_codes(self) -> list[str]:
        return self.sudo().search([("active", "=", True)]).mapped("code")
