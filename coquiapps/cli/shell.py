"""``coquiapps shell -d DB``: Python with ``env`` bound (superuser); commits at the end."""
from __future__ import annotations

import argparse
import code
import sys

from coquiapps.cli.command import Command


class ShellCommand(Command):
    name = "shell"
    help = "interactive Python with env bound, or run Python piped on stdin"

    def run(self, args: list[str]) -> int:
        parser = argparse.ArgumentParser(prog="coquiapps shell")
        parser.add_argument("-d", "--database", required=True)
        options = parser.parse_args(args)

        from coquiapps import sql_db
        from coquiapps.orm import SUPERUSER_ID, Environment, Registry

        registry = Registry.get(options.database)
        with sql_db.cursor(options.database) as cr:
            env = Environment(cr, SUPERUSER_ID, {}, registry=registry)
            namespace = {"env": env, "self": env.user}
            if sys.stdin.isatty():
                code.interact(banner=f"CoquiAPPs shell on {options.database}: env is bound", local=namespace)
            else:
                exec(compile(sys.stdin.read(), "<stdin>", "exec"), namespace)  # noqa: S102 - the admin's own script
        return 0
