"""Attachments: files stored in the database, linked to a record (or to nobody), as in Odoo.

The bytes live in the ``datas`` column (PostgreSQL ``bytea``; no filestore).
Who may see an attachment follows the record it is linked to
(``res_model``/``res_id``): reading it needs the right to read that record,
changing, creating or deleting it needs the right to write that record
(:meth:`IrAttachment.check`, as Odoo's). An attachment of no record is its
creator's (and the administrators'), unless ``public``.
"""
from __future__ import annotations

import hashlib
import mimetypes
from collections import defaultdict

from coquiapps import _, api, fields, models
from coquiapps.exceptions import AccessError, ValidationError

# served as text to anyone but an administrator: they would run scripts in our origin
ACTIVE_MIMETYPES = ("html", "javascript", "ecmascript", "xml", "svg")
DEFAULT_MIMETYPE = "application/octet-stream"


def guess_mimetype(name: str | None, url: str | None = None) -> str:
    """The mimetype of a file by its name (or URL), ``application/octet-stream`` when unknown."""
    for candidate in (name, url):
        if candidate:
            guessed, _encoding = mimetypes.guess_type(candidate, strict=False)
            if guessed:
                return guessed
    return DEFAULT_MIMETYPE


class IrAttachment(models.Model):
    _name = "ir.attachment"
    _description = "Attachment"
    _order = "id desc"

    name = fields.Char(required=True)
    description = fields.Text()
    res_model = fields.Char("Resource Model", index=True, help="The model of the record the file belongs to")
    res_id = fields.Integer("Resource ID", index=True, help="The id of the record the file belongs to")
    res_field = fields.Char("Resource Field", help="The binary field of the record the file is the value of")
    res_name = fields.Char("Resource Name", compute="_compute_res_name")
    company_id = fields.Many2one("res.company", "Company", default=lambda self: self.env.company)
    type = fields.Selection([("url", "URL"), ("binary", "File")], default="binary", required=True,
                            help="A file stored here, or a link to a file elsewhere")
    url = fields.Char("URL", index=True)
    public = fields.Boolean("Is public document", help="Readable by every signed-in user")
    datas = fields.Binary("File Content", attachment=False)
    file_size = fields.Integer("File Size", readonly=True)
    checksum = fields.Char("Checksum/SHA1", readonly=True, index=True)
    mimetype = fields.Char("Mime Type")

    def _compute_res_name(self):
        for attachment in self:
            name = False
            if attachment.res_model in self.env and attachment.res_id:
                record = self.env[attachment.res_model].sudo().browse(attachment.res_id).exists()
                name = record.display_name if record else False
            attachment.res_name = name

    # -- values ------------------------------------------------------------------
    def _file_values(self, vals: dict) -> dict:
        """``vals`` with size, checksum and mimetype filled from the content and name."""
        vals = dict(vals)
        if "datas" in vals:
            data = self._fields["datas"].convert_to_cache(vals["datas"], self) or b""
            vals["file_size"] = len(data)
            vals["checksum"] = hashlib.sha1(data).hexdigest() if data else False
        mimetype = vals.get("mimetype")
        if not mimetype and ("name" in vals or "url" in vals) and not self:
            mimetype = guess_mimetype(vals.get("name"), vals.get("url"))
        if mimetype:
            if not self.env.is_admin() and any(kind in mimetype.lower() for kind in ACTIVE_MIMETYPES):
                mimetype = "text/plain"
            vals["mimetype"] = mimetype
        return vals

    @api.constrains("type", "url")
    def _check_url(self):
        for attachment in self:
            if attachment.type == "url" and not attachment.url:
                raise ValidationError(_("The attachment %s is a link but has no URL.", attachment.name))

    # -- access --------------------------------------------------------------------
    def check(self, mode: str, values: dict | None = None) -> None:
        """Raise :class:`AccessError` unless the user may ``mode`` these attachments (and ``values``).

        ``mode`` is read, write, create or unlink; the record an attachment is
        linked to must be readable (read) or writable (any other mode).
        """
        if self.env.su:
            return
        if self._ids and self._allowed_ids(self._ids, mode) != set(self._ids):
            raise AccessError(_("You may not %(mode)s this attachment: it belongs to a record you "
                                "cannot %(access)s, or to another user.", mode=mode,
                                access=_("read") if mode == "read" else _("change")))
        if values and values.get("res_model") and values.get("res_id"):
            model, res_id = values["res_model"], int(values["res_id"])
            if model not in self.env or res_id not in self._allowed_records(model, [res_id], "write"):
                raise AccessError(_("You may not attach a file to %(model)s record %(id)s: you cannot "
                                    "change it.", model=model, id=res_id))
            self._check_res_field(model, values.get("res_field"))

    def _allowed_ids(self, ids, mode: str) -> set[int]:
        """Those of ``ids`` the current user may ``mode`` by the records they are linked to."""
        is_admin = self.env.is_admin()
        self.env.cr.execute("SELECT id, res_model, res_id, res_field, create_uid, public "
                            "FROM ir_attachment WHERE id IN %s", (tuple(ids),))
        allowed, linked = set(), defaultdict(list)
        for aid, model, res_id, res_field, create_uid, public in self.env.cr.fetchall():
            if public and mode == "read":
                allowed.add(aid)
            elif model and res_id:
                if res_field and not self._field_accessible(model, res_field):
                    continue
                linked[model].append((aid, res_id))
            elif is_admin or create_uid == self.env.uid:
                allowed.add(aid)
        for model, pairs in linked.items():
            if model not in self.env:
                if is_admin:
                    allowed.update(aid for aid, _res_id in pairs)
                continue
            ok = self._allowed_records(model, [res_id for _aid, res_id in pairs], mode)
            allowed.update(aid for aid, res_id in pairs if res_id in ok)
        return allowed

    def _allowed_records(self, model: str, ids, mode: str) -> set[int]:
        """Those of ``ids`` of ``model`` that exist and the user may read (read) or write (else)."""
        operation = "read" if mode == "read" else "write"
        Model = self.env[model]
        if not Model.check_access_rights(operation, raise_exception=False):
            return set()
        found = Model.sudo().with_context(active_test=False).search([("id", "in", list(set(ids)))]
                                                                   + Model._rule_domain(operation))
        return set(found.ids)

    def _field_accessible(self, model: str, res_field: str) -> bool:
        field = self.env[model]._fields.get(res_field) if model in self.env else None
        if field is None:
            return self.env.is_admin()
        return not field.groups or any(self.env.user.has_group(g.strip()) for g in field.groups.split(","))

    def _check_res_field(self, model: str, res_field: str | None) -> None:
        if res_field and not self._field_accessible(model, res_field):
            raise AccessError(_("You may not attach a file to the field %(field)s of %(model)s.",
                                field=res_field, model=model))

    # the ORM's read paths (read, attribute access, prefetch) all ask these two
    def check_access_rule(self, operation: str) -> None:
        super().check_access_rule(operation)
        self.check(operation)

    def _readable_ids(self, ids) -> set[int]:
        ids = super()._readable_ids(ids)
        if self.env.su or not ids:
            return ids
        return ids & self._allowed_ids(ids, "read")

    def _search(self, domain, offset=0, limit=None, order=None, count=False):
        """Search, then keep the attachments whose records the user may read (as Odoo does).

        Like Odoo, attachments holding a binary field's value are left out
        unless the domain names ``res_field`` or ``id``.
        """
        domain = list(domain or [])
        names = {term[0] for term in domain if isinstance(term, list | tuple) and term}
        if not names & {"res_field", "id"}:
            domain = [("res_field", "=", False), *domain]
        if self.env.su:
            return super()._search(domain, offset, limit, order, count)
        ids = super()._search(domain, order=order)
        allowed = self._allowed_ids(ids, "read") if ids else set()
        ids = [i for i in ids if i in allowed]
        if count:
            return len(ids)
        offset = offset or 0
        return ids[offset:offset + limit] if limit else ids[offset:]

    # -- create / write / unlink -----------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        single = isinstance(vals_list, dict)
        vals_list = [self._file_values(vals) for vals in ([vals_list] if single else vals_list)]
        for vals in vals_list:
            self.check("create", vals)
        records = super().create(vals_list)
        return records[0] if single else records

    def write(self, vals):
        self.check("write", vals)
        if {"res_model", "res_id"} & set(vals):
            # moving a file to another record: both ends must be the user's to change
            for attachment in self:
                target = {"res_model": vals.get("res_model", attachment.res_model),
                          "res_id": vals.get("res_id", attachment.res_id),
                          "res_field": vals.get("res_field", attachment.res_field)}
                self.check("write", target)
        return super().write(self._file_values(vals))

    def unlink(self):
        self.check("unlink")
        return super().unlink()

    def copy_data(self, default=None):
        self.check("read")
        return super().copy_data(default)
