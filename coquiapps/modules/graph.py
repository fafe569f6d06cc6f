"""The module dependency graph: install order, auto-install and reverse dependencies.

Modules are ordered as Odoo loads them: by depth in the dependency graph, then
by name (:func:`coquiapps.tools.module_order.by_depth`, which registry loading
uses too). Dependencies therefore always come first, and the order depends only
on the graph, never on the order names are given in.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from coquiapps.modules.manifest import Manifest, find_cycles
from coquiapps.tools import module_order

__all__ = ["DependencyError", "install_order", "auto_install_candidates", "reverse_dependencies"]


class DependencyError(ValueError):
    """Modules cannot be ordered: an unknown module or a dependency cycle."""


def install_order(manifests: Mapping[str, Manifest], names: Iterable[str]) -> list[str]:
    """``names`` and everything they depend on, transitively, dependencies first.

    Raises :class:`DependencyError` for an unknown name or dependency, or a cycle.
    Whether the modules are installable is for the caller to check.
    """
    closure = _closure(manifests, names)
    return _sorted_by_depth(manifests, closure)


def auto_install_candidates(manifests: Mapping[str, Manifest], installed: set[str]) -> list[str]:
    """Modules to install automatically given the ``installed`` ones, in install order.

    A module qualifies when it is not installed, installable, and its auto-install
    triggers are all installed (or chosen): ``auto_install: True`` triggers on all
    its ``depends``, a list triggers on the listed modules only, and its other
    dependencies are then installed too. Repeats until nothing new qualifies;
    candidates needing a module that is not installable are skipped.
    """
    chosen: set[str] = set()
    changed = True
    while changed:
        changed = False
        present = installed | chosen
        for name in sorted(manifests):
            manifest = manifests[name]
            triggers = manifest.auto_install_triggers
            if name in present or not manifest.installable or triggers is None:
                continue
            if not triggers <= present:
                continue
            try:
                needed = _closure(manifests, [name]) - present
            except DependencyError:
                continue
            if all(manifests[module].installable for module in needed):
                chosen |= needed
                changed = True
                break  # recompute `present` before looking further
    return _sorted_by_depth(manifests, chosen)


def reverse_dependencies(
    manifests: Mapping[str, Manifest], names: Iterable[str], installed: set[str]
) -> list[str]:
    """Installed modules depending on ``names``, transitively, dependents first (for uninstall).

    ``names`` themselves are not part of the result. Installed modules whose
    manifest is unknown are ignored. Raises :class:`DependencyError` for an
    unknown name.
    """
    targets = set(_as_list(names))
    for name in sorted(targets):
        if name not in manifests:
            raise DependencyError(f"unknown module {name!r}")
    known = {name for name in installed if name in manifests}
    dependents: set[str] = set()
    frontier = set(targets)
    while frontier:
        frontier = {
            name for name in known - dependents - targets
            if frontier.intersection(manifests[name].depends)
        }
        dependents |= frontier
    order = _sorted_by_depth(manifests, dependents | targets)
    return [name for name in reversed(order) if name in dependents]


def _as_list(names: Iterable[str]) -> list[str]:
    """``names`` as a list; a single name is accepted too."""
    return [names] if isinstance(names, str) else list(names)


def _closure(manifests: Mapping[str, Manifest], names: Iterable[str]) -> set[str]:
    """``names`` and all their dependencies, checked to exist."""
    result: set[str] = set()
    stack = [(name, None) for name in _as_list(names)]
    while stack:
        name, dependent = stack.pop()
        if name in result:
            continue
        if name not in manifests:
            if dependent is None:
                raise DependencyError(f"unknown module {name!r}")
            raise DependencyError(f"module {dependent!r} depends on unknown module {name!r}")
        result.add(name)
        stack.extend((dependency, name) for dependency in manifests[name].depends)
    return result


def _sorted_by_depth(manifests: Mapping[str, Manifest], names: set[str]) -> list[str]:
    """``names`` (a dependency-closed set, or a subset of one) by depth, then name."""
    depends = {name: manifest.depends for name, manifest in manifests.items()}
    try:
        return module_order.by_depth(depends, names)
    except module_order.CycleError as exc:
        cycle = find_cycles({n: manifests[n].depends for n in exc.path})
        raise DependencyError("dependency cycle: " + " -> ".join(cycle.get(exc.name, [exc.name]))) from None
