"""Models and recordsets.

Addons declare model classes; each database's :class:`~coquiapps.orm.registry.Registry`
combines every class declaring the same ``_name`` (or ``_inherit``-ing it)
into one class whose MRO runs from the last module to the first, so
``super()`` walks the extension chain as in Odoo. Instances of that class are
recordsets: an environment and a tuple of ids.
"""
from __future__ import annotations

import datetime as dt
import itertools
import logging
from collections import defaultdict

import psycopg2.errors
from psycopg2 import sql

from coquiapps.orm import fields, inherits
from coquiapps.orm.access import check_bound, check_operation, parse_order
from coquiapps.orm.commands import Command
from coquiapps.orm.domain import Compiler, DomainError
from coquiapps.orm.exceptions import AccessError, MissingError, UserError, ValidationError

_logger = logging.getLogger(__name__)

PREFETCH_MAX = 1000
LOG_ACCESS_FIELDS = ("create_uid", "create_date", "write_uid", "write_date")



class _Sealed:
    """An encrypted column value as fetched: decrypted only if a field read asks for it."""

    __slots__ = ("token",)

    def __init__(self, token):
        self.token = token

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


def _is_create_command(command) -> bool:
    return isinstance(command, list | tuple) and len(command) == 3 and command[0] == Command.CREATE


class BaseModel(metaclass=MetaModel):
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

    def _get_cache_value(self, field):
        cache = self.env.cr.cache
        rid = self._ids[0]
        values = cache.setdefault(field, {})
        if rid in values:
            value = values[rid]
            if isinstance(value, _Sealed):  # decrypted when first read, not when fetched
                from coquiapps.tools import crypto

                value = values[rid] = crypto.decrypt(self.env, value.token)
            return value
        if (field.compute or field.related) and not field.store:
            try:
                self._compute_into_cache(field)
            except (AccessError, MissingError):
                # a prefetched neighbour the user may not read: compute this record alone (as Odoo)
                self._compute_into_cache(field, alone=True)
        else:
            self._fetch_field(field)
        if rid not in values:
            if field.store and self._auto:
                raise MissingError(
                    f"Record does not exist or has been deleted: {self._name}({rid},)"
                )
            values[rid] = None
        return self._get_cache_value(field) if isinstance(values[rid], _Sealed) else values[rid]

    def _set_cache_value(self, field, value):
        self.env.cr.cache.setdefault(field, {})[self._ids[0]] = value

    def _prefetch_records(self, field):
        cache = self.env.cr.cache.get(field, {})
        first = self._ids[0]
        ids = [first] + [i for i in dict.fromkeys(self._prefetch_ids)
                         if i != first and i not in cache and isinstance(i, int)]
        return ids[:PREFETCH_MAX]

    def _compute_into_cache(self, field, alone=False):
        records = self if alone else self.browse(self._prefetch_records(field))
        records = records if records else self
        env = records.env
        if field.related and not env.su and self._auto:
            # the path is followed as superuser: the records it starts from must be readable
            readable = records._readable_ids(records._ids)
            if self._ids[0] not in readable and self.exists():
                raise self._rule_error("read")
            records = records.browse([i for i in records._ids if i in readable]) or self
        # fields sharing a compute method are computed together (as in Odoo)
        siblings = [f for f in self._fields.values()
                    if f is field or (field.compute and f.compute == field.compute and not f.store)]
        for sibling in siblings:
            env.cr.computing.setdefault(sibling, set()).update(records._ids)
        try:
            if field.related:
                for rec in records:
                    value = rec.sudo()
                    for name in field.related.split("."):
                        value = value[:1][name] if isinstance(value, BaseModel) else False
                    target = value
                    if isinstance(target, BaseModel):
                        target = target.with_env(env)
                        rec._set_cache_value(field, target.id if field.type == "many2one" else target._ids)
                    else:
                        rec._set_cache_value(field, None if target is False and field.type not in (
                            "boolean", "integer", "float", "monetary") else target)
            else:
                method = getattr(records, field.compute) if isinstance(field.compute, str) else None
                if method is None:
                    field.compute(records)
                else:
                    method()
        finally:
            for sibling in siblings:
                computing = env.cr.computing.get(sibling, set())
                computing.difference_update(records._ids)
                if not computing:
                    env.cr.computing.pop(sibling, None)

    def _fetch_field(self, field):
        """Read ``field`` (and the other plain columns) for the prefetch set."""
        if not self._auto:
            return
        self.check_access_rights("read")
        ids = self._prefetch_records(field)
        cr = self.env.cr
        if not self.env.su:
            # record rules apply to every read path (attribute access, name_get, copy_data...):
            # the record asked for must pass them; other prefetched records are skipped
            readable = self._readable_ids(ids)
            if ids[0] not in readable and self.browse(ids[0]).exists():
                raise self._rule_error("read")
            ids = [i for i in ids if i in readable]
            if not ids:
                return
        if field.type == "one2many":
            comodel = self.env[field.comodel_name].with_context(active_test=False).sudo()
            lines = comodel.search([(field.inverse_name, "in", ids)])
            if not self.env.su and lines:  # only the lines the user may read
                readable = self.env[field.comodel_name]._readable_ids(lines._ids)
                lines = lines.browse([i for i in lines._ids if i in readable])
            grouped = defaultdict(list)
            inverse = comodel._fields[field.inverse_name]
            for line in lines:
                grouped[line._get_cache_value(inverse)].append(line.id)
            active = "active" in comodel._fields and self.env.context.get("active_test", True)
            for rid in ids:
                values = grouped.get(rid, [])
                if active:
                    values = [v for v in values if comodel.browse(v).active]
                cr.cache.setdefault(field, {})[rid] = tuple(values)
            return
        if field.type == "many2many":
            comodel = self.env[field.comodel_name]
            query = sql.SQL(
                "SELECT r.{c1}, r.{c2} FROM {rel} r JOIN {cotable} c ON c.id = r.{c2} "
                "WHERE r.{c1} IN %s ORDER BY {order}"
            ).format(
                c1=sql.Identifier(field.column1), c2=sql.Identifier(field.column2),
                rel=sql.Identifier(field.relation), cotable=sql.Identifier(comodel._table),
                order=comodel._order_sql("c"),
            )
            cr.execute(query, (tuple(ids),))
            pairs = cr.fetchall()
            if not self.env.su and pairs:  # only the records the user may read
                readable = comodel._readable_ids({right for _left, right in pairs})
                pairs = [(left, right) for left, right in pairs if right in readable]
            grouped = defaultdict(list)
            for left, right in pairs:
                grouped[left].append(right)
            for rid in ids:
                cr.cache.setdefault(field, {})[rid] = tuple(grouped.get(rid, ()))
            return
        columns = [f for f in self._fields.values() if f.column and f.type != "binary"]
        if field not in columns:
            columns.append(field)
        query = sql.SQL("SELECT id, {} FROM {} WHERE id IN %s").format(
            sql.SQL(", ").join(sql.Identifier(f.name) for f in columns), sql.Identifier(self._table)
        )
        cr.execute(query, (tuple(ids),))
        for row in cr.fetchall():
            rid = row[0]
            for f, value in zip(columns, row[1:], strict=True):
                cache = cr.cache.setdefault(f, {})
                if rid not in cache:
                    if f.type == "monetary" and value is not None:
                        value = float(value)
                    elif f.encrypted and value is not None:
                        value = _Sealed(value)
                    cache[rid] = value

    def invalidate_recordset(self, fnames=None):
        self.env.cr.cache.clear()

    def invalidate_model(self, fnames=None):
        self.env.cr.cache.clear()

    # -- access rights -------------------------------------------------------
    def check_access_rights(self, operation: str, raise_exception: bool = True) -> bool:
        check_operation(operation)
        if self.env.su:
            return True
        allowed = self.env["ir.model.access"]._check(self._name, operation, self.env.uid)
        if not allowed and raise_exception:
            raise AccessError(
                f"You are not allowed to {operation} '{self._description or self._name}' "
                f"({self._name}) records."
            )
        return allowed

    def _rule_domain(self, operation: str) -> list:
        check_operation(operation)
        if self.env.su or "ir.rule" not in self.pool:
            return []
        return self.env["ir.rule"]._compute_domain(self._name, operation)

    def check_access_rule(self, operation: str) -> None:
        domain = self._rule_domain(operation)
        if not domain or not self._ids:
            return
        allowed = self.sudo().with_context(active_test=False).search(
            [("id", "in", list(self._ids))] + domain
        )
        if len(allowed) != len(set(self._ids)):
            raise self._rule_error(operation)

    def _rule_error(self, operation: str) -> AccessError:
        return AccessError(
            f"You may not {operation} these '{self._description or self._name}' records "
            f"(record rules of {self._name})."
        )

    def _rule_sql(self, alias: str) -> sql.Composable | None:
        """The read rules of the current user as SQL on ``alias`` (None: no rule applies).

        Rule domains are written by administrators: compiled as superuser, so
        the fields they name are not subject to the user's field groups.
        """
        domain = self._rule_domain("read")
        if not domain:
            return None
        return Compiler(self.sudo().with_context(active_test=False), alias).compile(domain)

    def _readable_ids(self, ids) -> set[int]:
        """The ids among ``ids`` that the current user's read rules let through."""
        if not ids:
            return set()
        where = self._rule_sql(self._table) if self._auto else None
        if where is None:
            return set(ids)
        self.env.cr.execute(sql.SQL("SELECT id FROM {} WHERE id IN {} AND {}").format(
            sql.Identifier(self._table), sql.Literal(tuple(ids)), where))
        return {row[0] for row in self.env.cr.fetchall()}

    def check_access(self, operation: str) -> None:
        self.check_access_rights(operation)
        self.check_access_rule(operation)

    def _check_field_groups(self, names, operation: str) -> None:
        if self.env.su:
            return
        user = self.env.user
        for name in names:
            field = self._fields[name]
            if field.groups and not any(user.has_group(g.strip()) for g in field.groups.split(",")):
                raise AccessError(
                    f"You are not allowed to {operation} the field '{field.string}' ({field}): "
                    f"it is restricted to {field.groups}."
                )

    def _readable_fields(self) -> list[str]:
        if self.env.su:
            return list(self._fields)
        user = self.env.user
        return [
            name for name, f in self._fields.items()
            if not f.groups or any(user.has_group(g.strip()) for g in f.groups.split(","))
        ]

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

    # -- create / write / unlink -------------------------------------------------
    def _check_field_names(self, vals):
        for name in vals:
            if name not in self._fields:
                raise ValueError(f"Invalid field {name!r} on model {self._name!r}")

    def create(self, vals_list):
        single = isinstance(vals_list, dict)
        if single:
            vals_list = [vals_list]
        if not vals_list:
            return self.browse()
        self.check_access_rights("create")
        if not self._auto:
            raise UserError(f"{self._name} is abstract and has no records")
        for vals in vals_list:
            self._check_field_names(vals)
        vals_list = inherits.prepare_create(self, vals_list)
        cr = self.env.cr
        now = fields.Datetime.now()
        rows, deferred = [], []
        for vals in vals_list:
            self._check_field_names(vals)
            self._check_field_groups([n for n in vals if n not in LOG_ACCESS_FIELDS], "write")
            defaults = self.default_get([n for n in self._fields if n not in vals])
            vals = {**defaults, **vals}
            columns, x2many, inverse = {}, {}, {}
            for name, value in vals.items():
                field = self._fields[name]
                if field.type in ("one2many", "many2many") and field.store:
                    x2many[name] = value
                elif field.column:
                    columns[name] = self._column_value(field, value)
                elif field.inverse:
                    inverse[name] = value
            if self._log_access:
                columns.setdefault("create_uid", self.env.uid)
                columns.setdefault("write_uid", self.env.uid)
                columns.setdefault("create_date", now)
                columns.setdefault("write_date", now)
            self._check_required(columns, creating=True)
            rows.append(columns)
            deferred.append((x2many, inverse, set(vals)))
        ids = self._insert_rows(rows)
        deferred = [(rid, *rest) for rid, rest in zip(ids, deferred, strict=True)]
        records = self.browse(ids)
        cr.cache.clear()
        lines = self._create_one2many_lines(deferred)
        for rid, x2many, inverse, _ in deferred:
            record = self.browse(rid)
            for name, commands in x2many.items():
                if name not in lines:
                    record._write_x2many(self._fields[name], commands)
            if inverse:
                record._write_inverse(inverse)
        cr.cache.clear()
        stored_computes = [f for f in self._fields.values() if (f.compute or f.related) and f.store
                           and f.name not in set().union(*(d[3] for d in deferred))]
        if stored_computes:
            records._recompute_stored(stored_computes, local_only=True)
        names = set().union(*(d[3] for d in deferred)) | {f.name for f in stored_computes}
        records._modified(names, created=True)
        records._validate_fields(names)
        if not self.env.su:
            records.check_access_rule("create")
        return records[0] if single else records

    def _create_one2many_lines(self, deferred) -> set[str]:
        """Create the lines of one2many fields given only as creations, for all new records in one
        ``create`` per field (a thousand modules' dependencies are one INSERT, not a thousand);
        returns the names of the fields done."""
        lines: dict[str, list] = {}
        for name in {name for _rid, x2many, _inverse, _names in deferred for name in x2many}:
            field = self._fields[name]
            if field.type != "one2many" or not all(
                    _is_create_command(c) for _rid, x2many, _i, _n in deferred for c in x2many.get(name) or ()):
                continue
            lines[name] = [{**(command[2] or {}), field.inverse_name: rid}
                           for rid, x2many, _inverse, _names in deferred for command in x2many.get(name) or ()]
        for name, values in sorted(lines.items()):
            if values:
                self.env[self._fields[name].comodel_name].create(values)
                self.env.cr.cache.clear()
        return set(lines)

    def _insert_rows(self, rows: list[dict]) -> list[int]:
        """Insert ``rows`` (column -> value) with one statement; returns their ids in order.

        A column a row lacks is NULL, as it would be left out of a single
        INSERT: the schema declares no column defaults.
        """
        cr = self.env.cr
        names = list(dict.fromkeys(name for row in rows for name in row))
        with self._translate_db_errors():
            if not names:
                ids = []
                for _row in rows:
                    cr.execute(sql.SQL("INSERT INTO {} DEFAULT VALUES RETURNING id").format(
                        sql.Identifier(self._table)))
                    ids.append(cr.fetchone()[0])
                return ids
            # a multi-row VALUES returns its ids in the order of the rows
            query = sql.SQL("INSERT INTO {} ({}) VALUES %s RETURNING id").format(
                sql.Identifier(self._table), sql.SQL(", ").join(sql.Identifier(c) for c in names))
            returned = cr.execute_values(query.as_string(cr.connection),
                                         [tuple(row.get(c) for c in names) for row in rows], fetch=True)
        return [rid for (rid,) in returned]

    def _column_value(self, field, value):
        """What goes into the column for a value given to create()/write()."""
        value = field.convert_to_column(field.convert_to_cache(value, self))
        if field.encrypted and value is not None:
            from coquiapps.tools import crypto

            value = crypto.encrypt(self.env, str(value))
        return value

    def _check_required(self, columns, creating):
        for name, field in self._fields.items():
            if not (field.required and field.column):
                continue
            if (creating and columns.get(name) is None) or (not creating and name in columns and columns[name] is None):
                raise ValidationError(self._required_message(field))

    def _required_message(self, field) -> str:
        """What the user reads when ``field`` is left empty: its label, never its technical name."""
        from coquiapps.tools.translate import _, translate

        return _("%(field)s is required (%(model)s).", field=translate(field.string or field.name),
                 model=translate(self._description or self._name))

    def write(self, vals):
        if not self._ids:
            return True
        self._check_field_names(vals)
        self.check_access_rights("write")
        self.check_access_rule("write")
        self._check_field_groups(list(vals), "write")
        vals = inherits.write_parents(self, vals)
        columns, x2many, inverse = {}, {}, {}
        for name, value in vals.items():
            field = self._fields[name]
            if name == "id":
                raise UserError("the id of a record cannot be changed")
            if field.type in ("one2many", "many2many") and field.store:
                x2many[name] = value
            elif field.column:
                columns[name] = self._column_value(field, value)
            elif field.inverse:
                inverse[name] = value
            else:
                raise UserError(f"field {field} is computed and cannot be written")
        self._check_required(columns, creating=False)
        if self._log_access and self._auto:
            columns.setdefault("write_uid", self.env.uid)
            columns["write_date"] = fields.Datetime.now()
        if columns and self._auto:
            query = sql.SQL("UPDATE {} SET {} WHERE id IN %s").format(
                sql.Identifier(self._table),
                sql.SQL(", ").join(sql.SQL("{} = %s").format(sql.Identifier(c)) for c in columns),
            )
            with self._translate_db_errors():
                self.env.cr.execute(query, list(columns.values()) + [self._ids])
        self.env.cr.cache.clear()
        for name, commands in x2many.items():
            for rec in self:
                rec._write_x2many(self._fields[name], commands)
        if inverse:
            self._write_inverse(inverse)
        self.env.cr.cache.clear()
        self._modified(set(vals))
        self._validate_fields(set(vals))
        return True

    def _write_inverse(self, values):
        computing = self.env.cr.computing
        for name, value in values.items():
            field = self._fields[name]
            computing.setdefault(field, set()).update(self._ids)
            try:
                for rec in self:
                    rec._set_cache_value(field, field.convert_to_cache(value, rec) if not field.relational
                                         else value)
                getattr(self, field.inverse)()
            finally:
                computing.pop(field, None)

    def _write_x2many(self, field, commands):
        """Apply Odoo's x2many commands to a single record."""
        comodel = self.env[field.comodel_name]
        if isinstance(commands, BaseModel):
            commands = [Command.set(commands.ids)]
        elif commands and all(isinstance(c, int) for c in commands):
            commands = [Command.set(commands)]
        for command in commands or []:
            code = command[0]
            if code == Command.CREATE:
                values = dict(command[2] or {})
                if field.type == "one2many":
                    values[field.inverse_name] = self.id
                    comodel.create(values)
                else:
                    self._m2m_link(field, [comodel.create(values).id])
            elif code == Command.UPDATE:
                comodel.browse(command[1]).write(command[2])
            elif code == Command.DELETE:
                comodel.browse(command[1]).unlink()
            elif code == Command.UNLINK:
                if field.type == "one2many":
                    line = comodel.browse(command[1])
                    if comodel._fields[field.inverse_name].required:
                        line.unlink()
                    else:
                        line.write({field.inverse_name: False})
                else:
                    self._m2m_unlink(field, [command[1]])
            elif code == Command.LINK:
                if field.type == "one2many":
                    comodel.browse(command[1]).write({field.inverse_name: self.id})
                else:
                    self._m2m_link(field, [command[1]])
            elif code in (Command.CLEAR, Command.SET):
                target = list(command[2]) if code == Command.SET else []
                if field.type == "one2many":
                    current = self.with_context(active_test=False)[field.name]
                    stale = current - current.browse(target)
                    if stale:
                        if comodel._fields[field.inverse_name].required:
                            stale.unlink()
                        else:
                            stale.write({field.inverse_name: False})
                    if target:
                        comodel.browse(target).write({field.inverse_name: self.id})
                else:
                    self.env.cr.execute(
                        sql.SQL("DELETE FROM {} WHERE {} = %s").format(
                            sql.Identifier(field.relation), sql.Identifier(field.column1)),
                        (self.id,),
                    )
                    self._m2m_link(field, target)
            else:
                raise ValueError(f"unknown x2many command {command!r} for {field}")
            self.env.cr.cache.clear()

    def _m2m_link(self, field, ids):
        if not ids:
            return
        self.env.cr.execute_values(
            sql.SQL("INSERT INTO {} ({}, {}) VALUES %s ON CONFLICT DO NOTHING").format(
                sql.Identifier(field.relation), sql.Identifier(field.column1), sql.Identifier(field.column2),
            ).as_string(self.env.cr.connection),
            [(self.id, i) for i in ids],
        )

    def _m2m_unlink(self, field, ids):
        self.env.cr.execute(
            sql.SQL("DELETE FROM {} WHERE {} = %s AND {} IN %s").format(
                sql.Identifier(field.relation), sql.Identifier(field.column1), sql.Identifier(field.column2)),
            (self.id, tuple(ids)),
        )

    def unlink(self):
        if not self._ids:
            return True
        self.check_access_rights("unlink")
        self.check_access_rule("unlink")
        for cls in type(self).__mro__:
            for attr in vars(cls).values():
                if callable(attr) and hasattr(attr, "_ondelete"):
                    attr(self)
        dependents = self._dependent_records(set(self._fields))
        cr = self.env.cr
        if "ir.model.data" in self.pool and self._name != "ir.model.data":
            cr.execute("DELETE FROM ir_model_data WHERE model = %s AND res_id IN %s", (self._name, self._ids))
        if "ir.attachment" in self.pool and self._name != "ir.attachment":
            # a record's files go with it (as in Odoo): nobody could reach them through it any more
            cr.execute("DELETE FROM ir_attachment WHERE res_model = %s AND res_id IN %s", (self._name, self._ids))
        with self._translate_db_errors():
            cr.execute(
                sql.SQL("DELETE FROM {} WHERE id IN %s").format(sql.Identifier(self._table)), (self._ids,)
            )
        cr.cache.clear()
        for field, records in dependents:
            records = records.exists()
            if records:
                records._recompute_stored([field])
        return True

    def _translate_db_errors(self):
        model = self

        class _Translate:
            def __enter__(self):
                return self

            def __exit__(self, exc_type, exc, tb):
                if exc_type is None or not issubclass(exc_type, psycopg2.Error):
                    return False
                raise model._db_error_message(exc) from exc

        return _Translate()

    def _db_error_message(self, exc) -> Exception:
        diag = getattr(exc, "diag", None)
        constraint = getattr(diag, "constraint_name", None) or ""
        for name, _definition, message in self._sql_constraints:
            if constraint == f"{self._table}_{name}":
                return ValidationError(message)
        if isinstance(exc, psycopg2.errors.NotNullViolation):
            column = getattr(diag, "column_name", "")
            field = self._fields.get(column)
            return ValidationError(self._required_message(field) if field else
                                   f"The column {column} is required on '{self._description or self._name}'.")
        if isinstance(exc, (psycopg2.errors.ForeignKeyViolation, psycopg2.errors.RestrictViolation)):
            table = getattr(diag, "table_name", "")
            return UserError(
                f"The operation cannot be completed: a record of '{self._description or self._name}' "
                f"is referenced by another record (table {table}, constraint {constraint})."
            )
        if isinstance(exc, psycopg2.errors.UniqueViolation):
            return ValidationError(f"A record of '{self._description or self._name}' with the same "
                                   f"values already exists ({constraint}).")
        return UserError(f"database error on {self._name}: {str(exc).strip().splitlines()[0]}")

    # -- computed fields and constraints ----------------------------------------
    def _recompute_stored(self, fields_to_compute, local_only=False):
        """Compute stored fields of these records and write the results.

        ``local_only``: recompute only the dependent fields of these same
        records; create() tells the other models once for everything it wrote.
        """
        records = self.exists().sudo().with_context(active_test=False)
        if not records:
            return
        cr = self.env.cr
        computed = []
        for group in self._compute_groups(fields_to_compute):
            for field in group:
                cr.cache.pop(field, None)
                cr.computing.setdefault(field, set()).update(records._ids)
            records = records.browse(records._ids)
            try:
                if group[0].related:
                    records._compute_into_cache(group[0])
                else:
                    getattr(records, group[0].compute)()
            finally:
                for field in group:
                    computing = cr.computing.get(field, set())
                    computing.difference_update(records._ids)
                    if not computing:
                        cr.computing.pop(field, None)
            records._write_computed(group)
            computed.extend(group)
        cr.cache.clear()
        records._modified({f.name for f in computed}, local_only=local_only)

    def _write_computed(self, group) -> None:
        """Store the cached values of ``group`` for these records: one statement for the whole set
        (a page of imported orders is hundreds of records)."""
        cr = self.env.cr
        group = [f for f in group if f.column]
        if not group:
            return
        values = [cr.cache.get(field, {}) for field in group]
        names = [sql.Identifier(f"v{i}") for i in range(len(group))]
        query = sql.SQL("UPDATE {table} SET {assign} FROM (VALUES %s) AS v(id, {names}) WHERE {table}.id = v.id").format(
            table=sql.Identifier(self._table), names=sql.SQL(", ").join(names),
            assign=sql.SQL(", ").join(sql.SQL("{} = v.{}::{}").format(sql.Identifier(f.name), name,
                                                                     sql.SQL(f.column_type))
                                      for f, name in zip(group, names, strict=True)))
        cr.execute_values(query.as_string(cr.connection),
                          [(rid, *(f.convert_to_column(v.get(rid)) for f, v in zip(group, values, strict=True)))
                           for rid in self._ids])

    def _compute_groups(self, fields_to_compute) -> list[list]:
        """``fields_to_compute`` grouped by compute method, with the stored fields sharing it.

        A method that sets several fields must run once with all of them
        marked as being computed: otherwise setting a sibling is a write,
        which empties the cache under the values computed so far.
        """
        groups, seen = [], set()
        for field in fields_to_compute:
            if field in seen:
                continue
            group = [field] if field.related else [
                f for f in self._fields.values()
                if f is field or (f.store and not f.related and f.compute == field.compute)]
            seen.update(group)
            groups.append(group)
        return groups

    def _dependent_records(self, names, created=False, local_only=False):
        """Stored computed fields (anywhere; ``local_only``: of these records) depending on ``names``."""
        result = []
        for (model_name, path_prefix, field), trigger_names in self.pool.field_triggers.get(self._name, {}).items():
            if created and not path_prefix:
                continue  # create() computed this model's own stored fields already
            if local_only and path_prefix:
                continue
            if not (trigger_names & names) and not created:
                continue
            target_model = self.env[model_name].sudo().with_context(active_test=False)
            if path_prefix:
                targets = target_model.search([(path_prefix, "in", list(self._ids))])
            else:
                targets = target_model.browse(self._ids)
            if targets:
                result.append((field, targets))
        return result

    def _modified(self, names, created=False, local_only=False):
        depth = self.env.cr.__dict__.setdefault("_modified_depth", 0)
        if depth > 20:
            raise RecursionError(f"computed fields depend on each other in a loop ({self._name})")
        self.env.cr._modified_depth = depth + 1
        try:
            # the fields to recompute on the same records go together: siblings computed once
            batches = {}
            for field, targets in self._dependent_records(names, created, local_only):
                batches.setdefault((targets._name, targets._ids), (targets, []))[1].append(field)
            for targets, fields_to_compute in batches.values():
                targets._recompute_stored(fields_to_compute)
        finally:
            self.env.cr._modified_depth = depth

    def _validate_fields(self, names):
        for cls in type(self).__mro__:
            for attr_name, attr in vars(cls).items():
                checked = getattr(attr, "_constrains", None)
                if checked and set(checked) & set(names):
                    getattr(self, attr_name)()

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
