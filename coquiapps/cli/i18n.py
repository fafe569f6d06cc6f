"""``coquiapps i18n export -m MODULE``: write the module's translation template (``i18n/MODULE.pot``)."""
from __future__ import annotations

import argparse
from pathlib import Path

from coquiapps.cli.command import Command


class I18nCommand(Command):
    name = "i18n"
    help = "export a module's translatable strings to its i18n/MODULE.pot"

    def run(self, args: list[str]) -> int:
        parser = argparse.ArgumentParser(prog="coquiapps i18n")
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="write <addon>/i18n/MODULE.pot")
        export.add_argument("-m", "--module", action="append", required=True, help="module (repeatable)")
        export.add_argument("-d", "--database", help="check that the module is installed there")
        export.add_argument("-o", "--output", help="write here instead of <addon>/i18n/MODULE.pot")
        options = parser.parse_args(args)

        from coquiapps.modules import discovery
        from coquiapps.tools import config, i18n_extract

        locations = discovery.discover(config.current().addons_paths)
        names = [n for value in options.module for n in value.split(",") if n]
        if options.database:
            self._check_installed(options.database, names)
        for name in names:
            folder = locations.get(name)
            if folder is None:
                raise ValueError(f"module {name!r} is not on the addons path")
            target = Path(options.output) if options.output and len(names) == 1 else None
            path, count = i18n_extract.write_pot(folder, name, target)
            print(f"{name}: {count} message(s) written to {path}")
        return 0

    @staticmethod
    def _check_installed(dbname: str, names: list[str]) -> None:
        from coquiapps import sql_db

        with sql_db.cursor(dbname) as cr:
            cr.execute("SELECT name FROM ir_module_module WHERE state = 'installed' AND name = ANY(%s)", (names,))
            installed = {row[0] for row in cr.fetchall()}
        missing = [n for n in names if n not in installed]
        if missing:
            raise ValueError(f"not installed in {dbname}: {', '.join(missing)}")
