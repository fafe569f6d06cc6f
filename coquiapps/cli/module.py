"""``coquiapps module``: list, update-list, install, upgrade, uninstall; upgrading outdated modules."""
from __future__ import annotations

import argparse
import json
import sys

from coquiapps.cli.command import Command


class ModuleCommand(Command):
    name = "module"
    help = "list, install, upgrade or uninstall modules of a database"

    def run(self, args: list[str]) -> int:
        parser = argparse.ArgumentParser(prog="coquiapps module")
        sub = parser.add_subparsers(dest="action", required=True)
        lister = sub.add_parser("list")
        lister.add_argument("-d", "--database", required=True)
        lister.add_argument("--state")
        lister.add_argument("--search")
        lister.add_argument("--json", action="store_true")
        update = sub.add_parser("update-list")
        update.add_argument("-d", "--database", required=True)
        for action in ("install", "upgrade", "uninstall"):
            p = sub.add_parser(action)
            p.add_argument("-d", "--database", required=True)
            p.add_argument("names", nargs="+")
            p.add_argument("--dry-run", action="store_true", help="do it, print what changed, roll back")
        options = parser.parse_args(args)

        from coquiapps import sql_db
        from coquiapps.modules import loading
        from coquiapps.orm import SUPERUSER_ID, Environment, Registry

        with sql_db.cursor(options.database) as cr:
            env = Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(options.database))
            Module = env["ir.module.module"].with_context(active_test=False)
            if options.action == "list":
                domain = []
                if options.state:
                    domain.append(("state", "=", options.state))
                if options.search:
                    domain += ["|", "|", ("name", "ilike", options.search), ("shortdesc", "ilike", options.search),
                               ("summary", "ilike", options.search)]
                rows = [{
                    "name": m.name, "display_name": m.shortdesc, "state": m.state,
                    "installed_version": m.latest_version or None, "available_version": m.available_version or None,
                    "application": m.application, "auto_install": m.auto_install, "summary": m.summary or "",
                } for m in Module.search(domain, order="name")]
                if options.json:
                    print(json.dumps(rows, indent=2))
                else:
                    for row in rows:
                        print(f"{row['name']:<28} {row['state']:<14} {row['installed_version'] or '-':<14} "
                              f"{row['display_name']}")
                return 0
            if options.action == "update-list":
                updated, added = Module.update_list()
                print(f"updated {updated}, added {added}")
                for name, reason in sorted(Module.manifest_errors().items()):
                    print(f"unreadable manifest: {name}: {reason}")
                return 0
            print(f"... {options.action} {', '.join(options.names)} on {options.database}", file=sys.stderr,
                  flush=True)
            operation = {"install": loading.install_modules, "upgrade": loading.upgrade_modules,
                         "uninstall": loading.uninstall_modules}[options.action]
            try:
                report = operation(env, options.names)
            except Exception:
                cr.rollback()
                raise
            if options.dry_run:
                cr.rollback()
                print("dry run: nothing was kept")
                for line in report.lines():
                    print(line)
                return 0
            done = report.installed or report.upgraded or report.uninstalled
            print(f"{options.action}ed: {', '.join(done) or 'nothing to do'}".replace("upgradeed", "upgraded"))
            return 0


def upgrade_outdated(dbname: str, say=print) -> list[str]:
    """Upgrade the modules of ``dbname`` whose code is newer (a database kept from an older checkout)."""
    from coquiapps import sql_db
    from coquiapps.modules import loading
    from coquiapps.orm import SUPERUSER_ID, Environment, Registry

    with sql_db.cursor(dbname) as cr:
        outdated = loading.outdated_modules(cr)
    if not outdated:
        return []
    say(f"... upgrading {', '.join(f'{n} ({old} -> {new})' for n, (old, new) in sorted(outdated.items()))} "
        f"in {dbname!r}: the code is newer than the database")
    with sql_db.cursor(dbname) as cr:
        env = Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(dbname))
        loading.upgrade_modules(env, sorted(outdated))
    return sorted(outdated)
