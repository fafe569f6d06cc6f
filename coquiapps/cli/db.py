"""``coquiapps db``: create, list, drop, duplicate, back up and restore databases; the master password."""
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
        bak = sub.add_parser("backup", help="write a backup zip (custom-format dump and manifest)")
        bak.add_argument("name")
        bak.add_argument("file", help="where to write the .zip")
        res = sub.add_parser("restore", help="create a database from a backup zip (or a pg_dump -Fc file)")
        res.add_argument("name")
        res.add_argument("file")
        res.add_argument("--copy", action="store_true", help="give the copy a new secret and uuid")
        res.add_argument("--neutralize", action="store_true")
        master = sub.add_parser("set-master-password",
                                help="set the master password of the database manager (read from the "
                                     "terminal, or one line of standard input)")
        master.add_argument("--generate", action="store_true", help="make a random one and print it once")
        options = parser.parse_args(args)

        if options.action == "set-master-password":
            return set_master_password(options.generate)

        from coquiapps.service import db
        from coquiapps.sql_db import postgres

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
        if options.action in ("backup", "restore"):
            from coquiapps.service import backup

            if options.action == "backup":
                with open(options.file, "wb") as handle:
                    handle.write(backup.backup(options.name))
                print(f"backed up {options.name} to {options.file}")
                return 0
            with open(options.file, "rb") as handle:
                data = handle.read()
            try:
                backup.restore(options.name, data, copy=options.copy, neutralize=options.neutralize)
            except ValueError as exc:
                print(f"coquiapps db restore: {exc}", file=sys.stderr)
                return 1
            print(f"restored {options.file} as {options.name}")
            return 0
        return 2


def set_master_password(generate: bool) -> int:
    """Save a master password hashed in the config file; a generated one is printed once."""
    import getpass
    import secrets

    from coquiapps.service import security
    from coquiapps.tools import config

    if generate:
        password = secrets.token_urlsafe(18)
    elif sys.stdin.isatty():
        password = getpass.getpass("New master password: ")
        if password != getpass.getpass("Again: "):
            print("coquiapps db set-master-password: the two passwords differ", file=sys.stderr)
            return 1
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        print("coquiapps db set-master-password: the master password cannot be empty", file=sys.stderr)
        return 1
    security.set_master_password(password)
    if generate:
        print(f"master password: {password}")
    print(f"the master password is set (stored hashed in {config.current().path})")
    return 0
