"""``coquiapps db``: create, list, drop and duplicate databases."""
from __future__ import annotations

import argparse
import sys
import time

from coquiapps.cli.command import Command


def progress(message: str) -> None:
    print(f"... {message}", file=sys.stderr, flush=True)


class DbCommand(Command):
    name = "db"
    help = "create, list, drop or duplicate databases"

    def run(self, args: list[str]) -> int:
        parser = argparse.ArgumentParser(prog="coquiapps db")
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a database with base and the given modules")
        create.add_argument("name")
        create.add_argument("--demo", action="store_true", help="load demo data")
        create.add_argument("--modules", default="", help="comma-separated modules to install")
        create.add_argument("--admin-password", default="admin")
        create.add_argument("--admin-login", default="admin")
        create.add_argument("--lang", default="en_US")
        sub.add_parser("list", help="list CoquiAPPs databases")
        drop = sub.add_parser("drop", help="drop a database")
        drop.add_argument("name")
        dup = sub.add_parser("duplicate", help="copy a database (neutralized unless --no-neutralize)")
        dup.add_argument("source")
        dup.add_argument("target")
        dup.add_argument("--no-neutralize", action="store_true")
        options = parser.parse_args(args)

        from coquiapps.service import db, postgres

        if options.action == "list":
            for name in db.list_dbs():
                print(name)
            return 0
        if options.action == "create":
            started = time.monotonic()
            progress(f"using {postgres.describe()}")
            modules = [m.strip() for m in options.modules.split(",") if m.strip()]
            registry = db.create_database(options.name, demo=options.demo, modules=modules,
                                          admin_password=options.admin_password, login=options.admin_login,
                                          lang=options.lang, progress=progress)
            print(f"created database {options.name} in {time.monotonic() - started:.1f}s "
                  f"with {', '.join(registry.modules)}; log in as {options.admin_login!r}")
            return 0
        if options.action == "drop":
            db.drop_database(options.name)
            print(f"dropped database {options.name}")
            return 0
        if options.action == "duplicate":
            db.duplicate_database(options.source, options.target, neutralize=not options.no_neutralize)
            state = "not neutralized" if options.no_neutralize else "neutralized"
            print(f"duplicated {options.source} to {options.target} ({state})")
            return 0
        return 2
