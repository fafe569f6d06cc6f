"""Generate base's country and state data files (run when the lists should be refreshed).

``python -m coquiapps.tools.country_data`` writes
``addons/base/data/res.country.csv`` and ``res.country.state.csv``:
countries are the ISO 3166-1 territories of babel's English territory list
(names as babel spells them), with the calling codes of ``phonenumbers``;
states are the ISO 3166-2 subdivisions of a few countries from ``pycountry``.
``phonenumbers`` and ``pycountry`` are needed only here, not at run time:
``pip install phonenumbers pycountry`` in a scratch environment first.
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "addons" / "base" / "data"
# subdivision types kept per country: the first-level divisions an address names
STATE_TYPES = {"US": {"State", "District"}, "CA": {"Province", "Territory"}, "DE": {"Land"},
               "JP": {"Prefecture"}}


def countries() -> list[tuple[str, str, int]]:
    """(ISO code, English name, calling code) for every ISO 3166-1 country babel names."""
    import babel
    import phonenumbers
    import pycountry

    names = babel.Locale("en").territories
    rows = []
    for country in pycountry.countries:
        code = country.alpha_2
        name = names.get(code) or country.name
        rows.append((code, name, phonenumbers.country_code_for_region(code)))
    return sorted(rows)


def states() -> list[tuple[str, str, str]]:
    """(country code, state code, name) of the subdivisions of :data:`STATE_TYPES`."""
    import pycountry

    rows = []
    for country, types in STATE_TYPES.items():
        for sub in pycountry.subdivisions.get(country_code=country):
            if sub.type in types:
                rows.append((country, sub.code.split("-", 1)[1], sub.name))
    return sorted(rows)


def main() -> int:
    try:
        country_rows, state_rows = countries(), states()
    except ImportError as exc:
        print(f"country_data needs babel, phonenumbers and pycountry: {exc}", file=sys.stderr)
        return 1
    with open(DATA / "res.country.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["id", "code", "name", "phone_code"])
        for code, name, phone in country_rows:
            writer.writerow([code.lower(), code, name, phone or ""])
    with open(DATA / "res.country.state.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["id", "country_id:id", "code", "name"])
        for country, code, name in state_rows:
            writer.writerow([f"state_{country.lower()}_{code.lower()}", country.lower(), code, name])
    print(f"{len(country_rows)} countries, {len(state_rows)} states written to {DATA}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
