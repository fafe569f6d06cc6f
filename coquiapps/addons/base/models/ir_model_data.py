"""External identifiers (``module.name``) of records created by data files."""
from coquiapps import api, fields, models
from coquiapps.exceptions import AccessError, ValidationError


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

    @api.model
    def check_object_reference(self, module: str, xml_id: str, raise_on_access_error: bool = False):
        """``(model, res_id)`` of ``module.xml_id`` (Odoo's API, used by OdooRPC's ``env.ref``).

        ValueError when the external id does not exist; when the caller may not
        read the record, ``(model, False)`` or, with ``raise_on_access_error``, AccessError.
        """
        if not isinstance(module, str) or not isinstance(xml_id, str):
            raise ValueError(f"check_object_reference takes a module and a name, got {module!r}, {xml_id!r}")
        xmlid = f"{module}.{xml_id}"
        found = self._lookup(xmlid)
        if not found or found[0] not in self.env:
            raise ValueError(f"External ID not found in the system: {xmlid}")
        model, res_id = found[0], found[1]
        if self.env[model].search([("id", "=", res_id)]):
            return model, res_id
        if raise_on_access_error:
            raise AccessError(f"Not enough access rights on the external ID {xmlid!r}")
        return model, False

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
