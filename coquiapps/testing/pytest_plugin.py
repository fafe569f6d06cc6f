"""pytest plugin: imports test files under their real package names.

The repository root is itself an addon (it has ``__init__.py``), which would
make pytest's own import modes invent package names from folder names. Here a
test file inside an addon is imported as ``coquiapps.addons.<addon>.tests...``
and one inside the runtime as ``coquiapps....``, exactly as the code under test
imports its neighbours.
"""
from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from coquiapps.modules import discovery

RUNTIME_ROOT = Path(discovery.__file__).resolve().parents[1]


def dotted_name(path: Path) -> str | None:
    """The importable name of a test file, or None when it is not in a package we know."""
    path = path.resolve()
    addon_dirs = {folder.resolve(): name for name, folder in discovery.discover().items()}
    for parent in path.parents:
        if parent in addon_dirs:
            rel = path.relative_to(parent).with_suffix("")
            return ".".join(["coquiapps.addons", addon_dirs[parent], *rel.parts])
        if parent == RUNTIME_ROOT.parent and RUNTIME_ROOT in path.parents:
            rel = path.relative_to(parent).with_suffix("")
            return ".".join(rel.parts)
    return None


class PackagedModule(pytest.Module):
    """A test module imported by its dotted name instead of by file path."""

    def _getobj(self):
        name = dotted_name(self.path)
        if name is None:
            return super()._getobj()
        try:
            return importlib.import_module(name)
        except pytest.skip.Exception as exc:
            if exc.allow_module_level:
                raise self.CollectError(str(exc)) from exc
            raise


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makemodule(module_path, parent):
    if dotted_name(Path(module_path)) is not None:
        return PackagedModule.from_parent(parent, path=Path(module_path))
    return None


def pytest_configure(config):
    discovery.discover()
