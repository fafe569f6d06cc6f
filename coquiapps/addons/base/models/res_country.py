"""Countries (ISO 3166-1) and their states (ISO 3166-2), as Odoo's ``res.country``."""
from coquiapps import api, fields, models


class ResCountry(models.Model):
    _name = "res.country"
    _description = "Country"
    _order = "name"

    name = fields.Char("Country Name", required=True, translate=True)
    code = fields.Char("Country Code", size=2, required=True,
                       help="The ISO country code in two chars. You can use this field for quick search.")
    phone_code = fields.Integer("Country Calling Code")
    currency_id = fields.Many2one("res.currency", "Currency")
    state_ids = fields.One2many("res.country.state", "country_id", "States")

    _sql_constraints = [
        ("name_uniq", "unique (name)", "The name of the country must be unique!"),
        ("code_uniq", "unique (code)", "The code of the country must be unique!"),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        single = isinstance(vals_list, dict)
        vals_list = [_upper_code(v) for v in ([vals_list] if single else vals_list)]
        records = super().create(vals_list)
        return records[0] if single else records

    def write(self, vals):
        return super().write(_upper_code(vals))


class ResCountryState(models.Model):
    _name = "res.country.state"
    _description = "Country state"
    _order = "code"

    country_id = fields.Many2one("res.country", "Country", required=True, ondelete="cascade", index=True)
    name = fields.Char("State Name", required=True, help="Administrative divisions of a country. E.g. Fed. State")
    code = fields.Char("State Code", required=True, help="The state code.")

    _sql_constraints = [("name_code_uniq", "unique(country_id, code)",
                         "The code of the state must be unique by country!")]


def _upper_code(vals: dict) -> dict:
    """ISO codes are upper case: ``us`` is stored as ``US`` (as Odoo does)."""
    if vals.get("code"):
        return {**vals, "code": vals["code"].strip().upper()}
    return vals
