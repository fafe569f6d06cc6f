"""Sub-command registry.

A sub-command is a subclass of :class:`Command` with a ``name``. The runtime's
own commands live in :mod:`coquiapps.cli`; an addon contributes commands by
shipping a ``cli`` package (``<addon>/cli/__init__.py``) that defines
subclasses, as Odoo addons add ``odoo-bin`` commands. Addon ``cli`` packages
are imported only when the command asked for is not a runtime one.
"""
from __future__ import annotations

import importlib


class Command:
    """Base class of every sub-command; subclasses register themselves by ``name``."""

    name: str = ""
    help: str = ""
    registry: dict[str, type[Command]] = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if not cls.name:
            return
        other = Command.registry.get(cls.name)
        if other is not None and other.__qualname__ != cls.__qualname__:
            raise RuntimeError(
                f"two sub-commands are named {cls.name!r}: {other.__module__}.{other.__qualname__} "
                f"and {cls.__module__}.{cls.__qualname__}"
            )
        Command.registry[cls.name] = cls

    def run(self, args: list[str]) -> int:
        """Run with the arguments after the command name; return the exit status."""
        raise NotImplementedError(f"{type(self).__name__} must implement run()")


def load_addon_commands(addons_path: list[str] | None = None) -> None:
    """Import the ``cli`` package of every discoverable addon that has one."""
    from coquiapps.modules import discovery

    for name, folder in discovery.discover(addons_path or []).items():
        if (folder / "cli" / "__init__.py").is_file():
            importlib.import_module(f"coquiapps.addons.{name}.cli")
