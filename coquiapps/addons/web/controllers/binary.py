"""``/web/content``: download an attachment or a record's Binary field, with the user's rights.

A file the user may not read answers exactly as one that does not exist (404),
so the route tells nothing about other users' files.
"""
from __future__ import annotations

import re
from urllib.parse import quote

from werkzeug.wrappers import Response

from coquiapps import http
from coquiapps.exceptions import AccessError, MissingError
from coquiapps.http import request
from coquiapps.tools.translate import _

# shown in the browser unless a download is asked for; anything else (HTML, SVG, scripts...) is
# always an attachment, so a file cannot run in our origin
INLINE_MIMETYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf",
                              "text/plain"})
ASCII_SAFE = re.compile(r"[^A-Za-z0-9._ ()+-]")


def content_disposition(filename: str, download: bool = True) -> str:
    """``attachment; filename="ascii"; filename*=UTF-8''...`` (RFC 6266 / RFC 5987), path and
    control characters removed."""
    name = "".join(ch for ch in filename if ch.isprintable()).replace("/", "_").replace("\\", "_").strip()
    name = name.strip(".") or "download"
    fallback = ASCII_SAFE.sub("_", name)
    return "{}; filename=\"{}\"; filename*=UTF-8''{}".format(
        "attachment" if download else "inline", fallback, quote(name, safe=""))


def file_response(data: bytes, filename: str, mimetype: str | None, download: bool) -> Response:
    from coquiapps.addons.base.models.ir_attachment import DEFAULT_MIMETYPE, guess_mimetype

    mimetype = (mimetype or guess_mimetype(filename) or DEFAULT_MIMETYPE).split(";")[0].strip().lower()
    inline = not download and mimetype in INLINE_MIMETYPES
    content_type = f"{mimetype}; charset=utf-8" if mimetype.startswith("text/") else mimetype
    return Response(data, status=200, headers=[
        ("Content-Type", content_type),
        ("Content-Disposition", content_disposition(filename, download=not inline)),
        ("X-Content-Type-Options", "nosniff"),
        ("Content-Security-Policy", "default-src 'none'"),
        ("Cache-Control", "private, no-store"),
    ])


def _no_such_file():
    return request.not_found(_("No such file, or it is not yours to see."))


def _truthy(value) -> bool:
    return str(value or "").lower() in ("1", "true", "yes", "on")


class Binary(http.Controller):
    """Files for the signed-in user: attachments by id, Binary fields by model/id/field."""

    @http.route(["/web/content/<int:attachment_id>", "/web/content/<int:attachment_id>/<string:filename>"],
                type="http", auth="user", methods=["GET"])
    def content_attachment(self, attachment_id, filename=None, download=None, **kw):
        Attachment = request.env["ir.attachment"]
        try:
            # search applies the access rules (the linked record's); a refused id is just not found
            attachment = Attachment.search([("id", "=", attachment_id)])
            if not attachment:
                raise _no_such_file()
            if attachment.type == "url":
                url = attachment.url or ""
                if not url.startswith(("/", "http://", "https://")) or url.startswith("//"):
                    raise _no_such_file()
                return request.redirect(url)
            data = attachment.datas or b""
        except (AccessError, MissingError):
            raise _no_such_file() from None
        return file_response(data, attachment.name, attachment.mimetype, _truthy(download))

    @http.route(["/web/content/<string:model>/<int:res_id>/<string:field>",
                 "/web/content/<string:model>/<int:res_id>/<string:field>/<string:filename>"],
                type="http", auth="user", methods=["GET"])
    def content_field(self, model, res_id, field, filename=None, filename_field=None, download=None, **kw):
        env = request.env
        if model not in env:
            raise _no_such_file()
        Model = env[model]
        definition = Model._fields.get(field)
        if definition is None or definition.type != "binary" or definition.password:
            raise _no_such_file()
        try:
            record = Model.browse(res_id).exists()
            if not record:
                raise _no_such_file()
            record.check_access("read")
            record._check_field_groups([field], "read")
            data = record[field]
            name = filename or None
            name_field = Model._fields.get(filename_field or "")
            if not name and name_field is not None and name_field.type == "char":
                record._check_field_groups([name_field.name], "read")
                name = record[name_field.name] or None
        except (AccessError, MissingError):
            raise _no_such_file() from None
        if not data:
            raise _no_such_file()
        name = name or f"{model.replace('.', '_')}_{res_id}_{field}"
        return file_response(data, name, None, _truthy(download))


def content_url(record, field: str, filename_field: str | None = None) -> str:
    """The download URL of ``record``'s Binary ``field`` (``filename_field`` names the file)."""
    url = f"/web/content/{record._name}/{record.id}/{field}?download=true"
    return url + (f"&filename_field={quote(filename_field)}" if filename_field else "")
