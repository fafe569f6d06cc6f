"""``coquiapps cron [-d DB ...] [--once]``: run scheduled actions (all databases by default)."""
from __future__ import annotations

import argparse
import logging
import signal

from coquiapps.cli.command import Command

_logger = logging.getLogger(__name__)


class CronCommand(Command):
    name = "cron"
    help = "run scheduled actions (a runner; start as many as you like, on any hosts)"

    def run(self, args: list[str]) -> int:
        parser = argparse.ArgumentParser(prog="coquiapps cron")
        parser.add_argument("-d", "--database", action="append", default=[],
                            help="only this database (repeatable; default: every CoquiAPPs database)")
        parser.add_argument("--once", action="store_true", help="run what is due now, then exit")
        parser.add_argument("--poll", type=float, default=60.0,
                            help="seconds to wait for a wake-up before looking again (default 60)")
        options = parser.parse_args(args)

        from coquiapps.service import cron

        names = [n for value in options.database for n in value.split(",") if n]
        runner = cron.Runner(names, poll=options.poll)
        if options.once:
            count = runner.run_once()
            print(f"ran {count} scheduled action(s)")
            return 0

        def stop(signum, frame):
            _logger.info("cron runner: signal %s, stopping after the job in progress", signum)
            runner.stop()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        runner.run_forever()
        return 0
