"""Field types: how a value is stored, cached, returned and read.

A field is a descriptor on the model class. Values live in the cursor's cache
in a *cache form* (None for empty, ids for relations) and are turned into the
*record form* users see (False for empty, recordsets for relations).
"""
from __future__ import annotations

import base64
import datetime as dt
import json
from decimal import Decimal

from coquiapps.orm.exceptions import ValidationError

_UNSET = object()

# Arguments every field understands; each type adds its own.
COMMON_ARGS = {
    "string", "help", "required", "readonly", "default", "copy", "groups", "compute",
    "store", "depends", "related", "index", "translate", "inverse", "search", "tracking",
    "states", "ondelete", "company_dependent", "prefetch", "compute_sudo", "precompute",
    "change_default", "password", "encrypted", "oldname",
}


class Field:
    """Base of every field type."""

    type: str = ""
    column_type: str | None = None  # PostgreSQL type, None for non-column fields
    extra_args: set[str] = set()
    relational = False

    def __init__(self, string=_UNSET, **kwargs):
        if string is not _UNSET:
            kwargs["string"] = string
        unknown = set(kwargs) - COMMON_ARGS - self.extra_args
        if unknown:
            raise TypeError(f"{type(self).__name__} got unknown argument(s) {sorted(unknown)}")
        self.args = kwargs
        self.name: str | None = None
        self.model_name: str | None = None
        self._apply_args()

    def _apply_args(self):
        a = self.args
        self.string = a.get("string")
        self.help = a.get("help")
        self.required = bool(a.get("required", False))
        self.default = a.get("default")
        self.groups = a.get("groups")
        self.compute = a.get("compute")
        self.related = a.get("related")
        self.inverse = a.get("inverse")
        self.translate = a.get("translate", False)
        self.index = a.get("index", False)
        self.password = a.get("password", False)
        # stored encrypted (see coquiapps.tools.crypto); only for text fields
        self.encrypted = a.get("encrypted", False)
        # the field's previous name: its column is renamed on upgrade (data kept)
        self.oldname = a.get("oldname")
        computed = bool(self.compute or self.related)
        self.store = a.get("store", not computed)
        self.readonly = a.get("readonly", computed and not self.inverse)
        self.copy = a.get("copy", not computed)
        self.depends = tuple(a.get("depends") or ())

    def __set_name__(self, owner, name):
        self.name = name

    def new_copy(self, **extra) -> Field:
        """A fresh field of the same type with these arguments merged in (used by _inherit)."""
        return type(self)(**{**self.args, **extra})

    # -- setup ----------------------------------------------------------
    def setup(self, model_cls) -> None:
        """Resolve what needs the whole registry (comodels, related paths)."""
        if self.string is None:
            self.string = self.name.replace("_id", "").replace("_", " ").strip().title() if self.name != "id" else "ID"
        if self.related:
            self.depends = (self.related,)

    @property
    def column(self) -> bool:
        return self.store and self.column_type is not None

    # -- descriptor -----------------------------------------------------
    def __get__(self, record, owner=None):
        if record is None:
            return self
        if not record._ids:
            return self.empty_value(record)
        record.ensure_one()
        return self.convert_to_record(record._get_cache_value(self), record)

    def __set__(self, record, value):
        computing = record.env.cr.computing
        if self in computing and all(rid in computing[self] for rid in record._ids):
            for rec in record:
                rec._set_cache_value(self, self.convert_to_cache(value, rec))
            return
        record.write({self.name: value})

    # -- conversions ----------------------------------------------------
    def empty_value(self, record):
        return False

    def convert_to_cache(self, value, record):
        """From what a user passes to write()/create() to the cache form."""
        if value is False or value is None:
            return None
        return value

    def convert_to_column(self, cache_value):
        return cache_value

    def convert_to_record(self, cache_value, record):
        return False if cache_value is None else cache_value

    def convert_to_read(self, value, record):
        """From the record form to what read() and RPC return."""
        return value

    def describe(self) -> dict:
        """fields_get() entry."""
        return {
            "type": self.type,
            "string": self.string,
            "help": self.help or "",
            "required": self.required,
            "readonly": self.readonly,
            "store": self.store,
            "groups": self.groups or "",
        }

    def __repr__(self):
        return f"{self.model_name}.{self.name}"


class Boolean(Field):
    type = "boolean"
    column_type = "bool"

    def convert_to_cache(self, value, record):
        return bool(value)

    def convert_to_record(self, cache_value, record):
        return bool(cache_value)


class Integer(Field):
    type = "integer"
    column_type = "int4"
    extra_args = {"group_operator", "aggregator"}

    def convert_to_cache(self, value, record):
        if value is None or value is False:
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ValidationError(f"{self}: {value!r} is not a whole number") from None

    def convert_to_record(self, cache_value, record):
        return cache_value or 0

    def empty_value(self, record):
        return 0


class Float(Field):
    type = "float"
    column_type = "float8"
    extra_args = {"digits", "group_operator", "aggregator"}

    def convert_to_cache(self, value, record):
        if value is None or value is False:
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ValidationError(f"{self}: {value!r} is not a number") from None

    def convert_to_record(self, cache_value, record):
        return float(cache_value or 0.0)

    def empty_value(self, record):
        return 0.0


class Monetary(Float):
    type = "monetary"
    column_type = "numeric"
    extra_args = {"currency_field", "group_operator", "aggregator"}

    def _apply_args(self):
        super()._apply_args()
        self.currency_field = self.args.get("currency_field", "currency_id")

    def convert_to_column(self, cache_value):
        return None if cache_value is None else Decimal(str(cache_value))


class Char(Field):
    type = "char"
    column_type = "varchar"
    extra_args = {"size", "trim"}

    def _apply_args(self):
        super()._apply_args()
        self.size = self.args.get("size")

    def convert_to_cache(self, value, record):
        if value is None or value is False:
            return None
        value = str(value)
        if self.size and len(value) > self.size:
            raise ValidationError(f"{self}: value longer than {self.size} characters")
        return value


class Text(Char):
    type = "text"
    column_type = "text"


class Html(Text):
    type = "html"
    extra_args = {"sanitize", "size", "trim"}


class Selection(Field):
    type = "selection"
    column_type = "varchar"
    extra_args = {"selection", "selection_add"}

    def __init__(self, selection=_UNSET, string=_UNSET, **kwargs):
        if selection is not _UNSET:
            kwargs["selection"] = selection
        super().__init__(string, **kwargs)

    def _apply_args(self):
        super()._apply_args()
        self.selection = self.args.get("selection")

    def new_copy(self, **extra):
        args = {**self.args, **extra}
        added = args.pop("selection_add", None)
        if added:
            base = list(args.get("selection") or [])
            keys = [k for k, _ in base]
            for item in added:
                if item[0] not in keys:
                    base.append(tuple(item))
            args["selection"] = base
        return type(self)(**args)

    def get_values(self, record) -> list[tuple[str, str]]:
        selection = self.selection
        if isinstance(selection, str):
            selection = getattr(record, selection)()
        elif callable(selection):
            selection = selection(record)
        return list(selection or [])

    def convert_to_cache(self, value, record):
        if value is None or value is False:
            return None
        if value not in dict(self.get_values(record)):
            raise ValidationError(f"{self}: wrong value {value!r}, expected one of "
                                  f"{[k for k, _ in self.get_values(record)]}")
        return value

    def describe(self):
        info = super().describe()
        info["selection"] = self.selection if isinstance(self.selection, list) else []
        return info


def _to_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _to_datetime(value, microseconds: bool = False) -> dt.datetime:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value if microseconds else value.replace(microsecond=0)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    text = str(value).strip().replace("T", " ").replace("Z", "+00:00")
    return _to_datetime(dt.datetime.fromisoformat(text), microseconds)


class Date(Field):
    type = "date"
    column_type = "date"

    @staticmethod
    def today(*args) -> dt.date:
        return dt.date.today()

    @staticmethod
    def to_date(value):
        return _to_date(value) if value else False

    @staticmethod
    def to_string(value):
        return value.isoformat() if value else False

    def convert_to_cache(self, value, record):
        if not value:
            return None
        try:
            return _to_date(value)
        except ValueError:
            raise ValidationError(f"{self}: {value!r} is not a date (YYYY-MM-DD)") from None


class Datetime(Field):
    """A moment, stored in UTC without time zone (as Odoo does).

    Whole seconds, unless ``microseconds=True``: then written and read to the
    microsecond, as PostgreSQL keeps it (deadlines under a time-scaled clock).
    """

    type = "datetime"
    column_type = "timestamp"
    extra_args = {"microseconds"}

    def _apply_args(self):
        super()._apply_args()
        self.microseconds = bool(self.args.get("microseconds", False))

    @staticmethod
    def now(*args) -> dt.datetime:
        return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)

    @staticmethod
    def to_datetime(value):
        return _to_datetime(value) if value else False

    @staticmethod
    def to_string(value):
        return value.strftime("%Y-%m-%d %H:%M:%S") if value else False

    def convert_to_cache(self, value, record):
        if not value:
            return None
        try:
            return _to_datetime(value, self.microseconds)
        except ValueError:
            raise ValidationError(f"{self}: {value!r} is not a date and time") from None


class Binary(Field):
    """Raw bytes; create/write also accept base64 text, read() returns base64 text."""

    type = "binary"
    column_type = "bytea"
    extra_args = {"attachment"}

    def convert_to_cache(self, value, record):
        if not value:
            return None
        if isinstance(value, str):
            return base64.b64decode(value)
        return bytes(value)

    def convert_to_record(self, cache_value, record):
        return bytes(cache_value) if cache_value is not None else False

    def convert_to_read(self, value, record):
        return base64.b64encode(value).decode() if value else False


class Json(Field):
    type = "json"
    column_type = "jsonb"

    def convert_to_cache(self, value, record):
        if value is None or value is False:
            return None
        json.dumps(value)  # refuse what cannot be stored, here rather than at flush
        return value

    def convert_to_column(self, cache_value):
        return None if cache_value is None else json.dumps(cache_value)


class _Relational(Field):
    relational = True
    extra_args = {"comodel_name", "domain", "context", "check_company", "auto_join"}

    def __init__(self, comodel_name=_UNSET, string=_UNSET, **kwargs):
        if comodel_name is not _UNSET:
            kwargs["comodel_name"] = comodel_name
        super().__init__(string, **kwargs)

    def _apply_args(self):
        super()._apply_args()
        self.comodel_name = self.args.get("comodel_name")
        self.domain = self.args.get("domain", [])

    def setup(self, model_cls):
        super().setup(model_cls)
        if self.comodel_name not in model_cls.pool:
            raise TypeError(f"field {self} refers to unknown model {self.comodel_name!r}")

    def empty_value(self, record):
        return record.env[self.comodel_name]

    def describe(self):
        info = super().describe()
        info["relation"] = self.comodel_name
        return info


class Many2one(_Relational):
    type = "many2one"
    column_type = "int4"

    def _apply_args(self):
        super()._apply_args()
        self.ondelete = self.args.get("ondelete") or "set null"

    def convert_to_cache(self, value, record):
        if not value:
            return None
        if isinstance(value, (list, tuple)):
            value = value[0]
        if hasattr(value, "_ids"):
            return value.id or None
        return int(value)

    def convert_to_record(self, cache_value, record):
        return record.env[self.comodel_name].browse(cache_value or ())

    def convert_to_read(self, value, record):
        return (value.id, value.sudo().display_name) if value else False


class _X2many(_Relational):
    column_type = None

    def convert_to_record(self, cache_value, record):
        return record.env[self.comodel_name].browse(cache_value or ())

    def convert_to_read(self, value, record):
        return list(value.ids)

    def convert_to_cache(self, value, record):
        raise AssertionError("x2many values are written through commands")


class One2many(_X2many):
    type = "one2many"
    extra_args = _Relational.extra_args | {"inverse_name"}

    def __init__(self, comodel_name=_UNSET, inverse_name=_UNSET, string=_UNSET, **kwargs):
        if inverse_name is not _UNSET:
            kwargs["inverse_name"] = inverse_name
        super().__init__(comodel_name, string, **kwargs)

    def _apply_args(self):
        super()._apply_args()
        self.inverse_name = self.args.get("inverse_name")
        self.copy = self.args.get("copy", False)

    def setup(self, model_cls):
        super().setup(model_cls)
        comodel = model_cls.pool[self.comodel_name]
        if self.inverse_name not in comodel._fields and not self.compute:
            raise TypeError(f"field {self}: inverse {self.comodel_name}.{self.inverse_name} does not exist")


class Many2many(_X2many):
    type = "many2many"
    extra_args = _Relational.extra_args | {"relation", "column1", "column2"}

    def __init__(self, comodel_name=_UNSET, relation=_UNSET, column1=_UNSET, column2=_UNSET,
                 string=_UNSET, **kwargs):
        for key, value in (("relation", relation), ("column1", column1), ("column2", column2)):
            if value is not _UNSET:
                kwargs[key] = value
        super().__init__(comodel_name, string, **kwargs)

    def setup(self, model_cls):
        super().setup(model_cls)
        if not self.store:
            return
        table1 = model_cls._table
        table2 = model_cls.pool[self.comodel_name]._table
        self.relation = self.args.get("relation") or "%s_%s_rel" % tuple(sorted([table1, table2]))
        self.column1 = self.args.get("column1") or f"{table1}_id"
        self.column2 = self.args.get("column2") or f"{table2}_id"
        if self.column1 == self.column2:
            raise TypeError(f"field {self}: a many2many on the same model needs column1 and column2")


class Id(Integer):
    type = "integer"

    def __get__(self, record, owner=None):
        if record is None:
            return self
        if not record._ids:
            return False
        record.ensure_one()
        return record._ids[0]

    def __set__(self, record, value):
        raise TypeError("the id of a record cannot be changed")
