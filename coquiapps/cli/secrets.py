"""``coquiapps secrets rotate-key``: re-encrypt every encrypted field with a new server key."""
from __future__ import annotations

import argparse
import secrets

from coquiapps.cli.command import Command


class SecretsCommand(Command):
    name = "secrets"
    help = "rotate the server key that encrypts credentials at rest"

    def run(self, args: list[str]) -> int:
        parser = argparse.ArgumentParser(prog="coquiapps secrets")
        sub = parser.add_subparsers(dest="action", required=True)
        rotate = sub.add_parser("rotate-key", help="new server key; re-encrypt all databases")
        rotate.add_argument("-d", "--database", action="append",
                            help="only these databases (default: all); others will not be readable afterwards")
        options = parser.parse_args(args)

        from coquiapps import sql_db
        from coquiapps.orm import Registry
        from coquiapps.service import db
        from coquiapps.tools import config, crypto

        cfg = config.current()
        old_key = crypto.server_key(cfg)
        new_key = secrets.token_urlsafe(32)
        names = options.database or db.list_dbs()
        cursors = []
        try:
            # every database in its own transaction, all committed only if all succeed
            for name in names:
                cr = sql_db.cursor(name)
                cursors.append(cr)
                registry = Registry.get(name)
                secret = crypto._database_secret(cr)
                old, new = crypto.derive(old_key, secret), crypto.derive(new_key, secret)
                total = 0
                for model_cls in registry.models.values():
                    for field in model_cls._fields.values():
                        if field.encrypted and field.column and model_cls._auto:
                            total += crypto.reencrypt(cr, old, new, model_cls._table, field.name)
                print(f"{name}: re-encrypted {total} value(s)")
            for cr in cursors:
                cr.commit()
        finally:
            for cr in cursors:
                cr.close()
        try:
            cfg.save(server_key=new_key)
        except OSError as exc:
            # the databases already use the new key: the admin must not lose it
            print(f"could not write the config file ({exc}); set server_key = {new_key} in it by hand")
            return 1
        print(f"new server key saved in {cfg.path}; back this file up")
        return 0
