"""Reflection of models and fields in the database (ir.model, ir.model.fields).

Rows of modules' models are written by the module loader (``state = 'base'``).
A system administrator may create custom models and fields (``state =
'manual'``, names starting with ``x_``, as in Odoo's External API): their
tables and columns are created at once (:mod:`coquiapps.orm.manual`).
"""
from psycopg2 import sql

from coquiapps import _, api, fields, models
from coquiapps.exceptions import UserError, ValidationError
from coquiapps.modules import custom_models
from coquiapps.orm import manual

STATES = [("manual", "Custom Object"), ("base", "Base Object")]


class IrModel(models.Model):
    _name = "ir.model"
    _description = "Models"
    _order = "model"
    _rec_name = "name"

    name = fields.Char("Model Description", required=True)
    model = fields.Char("Model", required=True, index=True)
    modules = fields.Char("In Apps", help="Addons that define or extend this model")
    transient = fields.Boolean("Transient Model")
    state = fields.Selection(STATES, "Type", default="manual", readonly=True)
    field_id = fields.One2many("ir.model.fields", "model_id", "Fields")

    _sql_constraints = [("obj_name_uniq", "unique (model)", "Each model must have a unique name.")]

    def _get_id(self, model_name: str) -> int:
        self.env.cr.execute("SELECT id FROM ir_model WHERE model = %s", (model_name,))
        row = self.env.cr.fetchone()
        return row[0] if row else False

    @api.model_create_multi
    def create(self, vals_list):
        for vals in [vals_list] if isinstance(vals_list, dict) else vals_list:
            if vals.get("state", "manual") != "manual":
                raise ValidationError(_("Only custom models (state 'manual') can be created; the models "
                                        "of modules are recorded by the module loader."))
            if not isinstance(vals.get("model"), str) or not manual.NAME_RE.match(vals["model"]):
                raise ValidationError(_("The model name must start with 'x_' and contain only lowercase "
                                        "letters, digits, underscores and dots: %s", vals.get("model")))
            if vals["model"] in self.env.registry:
                raise ValidationError(_("Each model must have a unique name."))
        records = super().create(vals_list)
        custom = records.sudo().filtered(lambda rec: rec.state == "manual")
        if custom:
            system = self.env.ref("base.group_system")
            # as for a model of a module: nobody but the system administrators until access is given
            self.env["ir.model.access"].sudo().create([
                {"name": f"access_{rec.model.replace('.', '_')}_system", "model_id": rec.id,
                 "group_id": system.id, "perm_read": True, "perm_write": True, "perm_create": True,
                 "perm_unlink": True} for rec in custom])
            custom_models.refresh(self.env, custom.mapped("model"))
        return records

    def write(self, vals):
        if {"model", "state", "transient"} & set(vals) and not self.env.su:
            raise UserError(_("The name, type and kind of a model cannot be changed; create another model."))
        return super().write(vals)

    def unlink(self):
        custom = self.sudo().filtered(lambda rec: rec.state == "manual")
        if not self.env.su and len(custom) != len(self):
            raise UserError(_("Only custom models (state 'manual') can be deleted; the models of modules "
                              "go when their module is uninstalled."))
        tables = [rec.model.replace(".", "_") for rec in custom]
        result = super().unlink()
        for table in tables:
            self.env.cr.execute(sql.SQL("DROP TABLE IF EXISTS {} CASCADE").format(sql.Identifier(table)))
        if custom:
            custom_models.refresh(self.env, [])
        return result


class IrModelFields(models.Model):
    _name = "ir.model.fields"
    _description = "Fields"
    _order = "model, name"

    name = fields.Char("Field Name", required=True, index=True)
    model = fields.Char("Model Name", required=True, index=True)
    model_id = fields.Many2one("ir.model", "Model", required=True, ondelete="cascade", index=True)
    field_description = fields.Char("Field Label")
    ttype = fields.Char("Field Type", required=True)
    relation = fields.Char("Related Model")
    required = fields.Boolean()
    readonly = fields.Boolean()
    store = fields.Boolean(default=True)
    groups = fields.Char()
    modules = fields.Char("In Apps")
    state = fields.Selection(STATES, "Type", default="manual", readonly=True)
    selection = fields.Char("Selection Options", help="For custom selection fields: \"[('a', 'A'), ('b', 'B')]\"")
    on_delete = fields.Char("On Delete", help="For custom many2one fields: set null, cascade or restrict")

    _sql_constraints = [("name_unique", "unique (model, name)", "Field names must be unique per model.")]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in [vals_list] if isinstance(vals_list, dict) else vals_list:
            self._check_custom(vals)
        records = super().create(vals_list)
        custom = records.sudo().filtered(lambda rec: rec.state == "manual")
        if custom:
            custom_models.refresh(self.env, custom.mapped("model"))
        return records

    def _check_custom(self, vals: dict) -> None:
        """A custom field's values are complete and valid; fills ``model`` from ``model_id``."""
        if vals.get("state", "manual") != "manual":
            raise ValidationError(_("Only custom fields (state 'manual') can be created; the fields of "
                                    "modules are recorded by the module loader."))
        model = self.env["ir.model"].sudo().browse(vals.get("model_id") or ()).exists()
        if not model:
            raise ValidationError(_("A custom field needs the model it belongs to (model_id)."))
        vals.setdefault("model", model.model)
        if vals["model"] != model.model:
            raise ValidationError(_("The model name %s does not match model_id (%s).", vals["model"], model.model))
        if vals["model"] not in self.env.registry and model.state != "manual":  # a new custom model is not yet
            raise ValidationError(_("Model %s is not loaded.", vals["model"]))
        name = vals.get("name")
        if not isinstance(name, str) or not manual.FIELD_NAME_RE.match(name):
            raise ValidationError(_("Custom fields must have a name that starts with 'x_' and contains only "
                                    "lowercase letters, digits and underscores: %s", name))
        if vals.get("ttype") == "many2one" and vals.get("relation") not in self.env.registry:
            raise ValidationError(_("A custom many2one field needs an existing related model (relation): %s",
                                    vals.get("relation")))
        try:
            manual.make_field({**vals, "string": vals.get("field_description")})
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    def write(self, vals):
        if not self.env.su:
            raise UserError(_("Fields cannot be changed here; delete a custom field and create it again."))
        return super().write(vals)

    def unlink(self):
        custom = self.sudo().filtered(lambda rec: rec.state == "manual")
        if not self.env.su and len(custom) != len(self):
            raise UserError(_("Only custom fields (state 'manual') can be deleted; the fields of modules "
                              "go when their module is uninstalled."))
        columns = [(rec.model.replace(".", "_"), rec.name) for rec in custom]
        models_touched = custom.mapped("model")
        result = super().unlink()
        for table, column in columns:
            self.env.cr.execute(sql.SQL("ALTER TABLE IF EXISTS {} DROP COLUMN IF EXISTS {}").format(
                sql.Identifier(table), sql.Identifier(column)))
        if custom:
            custom_models.refresh(self.env, models_touched)
        return result
