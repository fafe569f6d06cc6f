"""Finding addons: the addons path and the ``coquiapps.addons`` entry points.

An addon is a folder holding ``__manifest__.py``. Folders on the addons path
are scanned for such sub-folders; installed distributions declare their addons
in the entry-point group ``coquiapps.addons`` as ``name = "import.name"``, and
the addon is then found where that package lives, whatever its folder is
called (the repository root module is found this way).

Every addon is imported as ``coquiapps.addons.<name>``: a meta-path finder maps
that name onto the addon's folder. The translations (a tool below this layer)
find an addon's catalogues through :func:`location`, plugged in by
:mod:`coquiapps.modules`.
"""
from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
from importlib import metadata
from pathlib import Path

from coquiapps.tools import config

MANIFEST = "__manifest__.py"
ENTRY_POINT_GROUP = "coquiapps.addons"
# the runtime's own addons: a folder, found without importing the addons above this layer
RUNTIME_ADDONS = Path(__file__).resolve().parent.parent / "addons"


class AddonFinder(importlib.abc.MetaPathFinder):
    """Imports ``coquiapps.addons.<name>`` from the folder registered for it."""

    def __init__(self) -> None:
        self.locations: dict[str, Path] = {}

    def find_spec(self, fullname, path=None, target=None):
        prefix, _, name = fullname.rpartition(".")
        if prefix != "coquiapps.addons" or name not in self.locations:
            return None
        folder = self.locations[name]
        return importlib.util.spec_from_file_location(
            fullname, folder / "__init__.py", submodule_search_locations=[str(folder)]
        )


_finder = AddonFinder()
sys.meta_path.insert(0, _finder)


def entry_point_addons() -> dict[str, Path]:
    """Addons declared by installed distributions, by technical name."""
    found: dict[str, Path] = {}
    for entry in metadata.entry_points(group=ENTRY_POINT_GROUP):
        spec = importlib.util.find_spec(entry.value)
        if spec is None or not spec.submodule_search_locations:
            continue
        folder = Path(next(iter(spec.submodule_search_locations))).resolve()
        if (folder / MANIFEST).is_file():
            found[entry.name] = folder
    return found


def scan_addons_path(paths: list[str | os.PathLike]) -> dict[str, Path]:
    """Addon folders on the addons path, first folder winning on a name clash."""
    found: dict[str, Path] = {}
    for base in [RUNTIME_ADDONS, *map(Path, paths)]:
        base = Path(base).resolve()
        if not base.is_dir():
            continue
        with os.scandir(base) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.name.startswith((".", "_")) or entry.name in found:
                    continue
                if os.path.isfile(os.path.join(entry.path, MANIFEST)):
                    found[entry.name] = Path(entry.path)
    return found


def discover(paths: list[str | os.PathLike] | None = None) -> dict[str, Path]:
    """Every addon visible to this process, by technical name, made importable."""
    found = scan_addons_path(paths or [])
    for name, folder in entry_point_addons().items():
        found.setdefault(name, folder)
    register(found)
    return found


def register(locations: dict[str, Path]) -> None:
    """Make ``coquiapps.addons.<name>`` importable for each given folder."""
    for name, folder in locations.items():
        folder = folder if isinstance(folder, Path) else Path(folder)
        current = _finder.locations.get(name)
        if current is not None and str(current) != str(folder):
            loaded = sys.modules.get(f"coquiapps.addons.{name}")
            if loaded is not None:
                # Already imported from elsewhere; a second copy would register models twice.
                continue
        _finder.locations[name] = folder


def location(name: str) -> Path | None:
    """The folder of addon ``name``: the one registered, else found on the addons path now."""
    folder = _finder.locations.get(name)
    if folder is None:
        folder = discover(config.current().addons_paths).get(name)
    return folder
