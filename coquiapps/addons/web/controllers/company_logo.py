"""``/web/binary/company_logo`` (also ``/logo``, ``/logo.png``): the company's logo, else a default one.

As in Odoo, anyone may ask (the login page shows it): the company is the
logged-in user's, else the one named by ``company``, else the first one;
``dbname`` names the database when the request has none.
"""
from __future__ import annotations

from pathlib import Path

from werkzeug.wrappers import Response

from coquiapps import http, sql_db
from coquiapps.http import dbselect, request
from coquiapps.orm import SUPERUSER_ID, Environment, Registry

DEFAULT_LOGO = Path(__file__).resolve().parent.parent / "static" / "img" / "logo.png"
# what the first bytes of an image say it is: a logo is served as what it is
SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"), (b"GIF8", "image/gif"),
              (b"RIFF", "image/webp"), (b"<svg", "image/svg+xml"), (b"<?xml", "image/svg+xml"))


def mimetype_of(data: bytes) -> str | None:
    """The image type ``data`` starts like, or None when it is no image we serve."""
    head = data[:16].lstrip()
    return next((kind for magic, kind in SIGNATURES if head.startswith(magic)), None)


def company_logo_of(env, company_id) -> bytes | None:
    """The logo of the company asked for (the user's, ``company_id``, else the first); None if none."""
    companies = env["res.company"].sudo()
    if request.uid:
        company = env.user.sudo().company_id
    elif company_id and str(company_id).isdigit():
        company = companies.browse(int(company_id)).exists()
    else:
        company = companies.search([], limit=1)
    return company.logo or None if company else None


class Binary(http.Controller):
    @http.route(["/web/binary/company_logo", "/logo", "/logo.png"], type="http", auth="none",
                methods=["GET"])
    def company_logo(self, dbname=None, company=None, **kw):
        logo = None
        if request.env is not None:
            logo = company_logo_of(request.env, company)
        elif dbname and dbname in dbselect.allowed_dbs(request.httprequest.host):
            with sql_db.cursor(dbname) as cr:
                logo = company_logo_of(Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(dbname)),
                                       company)
        kind = mimetype_of(logo) if logo else None
        if kind is None:
            logo, kind = DEFAULT_LOGO.read_bytes(), "image/png"
        headers = {"Cache-Control": "public, max-age=300"}
        if kind == "image/svg+xml":  # an uploaded SVG runs no script when served as its own document
            headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
        return Response(logo, status=200, content_type=kind, headers=headers)
