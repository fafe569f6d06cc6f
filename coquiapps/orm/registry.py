"""The registry: a database's models, built from the addons installed in it.

Finding the addons and judging the installed ones belong to the modules
layer, which sits above the ORM: it plugs them in as :class:`LoadHooks`.
"""
from __future__ import annotations

import importlib
import logging
import threading
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from coquiapps.orm import fields, inherits, manual
from coquiapps.orm.exceptions import RegistryError
from coquiapps.orm.models import ORM_CLASSES, BaseModel, MetaModel
from coquiapps.tools import module_order

_logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadHooks:
    """What loading a database's registry needs from the modules layer.

    The ORM may not import that layer (it is built on the ORM); it sets
    :attr:`Registry.hooks` when imported, and ``import coquiapps`` imports it.
    """

    #: make ``coquiapps.addons.<name>`` importable for every addon this process can see
    discover: Callable[[], object]
    #: (cursor, dbname): say which installed modules are older than their code
    check_outdated: Callable[[object, str], None]


class Registry(Mapping):
    """Models by name, for one database and one list of modules."""

    registries: dict[str, Registry] = {}
    _lock = threading.RLock()
    #: set by :mod:`coquiapps.modules` (see :class:`LoadHooks`)
    hooks: LoadHooks | None = None

    def __init__(self, dbname: str, modules: list[str], manual=None):
        self.dbname = dbname
        self.modules = list(modules)
        self.manual = manual  # custom models and fields (coquiapps.orm.manual.Definitions)
        self.models: dict[str, type] = {}
        self.field_triggers: dict[str, dict] = {}
        self.access_cache: dict = {}
        self.sequence: int | None = None
        self._build()

    # -- Mapping ------------------------------------------------------------------
    def __getitem__(self, name):
        try:
            return self.models[name]
        except KeyError:
            raise KeyError(f"model {name!r} does not exist in database {self.dbname!r}") from None

    def __iter__(self):
        return iter(self.models)

    def __len__(self):
        return len(self.models)

    def __contains__(self, name):
        return name in self.models

    # -- lifecycle -----------------------------------------------------------------
    @classmethod
    def get(cls, dbname: str) -> Registry:
        """The registry of ``dbname``, loaded from its installed modules on first use."""
        with cls._lock:
            registry = cls.registries.get(dbname)
            if registry is None:
                registry = cls.load(dbname)
            return registry

    @classmethod
    def load(cls, dbname: str) -> Registry:
        """(Re)build the registry of ``dbname`` from the modules installed there."""
        from coquiapps import sql_db

        if cls.hooks is None:
            raise RegistryError(f"cannot load the registry of {dbname!r}: the modules layer is not "
                                "plugged in (import coquiapps.modules)")
        cls.hooks.discover()
        with sql_db.cursor(dbname) as cr:
            cr.execute("SELECT to_regclass('ir_module_module') IS NOT NULL")
            if not cr.fetchone()[0]:
                raise RegistryError(f"database {dbname!r} is not a CoquiAPPs database (no ir_module_module)")
            cr.execute("SELECT name FROM ir_module_module WHERE state IN ('installed', 'to upgrade', 'to remove')")
            installed = {row[0] for row in cr.fetchall()}
            cr.execute("SELECT m.name, array_agg(d.depends_on) FROM ir_module_module_dependency d "
                       "JOIN ir_module_module m ON m.id = d.module_id GROUP BY m.name")
            depends = {name: deps for name, deps in cr.fetchall()}
            sequence = _read_sequence(cr)
            custom = manual.read_definitions(cr)
            cls.hooks.check_outdated(cr, dbname)
        # the graph's order, as at install: a model's classes stack the same way in every process
        graph = {name: [d for d in depends.get(name) or () if d in installed] for name in installed}
        try:
            order = module_order.by_depth(graph, installed)
        except module_order.CycleError as exc:
            message = f"database {dbname!r}: installed modules depend on each other in a loop: {exc}"
            raise RegistryError(message) from None
        registry = cls(dbname, order, manual=custom)
        registry.sequence = sequence
        with cls._lock:
            cls.registries[dbname] = registry
        return registry

    @classmethod
    def delete(cls, dbname: str) -> None:
        with cls._lock:
            cls.registries.pop(dbname, None)

    def check_signaling(self, cr) -> Registry:
        """The up-to-date registry: reloaded when another process changed the modules."""
        if _read_sequence(cr) != self.sequence:
            return Registry.load(self.dbname)
        return self

    # -- building ------------------------------------------------------------------
    def _build(self) -> None:
        definitions: dict[str, list[type]] = defaultdict(list)
        parents: dict[str, list[str]] = defaultdict(list)
        for module in self.modules:
            importlib.import_module(f"coquiapps.addons.{module}")
            for cls in _definitions_first(MetaModel.module_to_models.get(module, {}).values()):
                inherit = cls.__dict__.get("_inherit", ())
                inherit = [inherit] if isinstance(inherit, str) else list(inherit)
                name = cls.__dict__.get("_name") or (inherit[0] if len(inherit) == 1 else None)
                if not name:
                    raise RegistryError(f"{cls.__module__}.{cls.__name__}: a model needs _name or a single _inherit")
                if name not in definitions and name in inherit:
                    raise RegistryError(
                        f"model {name!r} cannot be extended by module {module!r}: it is not defined "
                        f"by {module!r} or its dependencies"
                    )
                for parent in inherit:
                    if parent == name:
                        continue
                    if parent not in definitions:
                        raise RegistryError(
                            f"model {name!r} (module {module!r}) inherits unknown model {parent!r}"
                        )
                    if parent not in parents[name]:
                        parents[name].append(parent)
                definitions[name].append(cls)
        built: dict[str, type] = {}

        def build(name: str, chain=()) -> type:
            if name in built:
                return built[name]
            if name in chain:
                raise RegistryError(f"models inherit each other in a loop: {' -> '.join(chain + (name,))}")
            bases = tuple(reversed(definitions[name]))
            bases += tuple(build(parent, chain + (name,)) for parent in parents[name])
            first = definitions[name][0]
            attrs = {"_name": name, "_register": False, "pool": self, "_module": first._module,
                     "_inherit_children": []}
            if "_table" not in first.__dict__ or first.__dict__.get("_table") is None:
                attrs["_table"] = name.replace(".", "_")
            # constraints add up along the extension chain (a later one may redefine by name)
            constraints: dict[str, tuple] = {}
            for klass in [*reversed([built[p] for p in parents[name] if p in built]), *definitions[name]]:
                for constraint in klass.__dict__.get("_sql_constraints", ()) if klass in definitions[name] \
                        else getattr(klass, "_sql_constraints", ()):
                    constraints[constraint[0]] = tuple(constraint)
            attrs["_sql_constraints"] = list(constraints.values())
            try:
                model_cls = type(name, bases, attrs)
            except TypeError as exc:
                raise RegistryError(f"model {name!r} cannot be built: {exc}") from exc
            built[name] = model_cls
            return model_cls

        for name in definitions:
            build(name)
        if self.manual:
            manual.add_models(self, built, self.manual)
        self.models = built
        for model_cls in built.values():
            self._setup_fields(model_cls)
        if self.manual:
            manual.add_fields(self, self.manual)
        delegated: set[str] = set()
        for model_cls in built.values():
            inherits.setup_inherited_fields(self, model_cls, delegated)
        for model_cls in built.values():
            for field in model_cls._fields.values():
                _complete_related(self, model_cls, field)
                field.setup(model_cls)
        self._setup_triggers()

    def _setup_fields(self, model_cls) -> None:
        """Give the model class fresh fields merged along its MRO (later classes refine)."""
        merged: dict[str, fields.Field] = {}
        reserved = _orm_names(model_cls)
        for klass in reversed(model_cls.__mro__):
            for name, value in vars(klass).items():
                if isinstance(value, fields.Field):
                    if name in reserved:
                        raise RegistryError(
                            f"model {model_cls._name!r}: field {name!r} (module {klass.__module__}) would hide "
                            f"the ORM's {reserved[name]} {name!r} of every record; rename the field")
                    merged[name] = value if name not in merged else _refine(merged[name], value)
        if model_cls._auto and model_cls._log_access:
            merged.setdefault("create_uid", fields.Many2one("res.users", "Created by", readonly=True))
            merged.setdefault("create_date", fields.Datetime("Created on", readonly=True))
            merged.setdefault("write_uid", fields.Many2one("res.users", "Last Updated by", readonly=True))
            merged.setdefault("write_date", fields.Datetime("Last Updated on", readonly=True))
        model_cls._fields = {}
        for name, definition in merged.items():
            field = definition.new_copy()
            field.name = name
            field.model_name = model_cls._name
            setattr(model_cls, name, field)
            model_cls._fields[name] = field
        if "res.users" not in self.models:
            for name in ("create_uid", "write_uid"):
                model_cls._fields.pop(name, None)

    def _setup_triggers(self) -> None:
        """For each stored computed field, which changes (model, field) must recompute it."""
        triggers: dict[str, dict] = defaultdict(lambda: defaultdict(set))
        for model_cls in self.models.values():
            for field in model_cls._fields.values():
                if not (field.store and (field.compute or field.related)):
                    continue
                method = getattr(model_cls, field.compute, None) if isinstance(field.compute, str) else None
                paths = list(getattr(method, "_depends", ()) or field.depends)
                if field.related:
                    paths.append(field.related)
                for path in paths:
                    current = model_cls
                    parts = path.strip().split(".")
                    for index, part in enumerate(parts):
                        if part not in current._fields:
                            raise RegistryError(f"field {field} depends on unknown field {path!r}")
                        prefix = ".".join(parts[:index])
                        triggers[current._name][(model_cls._name, prefix, field)].add(part)
                        sub = current._fields[part]
                        if sub.relational and index + 1 < len(parts):
                            current = self.models[sub.comodel_name]
        self.field_triggers = {k: dict(v) for k, v in triggers.items()}

    # -- schema --------------------------------------------------------------------
    def init_models(self, cr, model_names=None) -> list[str]:
        """Create or migrate the tables of these models (all by default); returns what changed."""
        from coquiapps.orm import schema

        changes: list[str] = []
        names = list(model_names or self.models)
        for name in names:
            model_cls = self.models[name]
            if model_cls._auto:
                changes += schema.sync_table(cr, model_cls)
        for name in names:
            model_cls = self.models[name]
            if model_cls._auto:
                changes += schema.sync_relations(cr, model_cls)
        return changes


#: set on each recordset by BaseModel.__init__
RECORDSET_ATTRIBUTES = ("env", "_ids", "_prefetch_ids")


def _orm_names(model_cls) -> dict[str, str]:
    """Names the ORM classes of ``model_cls`` use for methods and attributes: no field may take one.

    A field named ``read`` would replace ``read()`` on the model's records, and
    every ``search_read`` (XML-RPC included) would then fail far from the cause.
    """
    names = dict.fromkeys(RECORDSET_ATTRIBUTES, "attribute")
    orm = [klass for klass in model_cls.__mro__ if klass in ORM_CLASSES]
    for klass in orm:
        for name, value in vars(klass).items():
            if not isinstance(value, fields.Field):
                names.setdefault(name, "method" if callable(value) or isinstance(
                    value, classmethod | staticmethod) else "attribute")
    return names


def _definitions_first(classes) -> list[type]:
    """A module's classes with the ones creating a model before those extending one.

    Within a module the files' import order then does not matter: a file may
    extend a model another file of the same module defines.
    """
    classes = list(classes)

    def creates(cls) -> bool:
        inherit = cls.__dict__.get("_inherit", ())
        inherit = [inherit] if isinstance(inherit, str) else list(inherit)
        return bool(cls.__dict__.get("_name")) and cls.__dict__["_name"] not in inherit

    return [c for c in classes if creates(c)] + [c for c in classes if not creates(c)]


def _complete_related(registry, model_cls, field) -> None:
    """A related field takes its comodel / selection / currency / groups from the field it follows."""
    if not field.related:
        return
    target_model = model_cls
    target = None
    for part in field.related.split("."):
        target = target_model._fields.get(part)
        if target is None:
            raise RegistryError(f"related field {field} follows unknown field {part!r} ({field.related})")
        if target.relational:
            target_model = registry.models[target.comodel_name]
    if field.relational and not field.comodel_name:
        field.comodel_name = target.comodel_name
    if field.type == "selection" and not field.selection:
        field.selection = target.selection
    if not field.string and target.string:
        field.string = target.string
    # as in Odoo, a related field is restricted like the field it shows
    if not field.groups and target.groups:
        field.groups = target.groups
    if target.password:
        field.password = True


def _refine(previous: fields.Field, new: fields.Field) -> fields.Field:
    """A field redefined by _inherit keeps the earlier arguments it does not override."""
    if type(new) is not type(previous) and not isinstance(previous, fields.Id):
        return new
    return previous.new_copy(**new.args)


def _read_sequence(cr):
    cr.execute("SELECT to_regclass('coquiapps_registry_signaling') IS NOT NULL")
    if not cr.fetchone()[0]:
        return None
    cr.execute("SELECT last_value FROM coquiapps_registry_signaling")
    return cr.fetchone()[0]




# used by Registry.get callers that want to know without importing BaseModel
__all__ = ["Registry", "RegistryError", "LoadHooks", "BaseModel"]
