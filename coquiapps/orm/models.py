"""Models and recordsets.

Addons declare model classes; each database's :class:`~coquiapps.orm.registry.Registry`
combines every class declaring the same ``_name`` (or ``_inherit``-ing it)
into one class whose MRO runs from the last module to the first, so
``super()`` walks the extension chain as in Odoo. Instances of that class are
recordsets: an environment and a tuple of ids.

:class:`BaseModel` keeps the recordset basics, search and read; it is composed
of one mixin per concept: the field cache (``cache``), access checks
(``access_checks``), create/write/unlink (``crud``), the x2many commands
(``x2many``) and recomputation (``recompute``).
"""
from __future__ import annotations

import datetime as dt
import itertools
import logging
from collections import defaultdict

from psycopg2 import sql

from coquiapps.orm import fields
from coquiapps.orm.access import check_bound, parse_order
from coquiapps.orm.access_checks import AccessChecks
from coquiapps.orm.cache import FieldCache
from coquiapps.orm.commands import Command
from coquiapps.orm.crud import LOG_ACCESS_FIELDS, Crud
from coquiapps.orm.domain import Compiler, DomainError
from coquiapps.orm.recompute import Recompute
from coquiapps.orm.x2many import X2many

_logger = logging.getLogger(__name__)




class MetaModel(type):
    """Collects the model classes each addon declares, by addon."""

    module_to_models: dict[str, dict[str, type]] = defaultdict(dict)

    def __init__(cls, name, bases, attrs):
        super().__init__(name, bases, attrs)
        if not attrs.get("_register", True):
            return
        if "_name" not in attrs and "_inherit" not in attrs:
            return
        module = cls.__module__
        if module.startswith("coquiapps.addons."):
            cls._module = module.split(".")[2]
            # keyed by qualified name: re-importing an addon replaces, never duplicates
            MetaModel.module_to_models[cls._module][f"{module}.{cls.__qualname__}"] = cls


class BaseModel(FieldCache, AccessChecks, Crud, X2many, Recompute, metaclass=MetaModel):
    """Everything a recordset can do; see :class:`Model` for stored models."""

    _register = False
    _name: str | None = None
    _inherit: str | list | tuple = ()
    _inherits: dict[str, str] = {}  # parent model -> many2one delegating to it (see orm.inherits)
    _description: str | None = None
    _order = "id"
    _rec_name: str | None = None
    _table: str | None = None
    _auto = False
    _abstract = True
    _transient = False
    _log_access = True
    _sql_constraints: list = []
    _module: str | None = None
    _transient_max_hours = 1.0

    # set on registry classes
    pool = None
    _fields: dict = {}

    id = fields.Id("ID", readonly=True)
    display_name = fields.Char("Display Name", compute="_compute_display_name")

    def __init__(self, env, ids=(), prefetch_ids=None):
        self.env = env
        self._ids = tuple(ids)
        self._prefetch_ids = self._ids if prefetch_ids is None else prefetch_ids

    # -- recordset basics ---------------------------------------------------
    @property
    def ids(self) -> list[int]:
        return list(self._ids)

    def browse(self, ids=()):
        if not ids:  # False, None, 0 and () are all empty, as in Odoo (False is an int)
            ids = ()
        elif isinstance(ids, int):
            ids = (ids,)
        ids = tuple(ids)
        return type(self)(self.env, ids, ids)

    def __iter__(self):
        for rid in self._ids:
            yield type(self)(self.env, (rid,), self._prefetch_ids)

    def __len__(self):
        return len(self._ids)

    def __bool__(self):
        return bool(self._ids)

    def __contains__(self, item):
        return item._name == self._name and item.id in self._ids

    def __eq__(self, other):
        return isinstance(other, BaseModel) and other._name == self._name and set(other._ids) == set(self._ids)

    def __hash__(self):
        return hash((self._name, frozenset(self._ids)))

    def __or__(self, other):
        return self.browse(list(dict.fromkeys(self._ids + other._ids)))

    def __and__(self, other):
        keep = set(other._ids)
        return self.browse([i for i in self._ids if i in keep])

    def __sub__(self, other):
        drop = set(other._ids)
        return self.browse([i for i in self._ids if i not in drop])

    def __add__(self, other):
        return self.browse(self._ids + other._ids)

    def __getitem__(self, key):
        if isinstance(key, str):
            return getattr(self, key)
        if isinstance(key, slice):
            return self.browse(self._ids[key])
        return type(self)(self.env, (self._ids[key],), self._prefetch_ids)

    def __repr__(self):
        return f"{self._name}{self._ids!r}"

    def ensure_one(self):
        if len(self._ids) != 1:
            raise ValueError(f"Expected singleton: {self!r}")
        return self

    def exists(self):
        if not self._ids or not self._auto:
            return self
        self.env.cr.execute(
            sql.SQL("SELECT id FROM {} WHERE id IN %s").format(sql.Identifier(self._table)),
            (self._ids,),
        )
        found = {row[0] for row in self.env.cr.fetchall()}
        return self.browse([i for i in self._ids if i in found])

    def mapped(self, func):
        if isinstance(func, str):
            recs = self
            for name in func.split("."):
                values = [rec[name] for rec in recs]
                field = recs._fields[name]
                if field.relational:
                    ids = []
                    for value in values:
                        ids.extend(value._ids)
                    recs = recs.env[field.comodel_name].browse(list(dict.fromkeys(ids)))
                else:
                    return values
            return recs
        values = [func(rec) for rec in self]
        if values and isinstance(values[0], BaseModel):
            return values[0].browse(list(dict.fromkeys(itertools.chain(*(v._ids for v in values)))))
        return values

    def filtered(self, func):
        if isinstance(func, str):
            name = func
            return self.browse([rec.id for rec in self if any(rec.mapped(name))])
        return self.browse([rec.id for rec in self if func(rec)])

    def sorted(self, key=None, reverse=False):
        if key is None:
            return self.search([("id", "in", self.ids)]) if not reverse else self.search(
                [("id", "in", self.ids)])[::-1]
        if isinstance(key, str):
            name = key
            key = lambda rec: rec[name]  # noqa: E731
        return self.browse([rec.id for rec in sorted(self, key=key, reverse=reverse)])

    # -- environment switches -------------------------------------------------
    def with_env(self, env):
        return env.registry[self._name](env, self._ids, self._prefetch_ids)

    def sudo(self, flag=True):
        return self.with_env(self.env(su=flag))

    def with_user(self, user):
        uid = user.id if hasattr(user, "_ids") else user
        return self.with_env(self.env(user=uid, su=False))

    def with_context(self, *args, **kwargs):
        context = dict(args[0]) if args else dict(self.env.context)
        context.update(kwargs)
        return self.with_env(self.env(context=context))

    def with_company(self, company):
        cid = company.id if hasattr(company, "_ids") else company
        return self.with_context(allowed_company_ids=[cid])

    # -- field values ---------------------------------------------------------
    @classmethod
    def _rec_name_field(cls) -> str:
        if cls._rec_name:
            return cls._rec_name
        return "name" if "name" in cls._fields else "id"

    def _compute_display_name(self):
        name = self._rec_name_field()
        for rec in self:
            value = rec[name] if name != "id" else False
            rec.display_name = value if value else f"{self._description or self._name},{rec.id}"

    # -- search -------------------------------------------------------------
    def _where_calc(self, domain, alias=None):
        alias = alias or self._table
        domain = list(domain or [])
        if "active" in self._fields and self.env.context.get("active_test", True):
            if not any(isinstance(t, (list, tuple)) and t[0] == "active" for t in domain):
                domain = [("active", "=", True)] + domain
        try:
            where = Compiler(self, alias).compile(domain)
        except DomainError:
            raise
        except (KeyError, TypeError) as exc:
            raise DomainError(f"invalid domain {domain!r} on {self._name}: {exc}") from exc
        rules = self._rule_sql(alias)
        return where if rules is None else sql.SQL("({} AND {})").format(where, rules)

    def _order_sql(self, alias, order=None) -> sql.Composable:
        parts = []
        terms = parse_order(self._name, order or self._order or "id")
        for name, direction, nulls in terms:
            field = self._fields.get(name)
            if field is None or not field.column:
                raise ValueError(f"cannot sort {self._name} by {name!r}: not a stored field")
            # direction and nulls are constants of parse_order, never the caller's text
            clause = sql.SQL("{}.{} " + direction).format(sql.Identifier(alias), sql.Identifier(name))
            if nulls:
                clause = sql.SQL("{} " + nulls).format(clause)
            parts.append(clause)
        if not any(name == "id" for name, _direction, _nulls in terms):
            parts.append(sql.SQL("{}.id").format(sql.Identifier(alias)))
        return sql.SQL(", ").join(parts)

    def _search(self, domain, offset=0, limit=None, order=None, count=False):
        self.check_access_rights("read")
        limit, offset = check_bound("limit", limit), check_bound("offset", offset)
        if order:
            # sorting by a field reveals its values as surely as reading it
            self._check_field_groups([name for name, _d, _n in parse_order(self._name, order)
                                      if name in self._fields], "sort by")
        if not self._auto:
            return 0 if count else []
        alias = self._table
        where = self._where_calc(domain, alias)
        if count:
            query = sql.SQL("SELECT count(1) FROM {} WHERE {}").format(sql.Identifier(self._table), where)
            self.env.cr.execute(query)
            return self.env.cr.fetchone()[0]
        query = sql.SQL("SELECT {}.id FROM {} WHERE {} ORDER BY {}").format(
            sql.Identifier(alias), sql.Identifier(self._table), where, self._order_sql(alias, order)
        )
        # every value is already a literal of the query: no %-parameters may follow,
        # or a '%' inside a LIKE pattern would be read as a placeholder
        if limit:
            query = sql.SQL("{} LIMIT {}").format(query, sql.Literal(int(limit)))
        if offset:
            query = sql.SQL("{} OFFSET {}").format(query, sql.Literal(int(offset)))
        self.env.cr.execute(query)
        return [row[0] for row in self.env.cr.fetchall()]

    def search(self, domain, offset=0, limit=None, order=None, count=False):
        if count:
            return self._search(domain, count=True)
        return self.browse(self._search(domain, offset, limit, order))

    def search_count(self, domain, limit=None) -> int:
        return self._search(domain, count=True)

    def search_read(self, domain=None, fields=None, offset=0, limit=None, order=None):
        return self.search(domain or [], offset, limit, order).read(fields)

    def name_search(self, name="", args=None, operator="ilike", limit=100):
        domain = list(args or [])
        if name:
            domain.append((self._rec_name_field(), operator, name))
        return [(rec.id, rec.display_name) for rec in self.search(domain, limit=limit)]

    def name_get(self):
        return [(rec.id, rec.display_name) for rec in self]

    def name_create(self, name):
        """Create a record from its name alone: ``(id, display_name)``; False without a name field."""
        rec_name = self._rec_name_field()
        if rec_name == "id":
            return False
        record = self.create({rec_name: name})
        return record.id, record.display_name

    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        """Counts and aggregates per group, as Odoo's (see :mod:`coquiapps.orm.read_group`)."""
        from coquiapps.orm.read_group import read_group

        return read_group(self, domain, fields, groupby, offset, limit, orderby, lazy)

    def filtered_domain(self, domain):
        if not domain:
            return self
        found = set(self.search([("id", "in", self.ids)] + list(domain)).ids)
        return self.browse([i for i in self._ids if i in found])

    # -- read ------------------------------------------------------------------
    def read(self, fields=None, load="_classic_read"):
        """The values of ``fields`` as dicts; ids that do not exist are left out (as in Odoo).

        ``load='_classic_read'`` gives many2one values as ``[id, display_name]``;
        any other ``load`` (``'_classic_write'``, ``None``) as the bare id.
        """
        self.check_access_rights("read")
        names = list(fields) if fields else self._readable_fields()
        unknown = [n for n in names if n not in self._fields]
        if unknown:
            raise ValueError(f"Invalid field {unknown[0]!r} on model {self._name!r}")
        self._check_field_groups(names, "read")
        records = self.exists()
        records.check_access_rule("read")
        result = []
        for rec in records:
            row = {"id": rec.id}
            for name in names:
                field = self._fields[name]
                value = rec[name]
                if field.password:  # write-only fields (passwords, secrets) never leave the server
                    value = False
                elif field.type == "many2one" and load != "_classic_read":
                    value = value.id
                else:
                    value = field.convert_to_read(value, rec)
                row[name] = value
            result.append(row)
        return result

    @classmethod
    def fields_get(cls, allfields=None, attributes=None):
        result = {}
        for name, field in cls._fields.items():
            if allfields and name not in allfields:
                continue
            info = field.describe()
            if attributes:
                info = {k: v for k, v in info.items() if k in attributes}
            result[name] = info
        return result

    def default_get(self, fields_list):
        values = {}
        context = self.env.context
        for name in fields_list:
            field = self._fields.get(name)
            if field is None:
                continue
            if f"default_{name}" in context:
                values[name] = context[f"default_{name}"]
            elif field.default is not None:
                default = field.default
                values[name] = default(self) if callable(default) else default
        if "ir.default" in self.pool:
            for name, value in self.env["ir.default"]._defaults_for(self._name).items():
                if name in fields_list and name not in values:
                    values[name] = value
        return values

    # -- misc -------------------------------------------------------------------
    def copy_data(self, default=None):
        self.ensure_one()
        values = {}
        for name, field in self._fields.items():
            if name in ("id", *LOG_ACCESS_FIELDS) or not field.copy or not field.store:
                continue
            value = self[name]
            if field.type == "many2one":
                value = value.id
            elif field.type == "many2many":
                value = [Command.set(value.ids)]
            elif field.type == "one2many":
                value = [Command.create(line.copy_data()[0]) for line in value]
                inverse = field.inverse_name
                for cmd in value:
                    cmd[2].pop(inverse, None)
            values[name] = value
        values.update(default or {})
        return [values]

    def copy(self, default=None):
        return self.create(self.copy_data(default)[0])

    def toggle_active(self):
        for rec in self:
            rec.active = not rec.active

    def action_archive(self):
        return self.write({"active": False})

    def action_unarchive(self):
        return self.write({"active": True})

    def get_external_id(self):
        data = self.env["ir.model.data"].sudo().search([("model", "=", self._name), ("res_id", "in", self.ids)])
        return {d.res_id: f"{d.module}.{d.name}" for d in data}

    def _vacuum_transient(self):
        """Delete transient records older than ``_transient_max_hours``."""
        if not self._transient:
            return 0
        limit = fields.Datetime.now() - dt.timedelta(hours=self._transient_max_hours)
        self.env.cr.execute(
            sql.SQL("DELETE FROM {} WHERE COALESCE(write_date, create_date) < %s").format(
                sql.Identifier(self._table)),
            (limit,),
        )
        return self.env.cr.rowcount


class AbstractModel(BaseModel):
    """A mixin: fields and methods for other models, no table."""

    _register = False
    _auto = False
    _abstract = True


class Model(BaseModel):
    """A stored model: one table, one row per record."""

    _register = False
    _auto = True
    _abstract = False


class TransientModel(Model):
    """Records kept a short while (wizards); vacuumed by a scheduled action."""

    _register = False
    _transient = True


#: the classes of the ORM itself (BaseModel, its mixins, the model kinds): their names are ORM plumbing
ORM_CLASSES = (*(klass for klass in BaseModel.__mro__ if klass is not object), AbstractModel, Model, TransientModel)
