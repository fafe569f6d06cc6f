"""Addons known to a database: their states, versions and dependencies (the Apps menu)."""
from coquiapps import _, api, fields, models

STATES = [
    ("uninstallable", "Not Installable"),
    ("uninstalled", "Not Installed"),
    ("installed", "Installed"),
    ("to upgrade", "To be upgraded"),
    ("to remove", "To be removed"),
    ("to install", "To be installed"),
]


class IrModuleModule(models.Model):
    _name = "ir.module.module"
    _description = "Module"
    _order = "application desc, sequence, name"
    _rec_name = "shortdesc"

    name = fields.Char("Technical Name", required=True, readonly=True, index=True)
    shortdesc = fields.Char("Module Name", readonly=True)
    summary = fields.Char(readonly=True)
    description = fields.Text(readonly=True)
    author = fields.Char(readonly=True)
    website = fields.Char(readonly=True)
    category = fields.Char(readonly=True)
    license = fields.Char(readonly=True)
    sequence = fields.Integer(default=100)
    state = fields.Selection(STATES, default="uninstalled", readonly=True, index=True)
    latest_version = fields.Char("Installed Version", readonly=True)
    available_version = fields.Char("Latest Version", readonly=True)
    application = fields.Boolean(readonly=True)
    auto_install = fields.Boolean("Automatic Installation", readonly=True)
    demo = fields.Boolean("Demo Data", readonly=True)
    manifest_error = fields.Char(readonly=True, help="Why the manifest could not be read")
    dependencies_id = fields.One2many("ir.module.module.dependency", "module_id", "Dependencies")

    _sql_constraints = [("name_uniq", "UNIQUE (name)", "The name of the module must be unique!")]

    @api.model
    def update_list(self):
        """Read every manifest on the addons path (administrators); returns ``[updated, added]``.

        Unreadable manifests are recorded on their module (``manifest_error``)
        and listed by :meth:`manifest_errors`.
        """
        self.env["res.users"]._check_system(_("Only administrators can update the list of apps."))
        from coquiapps.modules import loading

        return loading.update_list(self.env)

    @api.model
    def manifest_errors(self):
        """``{name: reason}`` of the modules whose manifest could not be read."""
        return {m.name: m.manifest_error for m in self.search([("manifest_error", "!=", False)])}

    def _check_allowed(self):
        self.env["res.users"]._check_system(_("Only administrators can install, upgrade or uninstall apps."))

    def button_immediate_install(self):
        self._check_allowed()
        from coquiapps.modules import loading

        loading.install_modules(self.env, self.mapped("name"))
        return {"type": "ir.actions.client", "tag": "reload"}

    def button_immediate_upgrade(self):
        self._check_allowed()
        from coquiapps.modules import loading

        loading.upgrade_modules(self.env, self.mapped("name"))
        return {"type": "ir.actions.client", "tag": "reload"}

    def button_immediate_uninstall(self):
        self._check_allowed()
        from coquiapps.modules import loading

        loading.uninstall_modules(self.env, self.mapped("name"))
        return {"type": "ir.actions.client", "tag": "reload"}

    # Odoo's two-step buttons: mark, then apply with the immediate variants.
    def button_install(self):
        return self.button_immediate_install()

    def button_upgrade(self):
        return self.button_immediate_upgrade()

    def button_uninstall(self):
        return self.button_immediate_uninstall()


class IrModuleModuleDependency(models.Model):
    _name = "ir.module.module.dependency"
    _description = "Module Dependency"
    _rec_name = "name"

    name = fields.Char(index=True)
    module_id = fields.Many2one("ir.module.module", "Module", ondelete="cascade", index=True)
    depends_on = fields.Char(index=True)
    auto_install_required = fields.Boolean(default=True)
