"""Install a language (Odoo's ``base.language.install``): activate it and load its translations."""
from coquiapps import _, api, fields, models
from coquiapps.exceptions import UserError


class BaseLanguageInstall(models.TransientModel):
    _name = "base.language.install"
    _description = "Install Language"

    lang_ids = fields.Many2many("res.lang", "res_lang_install_rel", "language_wizard_id", "lang_id",
                                "Languages", required=True)
    overwrite = fields.Boolean("Overwrite Existing Terms",
                               help="Translations are read again from the modules' files.")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        lang = self.env.context.get("default_lang")  # Odoo's way to preselect one language by code
        if "lang_ids" in fields_list and lang and "lang_ids" not in values:
            found = self.env["res.lang"].with_context(active_test=False).search([("code", "=", lang)], limit=1)
            values["lang_ids"] = [(6, 0, found.ids)]
        return values

    def lang_install(self):
        """Activate the chosen languages and load the installed modules' translations for them."""
        self.ensure_one()
        self.env["res.users"]._check_system(_("Only administrators can install languages."))
        if not self.lang_ids:
            raise UserError(_("Choose at least one language to install."))
        if self.overwrite:
            from coquiapps.tools import translate

            for code in self.lang_ids.mapped("code"):
                translate.forget(code)  # read from the files again by the activation below
        self.lang_ids.action_activate()
        return {"type": "ir.actions.act_window_close"}
