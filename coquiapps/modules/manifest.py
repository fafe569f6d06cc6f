"""Reading and validating addon manifests (``__manifest__.py``).

A manifest is a Python dict literal, read with :func:`ast.literal_eval` (never
executed). Known keys are type-checked; unknown keys are kept (as Odoo allows)
in :attr:`Manifest.raw`. Every problem raises :class:`ManifestError` naming
the module and the reason; :func:`load_manifests` collects them instead, so one
bad module never hides the others.
"""
from __future__ import annotations

import ast
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Any

from coquiapps import release

__all__ = ["Manifest", "ManifestError", "read_manifest", "load_manifests", "adapt_version"]

MANIFEST_FILE = "__manifest__.py"
README_FILES = ("README.rst", "README.md", "README.txt")
DATA_EXTENSIONS = (".xml", ".csv", ".sql")
HOOKS = ("pre_init_hook", "post_init_hook", "uninstall_hook")
_VERSION_RE = re.compile(r"[0-9]+\.[0-9]+(\.[0-9]+)?")


class ManifestError(ValueError):
    """A module's manifest cannot be used; ``str()`` is ``"<module>: <reason>"``."""

    def __init__(self, module: str, reason: str) -> None:
        super().__init__(f"{module}: {reason}")
        self.module = module
        self.reason = reason


@dataclass(frozen=True)
class Manifest:
    """A validated manifest. ``name`` is the technical name, ``display_name`` the manifest's."""

    name: str
    display_name: str = ""
    path: Path = Path()
    version: str = f"{release.series}.1.0"
    summary: str = ""
    description: str = ""
    category: str = "Uncategorized"
    author: str = ""
    website: str = ""
    license: str = "LGPL-3"
    depends: tuple[str, ...] = ()
    data: tuple[str, ...] = ()
    demo: tuple[str, ...] = ()
    #: False, True (when all ``depends`` are installed), or the tuple of trigger modules.
    auto_install: bool | tuple[str, ...] = False
    application: bool = False
    installable: bool = True
    external_dependencies: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType({}), compare=False, hash=False
    )
    pre_init_hook: str | None = None
    post_init_hook: str | None = None
    uninstall_hook: str | None = None
    sequence: int = 100
    #: Every key of the manifest as read, unknown ones included (``assets``, ``images``...).
    raw: Mapping[str, Any] = field(
        default_factory=lambda: MappingProxyType({}), compare=False, hash=False, repr=False
    )

    @property
    def auto_install_triggers(self) -> frozenset[str] | None:
        """Modules whose installation triggers this one's, or None when not auto-installed."""
        if self.auto_install is True:
            return frozenset(self.depends)
        if self.auto_install is False:
            return None
        return frozenset(self.auto_install)


def adapt_version(version: str) -> str:
    """Prefix a short version with the series: ``1.2`` -> ``17.0.1.2`` (Odoo's rule).

    Accepted forms: ``x.y``, ``x.y.z``, ``<series>.x.y`` and ``<series>.x.y.z``.
    Raises ValueError for anything else.
    """
    series = release.series
    if version != series and version.startswith(series + "."):
        short = version[len(series) + 1:]
    else:
        short, version = version, f"{series}.{version}"
    if not _VERSION_RE.fullmatch(short):
        raise ValueError(f"version {short!r} is not a valid version")
    return version


def read_manifest(name: str, folder: Path, known_modules: set[str] | None = None) -> Manifest:
    """Read and validate the manifest of module ``name`` in ``folder``.

    With ``known_modules``, each dependency must be one of them. Raises
    :class:`ManifestError` on the first problem found.
    """
    folder = folder if isinstance(folder, Path) else Path(folder)
    values = _read_literal(name, os.path.join(folder, MANIFEST_FILE))
    checker = _Checker(name, folder, values)
    manifest = checker.build()
    if known_modules is not None:
        for dependency in manifest.depends:
            if dependency not in known_modules:
                raise ManifestError(name, f"depends on unknown module {dependency!r}")
    return manifest


def load_manifests(
    locations: dict[str, Path],
) -> tuple[dict[str, Manifest], dict[str, str]]:
    """Read the manifests of all ``{name: folder}``; return ``(good, {name: reason})``.

    Besides unreadable or invalid manifests, a module is bad when it depends on an
    unknown or bad module (repeatedly, so the whole chain is reported) or takes
    part in a dependency cycle.
    """
    good: dict[str, Manifest] = {}
    bad: dict[str, str] = {}
    for name in sorted(locations):
        try:
            good[name] = read_manifest(name, locations[name])
        except ManifestError as exc:
            bad[name] = exc.reason
    while True:
        _flag_missing_dependencies(good, bad)
        cycles = find_cycles({name: m.depends for name, m in good.items()})
        if not cycles:
            return good, bad
        for name, cycle in cycles.items():
            del good[name]
            bad[name] = "dependency cycle: " + " -> ".join(cycle)


def find_cycles(depends: Mapping[str, tuple[str, ...] | list[str]]) -> dict[str, list[str]]:
    """For each module on a dependency cycle, the shortest such cycle: ``[a, b, a]``.

    Dependencies absent from ``depends`` are ignored.
    """
    cycles: dict[str, list[str]] = {}
    for start in sorted(depends):
        # breadth-first search back to ``start``; parents remember the shortest path
        parents: dict[str, str] = {}
        queue = [start]
        while queue and start not in parents:
            current = queue.pop(0)
            for dependency in sorted(depends[current]):
                if dependency in depends and dependency not in parents:
                    parents[dependency] = current
                    queue.append(dependency)
        if start in parents:
            path = [start]
            while len(path) == 1 or path[-1] != start:
                path.append(parents[path[-1]])
            cycles[start] = path[::-1]
    return cycles


def _flag_missing_dependencies(good: dict[str, Manifest], bad: dict[str, str]) -> None:
    """Move to ``bad`` every module depending on a module that is not good, transitively."""
    changed = True
    while changed:
        changed = False
        for name in sorted(good):
            for dependency in good[name].depends:
                if dependency in good:
                    continue
                reason = "invalid" if dependency in bad else "unknown"
                bad[name] = f"depends on {reason} module {dependency!r}"
                del good[name]
                changed = True
                break


def _read_literal(name: str, path: str) -> Any:
    """The literal value held by a manifest file (parsed, never executed)."""
    try:
        with open(path, encoding="utf-8") as file:
            source = file.read()
    except FileNotFoundError:
        raise ManifestError(name, f"{MANIFEST_FILE} not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(name, f"{MANIFEST_FILE} cannot be read: {exc}") from exc
    try:
        tree = ast.parse(source, filename=MANIFEST_FILE, mode="eval")
    except SyntaxError as exc:
        raise ManifestError(name, f"{MANIFEST_FILE} line {exc.lineno}: {exc.msg}") from exc
    except (ValueError, RecursionError, MemoryError) as exc:
        raise ManifestError(name, f"{MANIFEST_FILE} cannot be parsed: {exc}") from exc
    try:
        return ast.literal_eval(tree.body)
    except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
        line = _first_non_literal_line(tree) or tree.body.lineno
        raise ManifestError(
            name, f"{MANIFEST_FILE} line {line}: only literal values are allowed"
        ) from None


def _first_non_literal_line(tree: ast.AST) -> int | None:
    """The line of the first node that cannot appear in a literal (a call, a name...)."""
    allowed = (ast.Expression, ast.Constant, ast.Dict, ast.List, ast.Tuple, ast.Set,
               ast.UnaryOp, ast.USub, ast.UAdd, ast.Load)
    for node in ast.walk(tree):
        if not isinstance(node, allowed):
            return getattr(node, "lineno", None)
    return None


def _type_name(value: Any) -> str:
    return type(value).__name__


class _Checker:
    """Validates the keys of one manifest and builds the :class:`Manifest`."""

    def __init__(self, module: str, folder: Path, values: Any) -> None:
        self.module = module
        self.folder = folder
        if not isinstance(values, dict):
            raise self.error(f"manifest is a {_type_name(values)}, expected a dict")
        self.values = values

    def error(self, reason: str) -> ManifestError:
        return ManifestError(self.module, reason)

    def get(self, key: str, kind: type, default: Any) -> Any:
        """The value of ``key``, checked to be a ``kind``, or ``default`` when absent."""
        if key not in self.values:
            return default
        value = self.values[key]
        # bool is an int subclass: refuse True for an int key and 1 for a bool key
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            article = "an" if kind.__name__[0] in "aeiou" else "a"
            raise self.error(
                f"{key!r} must be {article} {kind.__name__}, got {_type_name(value)}"
            )
        return value

    def strings(self, key: str, default: list[str] | None = None) -> tuple[str, ...]:
        """A list of strings (a tuple is accepted too)."""
        value = self.values.get(key, default if default is not None else [])
        if not isinstance(value, list | tuple):
            raise self.error(f"{key!r} must be a list of strings, got {_type_name(value)}")
        for item in value:
            if not isinstance(item, str):
                raise self.error(
                    f"{key!r} must be a list of strings, got an item of type {_type_name(item)}"
                )
        return tuple(value)

    def files(self, key: str) -> tuple[str, ...]:
        """Data or demo files: relative paths inside the module, of a loadable kind, existing."""
        files = self.strings(key)
        root = os.fspath(self.folder)  # "..", absolute paths refused below: no need to resolve
        for file in files:
            if PurePosixPath(file).is_absolute() or ".." in PurePosixPath(file).parts:
                raise self.error(f"{key} file {file!r} is outside the module")
            if not file.endswith(DATA_EXTENSIONS):
                raise self.error(
                    f"{key} file {file!r} must end with {', '.join(DATA_EXTENSIONS)}"
                )
            if not os.path.isfile(os.path.join(root, file)):
                raise self.error(f"{key} file {file!r} does not exist")
        return files

    def build(self) -> Manifest:
        if "name" not in self.values:
            raise self.error("'name' is required")
        display_name = self.get("name", str, "")
        if not display_name.strip():
            raise self.error("'name' must not be empty")
        texts = {
            key: self.get(key, str, default)
            for key, default in (("summary", ""), ("description", ""),
                                 ("category", "Uncategorized"), ("author", ""),
                                 ("website", ""), ("license", "LGPL-3"))
        }
        texts["description"] = texts["description"] or self.readme()
        depends = self.strings("depends", [] if self.module == "base" else ["base"])
        version = self.get("version", str, "1.0")
        try:
            version = adapt_version(version)
        except ValueError:
            raise self.error(f"version {version!r} is not a valid version") from None
        hooks = {key: self.hook(key) for key in HOOKS}
        return Manifest(
            name=self.module,
            display_name=display_name,
            path=self.folder,
            version=version,
            depends=depends,
            data=self.files("data"),
            demo=self.files("demo"),
            auto_install=self.auto_install(depends),
            application=self.get("application", bool, False),
            installable=self.get("installable", bool, True),
            external_dependencies=self.external_dependencies(),
            sequence=self.get("sequence", int, 100),
            raw=MappingProxyType(dict(self.values)),
            **texts,
            **hooks,
        )

    def readme(self) -> str:
        try:  # one listing rather than a stat per README name: Update Apps List reads thousands
            present = set(os.listdir(self.folder))
        except OSError:
            return ""
        for filename in README_FILES:
            if filename in present:
                path = os.path.join(self.folder, filename)
                if os.path.isfile(path):
                    with open(path, encoding="utf-8", errors="replace") as readme:
                        return readme.read()
        return ""

    def auto_install(self, depends: tuple[str, ...]) -> bool | tuple[str, ...]:
        value = self.values.get("auto_install", False)
        if isinstance(value, bool):
            return value
        if not isinstance(value, list | tuple):
            raise self.error(
                f"'auto_install' must be a bool or a list of strings, got {_type_name(value)}"
            )
        triggers = self.strings("auto_install")
        for trigger in triggers:
            if trigger not in depends:
                raise self.error(f"auto_install lists {trigger!r} which is not in depends")
        return triggers

    def hook(self, key: str) -> str | None:
        value = self.get(key, str, None)
        if value is not None and not value.isidentifier():
            raise self.error(f"{key!r} must be the name of a function, got {value!r}")
        return value

    def external_dependencies(self) -> Mapping[str, tuple[str, ...]]:
        value = self.get("external_dependencies", dict, {})
        result: dict[str, tuple[str, ...]] = {}
        for kind in ("python", "bin"):
            items = value.get(kind, [])
            if not isinstance(items, list | tuple) or not all(isinstance(i, str) for i in items):
                raise self.error(
                    f"'external_dependencies' {kind!r} must be a list of strings, "
                    f"got {_type_name(items)}"
                )
            result[kind] = tuple(items)
        return MappingProxyType(result)
