"""Routes: the ``@route`` decorator, ``Controller`` and the per-database URL maps.

A controller class belongs to the addon whose package defines it
(``coquiapps.addons.<addon>...``), or to the addon named by its ``_addon``
attribute. Only the controllers of the addons installed in a database (plus
the server-wide ``base`` and ``web``) answer there. As in Odoo, an addon
overrides a route by subclassing the earlier controller and re-declaring the
method (with ``@route()`` alone, the paths of the parent are kept); only the
most derived class of each hierarchy is instantiated, so ``super()`` works.

Controller classes register themselves when defined (as model classes do), so
that list is per process; the URL maps built from it belong to the
:class:`RouteMaps` of each application.
"""
from __future__ import annotations

import functools
import importlib
import inspect
import threading

from werkzeug.routing import Map, Rule

SERVER_WIDE_MODULES = ("base", "web")
ROUTE_DEFAULTS = {"type": "http", "auth": "user", "methods": None, "csrf": True}

_lock = threading.RLock()
_generation = [0]  # bumped whenever a controller class appears or is unregistered


def route(route=None, **routing):
    """Expose a controller method at ``route`` (a path or a list of paths).

    Keyword arguments: ``type`` ('http' or 'json'), ``auth`` ('user', 'public'
    or 'none'), ``methods`` (e.g. ``['POST']``), ``csrf`` (checked on POSTs of
    http routes). Arguments not given are inherited from the overridden method.
    """
    if route is not None:
        routing["routes"] = [route] if isinstance(route, str) else list(route)
    unknown = set(routing) - set(ROUTE_DEFAULTS) - {"routes", "website", "cors", "save_session"}
    if unknown:
        raise TypeError(f"@route got unknown argument(s) {sorted(unknown)}")
    if routing.get("type", "http") not in ("http", "json"):
        raise ValueError(f"@route type must be 'http' or 'json', not {routing['type']!r}")
    if routing.get("auth", "user") not in ("user", "public", "none"):
        raise ValueError(f"@route auth must be 'user', 'public' or 'none', not {routing['auth']!r}")

    def decorator(func):
        func.original_routing = dict(routing)
        func.routing = dict(routing)
        return func

    return decorator


class Controller:
    """Base class of the classes holding routes; subclass it in an addon's ``controllers``."""

    _addon: str | None = None
    children_classes: dict[str | None, list[type]] = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        addon = cls.__dict__.get("_addon") or addon_of(cls.__module__)
        with _lock:
            Controller.children_classes.setdefault(addon, []).append(cls)
            _generation[0] += 1


def addon_of(module_name: str) -> str | None:
    """``coquiapps.addons.sale.controllers.main`` -> ``sale``; None outside addons."""
    parts = module_name.split(".")
    if len(parts) >= 3 and parts[:2] == ["coquiapps", "addons"]:
        return parts[2]
    return None


def unregister(cls: type) -> None:
    """Forget a controller class (tests that define controllers clean up with this)."""
    with _lock:
        for classes in Controller.children_classes.values():
            if cls in classes:
                classes.remove(cls)
        _generation[0] += 1


def import_controllers(modules) -> None:
    """Import the ``controllers`` package of each addon (when it has one)."""
    for module in modules:
        name = f"coquiapps.addons.{module}.controllers"
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name not in (name, f"coquiapps.addons.{module}"):
                raise


def _active_classes(modules) -> list[type]:
    active = []
    for addon in (None, *modules):
        active += Controller.children_classes.get(addon, [])
    return active


def _merged_routing(cls: type, name: str) -> dict | None:
    """The routing of method ``name`` of ``cls``: the definitions along the MRO, merged."""
    merged, found = dict(ROUTE_DEFAULTS), False
    for klass in reversed(cls.__mro__):
        func = klass.__dict__.get(name)
        original = getattr(func, "original_routing", None)
        if original is not None:
            merged.update(original)
            found = True
    return merged if found and merged.get("routes") else None


def build_endpoints(modules) -> list[tuple[dict, object]]:
    """(routing, bound method) of every route of these addons, most derived classes only."""
    active = _active_classes(modules)
    leaves = [c for c in active if not any(o is not c and issubclass(o, c) for o in active)]
    endpoints = []
    for cls in leaves:
        instance = cls()
        for name, member in inspect.getmembers(cls, callable):
            if name.startswith("__") or not hasattr(member, "original_routing"):
                continue
            routing = _merged_routing(cls, name)
            if routing:
                endpoints.append((routing, _endpoint(getattr(instance, name), routing)))
    return endpoints


def _endpoint(method, routing):
    @functools.wraps(method)
    def endpoint(*args, **kwargs):
        return method(*args, **kwargs)

    endpoint.routing = routing
    return endpoint


def routing_map(modules) -> Map:
    """A new werkzeug URL map of a database whose installed addons are ``modules``."""
    modules = _with_server_wide(modules)
    import_controllers(modules)
    url_map = Map(strict_slashes=False, merge_slashes=False)
    seen = set()
    for routing, endpoint in reversed(build_endpoints(modules)):  # later addons win
        for path in routing["routes"]:
            methods = routing.get("methods")
            rule_key = (path, tuple(methods or ()))
            if rule_key in seen:
                continue
            seen.add(rule_key)
            url_map.add(Rule(path, endpoint=endpoint, methods=methods))
    return url_map


def _with_server_wide(modules) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*SERVER_WIDE_MODULES, *modules)))


class RouteMaps:
    """The URL maps one application built, by installed addons; rebuilt when controllers change."""

    def __init__(self):
        self._lock = threading.Lock()
        self._maps: dict[tuple, Map] = {}

    def get(self, modules) -> Map:
        """The URL map of a database whose installed addons are ``modules`` (built on first use)."""
        key = (_with_server_wide(modules), _generation[0])
        with self._lock:
            cached = self._maps.get(key)
        if cached is not None:
            return cached
        url_map = routing_map(key[0])
        with self._lock:
            # maps of an older set of controller classes are never asked for again
            self._maps = {k: v for k, v in self._maps.items() if k[1] == key[1]}
            self._maps[key] = url_map
        return url_map
