"""Custom models and fields (``state = 'manual'``), defined by rows of ir.model / ir.model.fields.

As in Odoo, a system administrator creates them over RPC or in the
technical menus; names start with ``x_``, only fields (no methods) can be
added. Every registry is built with them (:func:`read_definitions` then
:func:`add_models` / :func:`add_fields`), and
:func:`coquiapps.modules.custom_models.refresh` rebuilds the registry in the
caller's transaction once they change.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from coquiapps.orm import fields as orm_fields

NAME_RE = re.compile(r"^x_[a-z0-9_]*(\.[a-z0-9_]+)*$")
FIELD_NAME_RE = re.compile(r"^x_[a-z0-9_]+$")
#: field types a custom field may have, and the class implementing each
TYPES = {"char": orm_fields.Char, "text": orm_fields.Text, "html": orm_fields.Html,
         "integer": orm_fields.Integer, "float": orm_fields.Float, "boolean": orm_fields.Boolean,
         "date": orm_fields.Date, "datetime": orm_fields.Datetime, "binary": orm_fields.Binary,
         "selection": orm_fields.Selection, "many2one": orm_fields.Many2one}
ONDELETE = ("set null", "cascade", "restrict")


@dataclass
class Definitions:
    """The custom models and fields of a database, as read from its ir.model tables."""

    models: list[tuple[str, str, bool]] = field(default_factory=list)  # (model, description, transient)
    fields: list[dict] = field(default_factory=list)

    def __bool__(self):
        return bool(self.models or self.fields)


def _has_state(cr, table: str) -> bool:
    cr.execute("""SELECT 1 FROM information_schema.columns
                  WHERE table_schema = current_schema() AND table_name = %s AND column_name = 'state'""", (table,))
    return cr.fetchone() is not None


def read_definitions(cr) -> Definitions:
    """The custom models and fields stored in the database (none before base has the columns)."""
    result = Definitions()
    if _has_state(cr, "ir_model"):
        cr.execute("SELECT model, name, coalesce(transient, false) FROM ir_model WHERE state = 'manual' ORDER BY id")
        result.models = [tuple(row) for row in cr.fetchall()]
    if _has_state(cr, "ir_model_fields"):
        cr.execute("""SELECT model, name, ttype, relation, field_description, coalesce(required, false),
                             coalesce(readonly, false), selection, on_delete
                      FROM ir_model_fields WHERE state = 'manual' ORDER BY id""")
        keys = ("model", "name", "ttype", "relation", "string", "required", "readonly", "selection", "on_delete")
        result.fields = [dict(zip(keys, row, strict=True)) for row in cr.fetchall()]
    return result


def add_models(registry, built: dict, definitions: Definitions) -> None:
    """Classes for the custom models not already defined by a module."""
    from coquiapps.orm.models import Model, TransientModel

    for name, description, transient in definitions.models:
        if name in built:
            continue
        attrs = {"_name": name, "_register": False, "pool": registry, "_module": None,
                 "_inherit_children": [], "_table": name.replace(".", "_"), "_description": description,
                 "_custom": True, "_sql_constraints": []}
        built[name] = type(name, (TransientModel if transient else Model,), attrs)


def make_field(spec: dict) -> orm_fields.Field:
    """The field object for one ir.model.fields row; ValueError naming what is wrong."""
    cls = TYPES.get(spec["ttype"])
    if cls is None:
        raise ValueError(f"custom field {spec['model']}.{spec['name']}: type {spec['ttype']!r} is not supported "
                         f"(use one of {', '.join(TYPES)})")
    args = {"string": spec.get("string") or spec["name"], "required": bool(spec.get("required")),
            "readonly": bool(spec.get("readonly"))}
    if cls is orm_fields.Many2one:
        args["comodel_name"] = spec.get("relation")
        args["ondelete"] = spec.get("on_delete") or "set null"
        if args["ondelete"] not in ONDELETE:
            raise ValueError(f"custom field {spec['model']}.{spec['name']}: on_delete must be one of {ONDELETE}")
    if cls is orm_fields.Selection:
        args["selection"] = parse_selection(spec.get("selection"), f"{spec['model']}.{spec['name']}")
    made = cls(**args)
    made._custom = True
    return made


def parse_selection(text, where: str) -> list[tuple[str, str]]:
    """``"[('a', 'A'), ('b', 'B')]"`` as a list of pairs (a literal only, never code)."""
    try:
        value = ast.literal_eval(text or "")
    except (ValueError, SyntaxError):
        value = None
    if not isinstance(value, list | tuple) or not value or not all(
            isinstance(item, list | tuple) and len(item) == 2 and all(isinstance(v, str) for v in item)
            for item in value):
        raise ValueError(f"custom field {where}: selection must be a list of (value, label) pairs, "
                         f"e.g. \"[('draft', 'Draft'), ('done', 'Done')]\"")
    return [tuple(item) for item in value]


def add_fields(registry, definitions: Definitions) -> None:
    """Put the custom fields on their models (after the models' own fields are set up)."""
    for spec in definitions.fields:
        model_cls = registry.models.get(spec["model"])
        if model_cls is None or spec["name"] in model_cls._fields:
            continue
        if spec["ttype"] == "many2one" and spec.get("relation") not in registry.models:
            continue  # its comodel's module was uninstalled: the column stays, the field is left out
        made = make_field(spec)
        made.name = spec["name"]
        made.model_name = model_cls._name
        setattr(model_cls, made.name, made)
        model_cls._fields[made.name] = made
        if made.name == "x_name" and getattr(model_cls, "_custom", False):
            model_cls._rec_name = "x_name"  # as Odoo: a custom model is named by its x_name
