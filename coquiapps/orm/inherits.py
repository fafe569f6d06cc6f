"""Delegation inheritance (Odoo's ``_inherits``): a model carries the fields of a parent record.

``_inherits = {"res.partner": "partner_id"}`` makes every field of
``res.partner`` that the model does not define itself a related field
``partner_id.<name>`` of the model: read and searched through the parent
record, written to it. A create without ``partner_id`` first creates the
parent from the values given for its fields, as Odoo does.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from coquiapps.orm.exceptions import RegistryError

if TYPE_CHECKING:
    from coquiapps.orm.models import BaseModel
    from coquiapps.orm.registry import Registry

# a parent field's arguments that describe how the parent computes or stores it:
# the delegated field is a plain related field instead
_PARENT_ONLY_ARGS = {
    "compute", "inverse", "store", "related", "default", "required", "index", "depends", "search",
    "ondelete", "copy", "precompute", "company_dependent", "encrypted", "readonly", "states",
    "tracking", "compute_sudo",
}
_NOT_DELEGATED = {"id", "create_uid", "create_date", "write_uid", "write_date"}


def setup_inherited_fields(registry: Registry, model_cls, done: set[str]) -> None:
    """Add the delegated fields of ``model_cls`` (its parents first, so chains of ``_inherits`` work)."""
    if model_cls._name in done:
        return
    done.add(model_cls._name)
    for parent_name, fk in (model_cls._inherits or {}).items():
        parent = registry.models.get(parent_name)
        if parent is None:
            raise RegistryError(f"model {model_cls._name!r} delegates to unknown model {parent_name!r}")
        link = model_cls._fields.get(fk)
        if link is None or link.type != "many2one" or link.comodel_name != parent_name or not link.store:
            raise RegistryError(f"model {model_cls._name!r} delegates to {parent_name!r} through {fk!r}, "
                                f"which must be a stored many2one to {parent_name!r}")
        setup_inherited_fields(registry, parent, done)
        for name, parent_field in parent._fields.items():
            if name in model_cls._fields or name in _NOT_DELEGATED:
                continue
            args = {k: v for k, v in parent_field.args.items() if k not in _PARENT_ONLY_ARGS}
            field = type(parent_field)(**args, related=f"{fk}.{name}", readonly=parent_field.readonly,
                                       copy=False)
            field.name = name
            field.model_name = model_cls._name
            setattr(model_cls, name, field)
            model_cls._fields[name] = field


def _delegation(model: BaseModel, name: str) -> tuple[str, str] | None:
    """(delegation field, parent field name) when writing ``name`` writes the parent record."""
    field = model._fields.get(name)
    if field is None or not field.related or field.readonly:
        return None
    fk, _, parent_name = field.related.partition(".")
    if "." in parent_name or fk not in (model._inherits or {}).values():
        return None
    return fk, parent_name


def split_values(model: BaseModel, vals: dict) -> tuple[dict, dict[str, dict]]:
    """``vals`` for the model itself, and by delegation field the values for the parent record."""
    own: dict = {}
    parents: dict[str, dict] = {}
    for name, value in vals.items():
        target = _delegation(model, name)
        if target is None:
            own[name] = value
        else:
            parents.setdefault(target[0], {})[target[1]] = value
    return own, parents


def prepare_create(model: BaseModel, vals_list: list[dict]) -> list[dict]:
    """The values to create with: delegated values written to the given parent or a new one."""
    if not model._inherits:
        return vals_list
    result = []
    for vals in vals_list:
        own, parents = split_values(model, vals)
        for parent_name, fk in model._inherits.items():
            parent_vals = parents.get(fk, {})
            if own.get(fk):
                if parent_vals:
                    model.env[parent_name].browse(own[fk]).write(parent_vals)
            else:
                own[fk] = model.env[parent_name].create(parent_vals).id
        result.append(own)
    return result


def write_parents(records: BaseModel, vals: dict) -> dict:
    """Write the delegated values of ``vals`` to the parents of ``records``; returns the rest."""
    if not records._inherits:
        return vals
    own, parents = split_values(records, vals)
    for fk, parent_vals in parents.items():
        targets = records.mapped(fk)
        if targets:
            targets.write(parent_vals)
    return own
