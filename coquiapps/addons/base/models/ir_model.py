"""Reflection of models and fields in the database (ir.model, ir.model.fields)."""
from coquiapps import fields, models


class IrModel(models.Model):
    _name = "ir.model"
    _description = "Models"
    _order = "model"
    _rec_name = "name"

    name = fields.Char("Model Description", required=True)
    model = fields.Char("Model", required=True, index=True)
    modules = fields.Char("In Apps", help="Addons that define or extend this model")
    transient = fields.Boolean("Transient Model")
    field_id = fields.One2many("ir.model.fields", "model_id", "Fields")

    _sql_constraints = [("obj_name_uniq", "unique (model)", "Each model must have a unique name.")]

    def _get_id(self, model_name: str) -> int:
        self.env.cr.execute("SELECT id FROM ir_model WHERE model = %s", (model_name,))
        row = self.env.cr.fetchone()
        return row[0] if row else False


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

    _sql_constraints = [("name_unique", "unique (model, name)", "Field names must be unique per model.")]
