from coquiapps import _, fields, models
from coquiapps.exceptions import UserError


class ResLang(models.Model):
    _name = "res.lang"
    _description = "Languages"
    _order = "active desc, name"

    name = fields.Char(required=True)
    code = fields.Char("Locale Code", required=True)
    active = fields.Boolean()

    _sql_constraints = [("code_uniq", "unique(code)", "The code of the language must be unique!")]

    def _installed_codes(self) -> list[str]:
        return self.sudo().search([("active", "=", True)]).mapped("code")

    def write(self, vals):
        if "active" in vals and not vals["active"]:
            self.check_access_rights("write")  # the check below looks at every user's language
            self._check_can_deactivate()
        return super().write(vals)

    def _check_can_deactivate(self) -> None:
        """A language users still have, or the last active one, stays active."""
        codes = self.mapped("code")
        users = self.env["res.users"].sudo().search([("lang", "in", codes)], limit=1)
        if users:
            raise UserError(_("%(lang)s is the language of %(user)s: it cannot be deactivated.",
                              lang=users.lang, user=users.name))
        if not self.sudo().search([("active", "=", True), ("id", "not in", self.ids)], limit=1):
            raise UserError(_("At least one language must stay active."))

    def action_activate(self):
        """Activate the languages (Settings > Languages) and load their translations."""
        from coquiapps.tools import translate

        self.write({"active": True})
        for lang in self:
            translate.ensure_loaded(self.env.registry.modules, lang.code)
        return True
