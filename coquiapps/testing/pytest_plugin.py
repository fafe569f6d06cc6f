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
    from coquiapps.tools import config

    addon_dirs = {folder.resolve(): name
                  for name, folder in discovery.discover(config.current().addons_paths).items()}
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


TEST_ADDONS = RUNTIME_ROOT / "testing" / "addons"


def pytest_configure(config):
    """Put the test-only addons on the addons path of this process."""
    from coquiapps.tools import config as config_mod

    cfg = config_mod.current()
    paths = cfg.addons_paths
    if str(TEST_ADDONS) not in paths:
        cfg.values["addons_path"] = ",".join([*paths, str(TEST_ADDONS)])
    discovery.discover(cfg.addons_paths)


# -- database fixtures -------------------------------------------------------------------
ALL_MODULES = object()


def _installable_modules() -> tuple[str, ...]:
    from coquiapps.modules import loading

    good, _bad = loading.all_manifests()
    return tuple(sorted(name for name, m in good.items() if m.installable))


@pytest.fixture(scope="session")
def base_db() -> str:
    """Name of a database with only base (and what auto-installs with it)."""
    from coquiapps.testing import databases

    return databases.template(("base",))


@pytest.fixture(scope="session")
def full_db() -> str:
    """Name of a database with every installable addon, without demo data."""
    from coquiapps.testing import databases

    return databases.template(_installable_modules())


@pytest.fixture(scope="module")
def server():
    """URL of the whole web application (web client, XML-RPC, JSON-RPC) served on 127.0.0.1
    for the test module (a module defining its own ``server`` fixture uses that one)."""
    from coquiapps.testing.browser import served_app

    with served_app() as url:
        yield url


@pytest.fixture
def env(full_db):
    """Superuser environment on the full database, rolled back after the test."""
    from coquiapps.testing.databases import RollbackEnv

    holder = RollbackEnv(full_db)
    try:
        yield holder.env
    finally:
        holder.close()


@pytest.fixture
def base_env(base_db):
    """Superuser environment on the base-only database, rolled back after the test."""
    from coquiapps.testing.databases import RollbackEnv

    holder = RollbackEnv(base_db)
    try:
        yield holder.env
    finally:
        holder.close()


@pytest.fixture
def new_db(request):
    """A factory: ``new_db(modules=('base',), demo=False)`` -> name of a fresh database of this test."""
    from coquiapps.service import db
    from coquiapps.testing import databases

    def make(modules=("base",), demo=False, label="new"):
        name = databases.unique_name(label)
        databases.register(name)
        db.create_database(name, demo=demo, modules=[m for m in modules if m != "base"])
        return name

    return make


def pytest_sessionfinish(session, exitstatus):
    from coquiapps.testing import databases

    try:
        databases.drop_all()
    except Exception as exc:  # the run's result matters more than the clean-up
        print(f"\ncoquiapps: could not drop the test databases: {exc}")
