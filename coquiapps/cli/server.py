"""``coquiapps server``: serve the web client, the external API and the scheduled actions."""
from __future__ import annotations

import argparse
import logging

from coquiapps.cli.command import Command

_logger = logging.getLogger(__name__)


class ServerCommand(Command):
    name = "server"
    help = "run the HTTP server (threaded, or gunicorn workers with --workers N) and the scheduler"

    def run(self, args: list[str]) -> int:
        from coquiapps.tools import config

        cfg = config.current()
        parser = argparse.ArgumentParser(prog="coquiapps server")
        parser.add_argument("-d", "--database", action="append", default=[],
                            help="serve only this database (repeatable; sets db_filter)")
        parser.add_argument("--http-port", "-p", type=int, default=cfg["http_port"])
        parser.add_argument("--http-interface", default=cfg["http_interface"])
        parser.add_argument("--workers", type=int, default=cfg["workers"],
                            help="0: one threaded process; N > 0: N gunicorn workers and a cron process")
        parser.add_argument("--no-cron", action="store_true", help="do not run scheduled actions here")
        options = parser.parse_args(args)

        from coquiapps.service import server
        from coquiapps.tools import crypto

        # made (and saved) once here, before any worker forks and races to make its own
        crypto.server_key(cfg)
        first_master_password(cfg)

        names = [n for value in options.database for n in value.split(",") if n]
        return server.serve(wsgi_application, options.http_interface, options.http_port,
                            options.workers, names, cron=not options.no_cron)


def wsgi_application():
    """The web :class:`~coquiapps.http.Application` (which also serves the RPC paths), or RPC only."""
    try:
        from coquiapps.http import Application
    except ImportError as exc:  # the web layer is not there: the external API still works
        _logger.warning("coquiapps.http is not available (%s): serving the external API only", exc)
        from coquiapps.service import rpc

        return rpc.wsgi_app
    return Application()


def first_master_password(cfg) -> None:
    """On first start, make the master password of the database manager and print it once.

    Without one the manager stays closed; it is never "whoever types one first".
    Stored hashed in the config file; printed here only, never logged.
    """
    import secrets
    import sys

    from coquiapps.service import security

    if not cfg.get("list_db") or security.master_password_set():
        return
    password = secrets.token_urlsafe(18)
    security.set_master_password(password)
    print(f"\n  The database manager's master password is: {password}\n"
          f"  It is shown only this once (stored hashed in {cfg.path}); change it with\n"
          f"  'coquiapps db set-master-password'.\n", file=sys.stderr, flush=True)
