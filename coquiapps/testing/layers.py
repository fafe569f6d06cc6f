"""The declared layers, checked: ``python -m coquiapps.testing.layers [REPO]``.

The contracts live in ``pyproject.toml`` under ``[tool.importlinter]`` and are
checked by import-linter's ``lint-imports``, which reads every import statement
(function-level ones too) of the packages it finds on ``sys.path``.

It cannot read this repository as it is: the repository root *is* the module
``sale_amazon_spapi``, which the runtime imports as
``coquiapps.addons.sale_amazon_spapi`` (see :mod:`coquiapps.modules.discovery`),
and the root also holds the runtime's own folder. Read in place, the module's
imports of itself by its runtime name would be lost and the runtime would
appear a second time inside the module. So the check runs on a *view*: a
temporary tree of symbolic links in which the module's files sit at
``coquiapps/addons/sale_amazon_spapi``, every import is seen under the name
the runtime uses, and nothing is copied.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

MODULE = "sale_amazon_spapi"
RUNTIME = "coquiapps"
# Root files that package the repository rather than belong to the module.
NOT_MODULE = {"setup.py"}


def root_packages(repo: Path) -> list[str]:
    """The ``root_packages`` the contracts are declared for."""
    config = tomllib.loads((repo / "pyproject.toml").read_text())
    try:
        return list(config["tool"]["importlinter"]["root_packages"])
    except KeyError:
        raise SystemExit(f"{repo / 'pyproject.toml'}: [tool.importlinter] root_packages is missing") from None


def module_entries(repo: Path, top_level: list[str]) -> list[Path]:
    """The repository root's files and packages that make up the module."""
    entries = []
    for entry in sorted(repo.iterdir()):
        if entry.name in top_level or entry.name in NOT_MODULE or entry.name.startswith("."):
            continue
        if entry.suffix == ".py" or (entry / "__init__.py").is_file():
            entries.append(entry)
    return entries


def _link_children(source: Path, target: Path, skip: str = "") -> None:
    target.mkdir()
    for child in source.iterdir():
        if child.name != skip and child.name != "__pycache__":
            (target / child.name).symlink_to(child)


def build_view(repo: Path, target: Path) -> Path:
    """Lay the import view of ``repo`` out in the empty folder ``target``."""
    top_level = [name.split(".")[0] for name in root_packages(repo)]
    for name in set(top_level) - {RUNTIME}:
        (target / name).symlink_to(repo / name)
    # coquiapps/ and coquiapps/addons/ are real folders so the module can be added among the addons.
    _link_children(repo / RUNTIME, target / RUNTIME, skip="addons")
    addons = target / RUNTIME / "addons"
    _link_children(repo / RUNTIME / "addons", addons)
    module = addons / MODULE
    module.mkdir()
    for entry in module_entries(repo, top_level):
        (module / entry.name).symlink_to(entry)
    return target


def lint(repo: Path, *, capture: bool = False) -> subprocess.CompletedProcess:
    """Run ``lint-imports`` with ``repo``'s contracts on its import view."""
    repo = repo.resolve()
    lint_imports = Path(sys.executable).with_name("lint-imports")
    with tempfile.TemporaryDirectory(prefix="coquiapps-layers-") as tmp:
        view = build_view(repo, Path(tmp))
        # lint-imports puts its working folder first on sys.path: the view, not the repository.
        return subprocess.run(
            [str(lint_imports), str(repo / "pyproject.toml"), "--no-cache", "--no-logo"],
            cwd=view,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
            capture_output=capture,
            text=True,
            check=False,
        )


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    repo = Path(args[0]) if args else Path.cwd()
    return lint(repo).returncode


if __name__ == "__main__":
    sys.exit(main())
