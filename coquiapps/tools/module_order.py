"""The one module order: by depth in the dependency graph, then by name.

Install, registry loading and uninstall all use it, so a model's classes (and
``super()``) run in the same order in every process. A module without
dependencies has depth 0, any other one more than its deepest dependency; the
order depends only on the graph, never on the order names are given in.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

__all__ = ["CycleError", "by_depth"]


class CycleError(ValueError):
    """The dependencies loop: ``path`` is the chain that came back to ``name``."""

    def __init__(self, name: str, path: tuple[str, ...]):
        self.name = name
        self.path = path
        super().__init__("dependency cycle: " + " -> ".join((*path[path.index(name):], name)))


def by_depth(depends: Mapping[str, Iterable[str]], names: Iterable[str]) -> list[str]:
    """``names`` sorted by depth in the graph ``depends`` (module -> its dependencies), then by name.

    Dependencies missing from ``depends`` are ignored. Raises :class:`CycleError`
    when a dependency of ``names`` leads back to itself.
    """
    depths: dict[str, int] = {}

    def depth(name: str, path: tuple[str, ...]) -> int:
        if name in path:
            raise CycleError(name, path)
        if name not in depths:
            dependencies = [d for d in depends.get(name) or () if d in depends]
            depths[name] = 1 + max((depth(d, (*path, name)) for d in dependencies), default=-1)
        return depths[name]

    ordered = sorted(set(names))  # visit in name order so that errors are deterministic too
    return sorted(ordered, key=lambda name: (depth(name, ()), name))
