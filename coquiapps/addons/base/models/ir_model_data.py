"""External identifiers (``module.name``) of records created by data files."""
from coquiapps import fields, models
from coquiapps.exceptions import ValidationError


class IrModelData(models.Model):
    _name = "ir.model.data"
    _description = "Model Data"
    _order = "module, model, name"
    _rec_name = "complete_name"

    name = fields.Char("External Identifier", required=True)
    complete_name = fields.Char(compute="_compute_complete_name")
    module = fields.Char(required=True, default="")
    model = fields.Char("Model Name", required=True)
    res_id = fields.Integer("Record ID")
    noupdate = fields.Boolean("Non Updatable", default=False)

    _sql_constraints = [("name_nospaces", "CHECK (name NOT LIKE '%% %%')", "External IDs cannot contain spaces"),
                        ("module_name_uniq", "unique (module, name)", "External IDs must be unique per module.")]

    def _compute_complete_name(self):
        for rec in self:
            rec.complete_name = f"{rec.module}.{rec.name}"

    @staticmethod
    def _split(xmlid: str) -> tuple[str, str]:
        if "." not in xmlid:
            raise ValidationError(f"External ID {xmlid!r} must be of the form module.name")
        module, _, name = xmlid.partition(".")
        return module, name

    def _lookup(self, xmlid: str):
        """(model, res_id, noupdate, data id) of an external id, or None."""
        module, name = self._split(xmlid)
        self.env.cr.execute(
            "SELECT model, res_id, noupdate, id FROM ir_model_data WHERE module = %s AND name = %s",
            (module, name),
        )
        return self.env.cr.fetchone()

    def _xmlid_to_res_id(self, xmlid: str, raise_if_not_found: bool = True):
        found = self._lookup(xmlid)
        if not found:
            if raise_if_not_found:
                raise ValueError(f"External ID not found in the system: {xmlid}")
            return False
        return found[1]

    def _xmlid_to_record(self, xmlid: str, raise_if_not_found: bool = True):
        found = self._lookup(xmlid)
        if found:
            record = self.env[found[0]].browse(found[1]).sudo(self.env.su)
            if record.exists():
                return record
        if raise_if_not_found:
            raise ValueError(f"External ID not found in the system: {xmlid}")
        return None

    def _set_xmlid(self, xmlid: str, record, noupdate: bool = False) -> None:
        module, name = self._split(xmlid)
        self.env.cr.execute(
            """INSERT INTO ir_model_data (module, name, model, res_id, noupdate, create_date, write_date)
               VALUES (%s, %s, %s, %s, %s, now() at time zone 'UTC', now() at time zone 'UTC')
               ON CONFLICT (module, name) DO UPDATE SET model = EXCLUDED.model, res_id = EXCLUDED.res_id,
               noupdate = EXCLUDED.noupdate, write_date = EXCLUDED.write_date""",
            (module, name, record._name, record.id, bool(noupdate)),
        )
