"""The countries the ``db`` service's ``list_countries`` offers: ``[code, name]`` as Odoo answers.

Odoo reads them from base's ``res_country_data.xml`` (lower-case ISO codes,
sorted by name). When base ships such a file it is read the same way;
otherwise the ISO 3166-1 countries come from Babel's CLDR territory names.
"""
from __future__ import annotations

#: CLDR territories with a two-letter code that are not ISO 3166-1 countries (Kosovo, XK, is kept as in Odoo)
NOT_COUNTRIES = frozenset({"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "ZZ"})


def _from_data_file() -> list[list[str]] | None:
    from lxml import etree

    from coquiapps.modules import discovery
    from coquiapps.tools import config

    location = discovery.discover(config.current().addons_paths).get("base")
    path = location / "data" / "res_country_data.xml" if location else None
    if path is None or not path.is_file():
        return None
    countries = []
    for record in etree.parse(str(path)).getroot().iter("record"):
        if record.get("model") != "res.country":
            continue
        values = {field.get("name"): (field.text or "").strip() for field in record.iter("field")}
        if values.get("code") and values.get("name"):
            countries.append([values["code"].lower(), values["name"]])
    return countries or None


def _from_babel() -> list[list[str]]:
    from babel import Locale

    territories = Locale("en").territories
    return [[code.lower(), name] for code, name in territories.items()
            if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES]


def list_countries() -> list[list[str]]:
    """``[[code, name], ...]`` sorted by name, codes in lower case (as Odoo's ``db.list_countries``)."""
    countries = _from_data_file() or _from_babel()
    return sorted(countries, key=lambda country: country[1])
