"""System parameters: key/value settings stored per database."""
import uuid

from coquiapps import _, api, fields, models

DEFAULTS = {
    "web.base.url": lambda: "http://127.0.0.1:8069",
    "database.secret": lambda: uuid.uuid4().hex + uuid.uuid4().hex,
    "database.uuid": lambda: str(uuid.uuid1()),
    "database.create_date": None,
}


class IrConfigParameter(models.Model):
    _name = "ir.config_parameter"
    _description = "System Parameter"
    _rec_name = "key"
    _order = "key"

    key = fields.Char(required=True, index=True)
    value = fields.Text(required=True)

    _sql_constraints = [("key_uniq", "unique (key)", "Key must be unique.")]

    def _check_may_change(self):
        self.env["res.users"]._check_system(_("Only administrators can change system parameters."))

    @api.model
    def init(self, force=False):
        """Set the parameters every database has (secret, uuid, base URL); ``force`` makes new ones."""
        self._check_may_change()
        for key, make in DEFAULTS.items():
            if make is None:
                continue
            if force or not self.sudo().get_param(key):
                self.sudo().set_param(key, make())

    @api.model
    def get_param(self, key, default=False):
        self.check_access_rights("read")
        self.env.cr.execute("SELECT value FROM ir_config_parameter WHERE key = %s", (key,))
        row = self.env.cr.fetchone()
        return row[0] if row else default

    @api.model
    def set_param(self, key, value):
        """Set (or with a false value, delete) a parameter; returns the old value."""
        self._check_may_change()
        param = self.sudo().search([("key", "=", key)])
        old = param.value if param else False
        if value is False or value is None:
            param.unlink()
        elif param:
            param.write({"value": str(value)})
        else:
            self.sudo().create({"key": key, "value": str(value)})
        return old

    @api.model
    def set_param_default(self, key, value):
        """Set ``key`` to ``value`` unless it has a value already (module data: the admin's value wins)."""
        self._check_may_change()
        if self.sudo().get_param(key) is False:
            self.sudo().set_param(key, value)
