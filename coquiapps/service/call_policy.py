"""The remote-call policy: which model methods a remote caller may reach, and how they are called.

XML-RPC and JSON-RPC (``object.execute_kw``), the web client's
``/web/dataset/call_kw`` and its form buttons all go through here, so the
rules hold the same on every transport:

- the name is a Python identifier that does not start with ``_`` (private
  and dunder names are never reachable);
- ORM plumbing (``browse``, ``sudo``, ``with_user``, ``check_access_rule``,
  ``init``, ...) is refused: of the methods the ORM itself defines, only
  :data:`ORM_METHODS` are remote entry points, even when a model overrides
  one of the others;
- the attribute must be a real method of the model class (a function or a
  classmethod), not a field, a property or some other callable;
- record methods take the record ids as first argument (an id or a list of
  ids); ``@api.model`` methods and the model-level ORM methods do not;
- ``kwargs['context']``, when given, is a dict merged into the context.

What a method does once called is its own business: every public method
that elevates (``sudo()``, raw SQL on other users' data) checks the caller's
right first, or is private.
"""
from __future__ import annotations

import inspect

from coquiapps.orm import models as orm_models
from coquiapps.orm.exceptions import AccessError, UserError

#: ORM methods that are remote entry points, and whether they work on the model (True)
#: or on records given by id (False)
ORM_METHODS = {
    "create": True, "search": True, "search_count": True, "search_read": True, "name_search": True,
    "fields_get": True, "default_get": True, "check_access_rights": True, "read_group": True,
    "name_create": True,
    "read": False, "write": False, "unlink": False, "copy": False, "name_get": False, "exists": False,
    "toggle_active": False, "action_archive": False, "action_unarchive": False, "get_external_id": False,
}
_ORM_CLASSES = orm_models.ORM_CLASSES  # BaseModel, its mixins (cache, crud ...) and the model kinds
#: hooks of the module loader and attributes of recordsets, refused whoever defines them
_HOOKS = frozenset({"init", "pool", "env", "ids", "unlink_all", "invalidate_all"})


def _orm_public_names() -> frozenset:
    names = set()
    for cls in _ORM_CLASSES:
        names.update(name for name in vars(cls) if not name.startswith("_"))
    return frozenset(names)


#: every public name the ORM defines that is not an entry point (plumbing), and the hooks
REFUSED = frozenset((_orm_public_names() - ORM_METHODS.keys()) | _HOOKS)


def _refuse(model: str, method: str, why: str):
    return AccessError(f"{model}.{method} cannot be called remotely: {why}.")


def resolve(records, method):
    """The function behind ``records.method`` if remote callers may call it, and whether it takes ids.

    Raises :class:`AccessError` naming the method and the reason otherwise.
    """
    model = records._name
    if not isinstance(method, str) or not method.isidentifier():
        raise _refuse(model, repr(method), "the method name is not a valid identifier")
    if method.startswith("_"):
        raise AccessError(f"Private methods (such as {model}.{method}) cannot be called remotely.")
    if method in REFUSED:
        raise _refuse(model, method, "it belongs to the ORM's internals")
    for owner in type(records).__mro__:
        if method in vars(owner):
            attribute = vars(owner)[method]
            break
    else:
        raise AttributeError(f"The method '{method}' does not exist on the model '{model}'")
    if isinstance(attribute, classmethod):
        return attribute.__func__, False
    if not inspect.isfunction(attribute):
        raise _refuse(model, method, "it is not a method of the model")
    if method in ORM_METHODS:
        return attribute, not ORM_METHODS[method]
    model_level = getattr(attribute, "_api_model", False) or getattr(attribute, "_api_create_multi", False)
    return attribute, not model_level


def _ids(model: str, method: str, value) -> list[int]:
    """The ids a record method was given: one id or a list of ids (nothing else)."""
    if value is None or value is False:
        return []
    values = [value] if isinstance(value, int) else value
    if not isinstance(values, list | tuple) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in values):
        raise TypeError(f"{model}.{method}: the first argument must be a record id or a list of ids, "
                        f"got {value!r:.80}")
    return list(values)


def call_kw(env, model: str, method: str, args=None, kwargs=None):
    """``env[model].method(*args, **kwargs)`` as a remote caller may call it; the raw result.

    ``create`` called with one dict returns the new id, with a list the new ids;
    ``copy`` returns the new id; ``fields_get`` leaves out the fields the caller may not read.
    """
    if not isinstance(model, str) or model not in env:
        raise UserError(f"Object {model!r:.80} doesn't exist")
    if args is not None and not isinstance(args, list | tuple):
        raise TypeError(f"{model}.{method}: args must be a list")
    if kwargs is not None and not isinstance(kwargs, dict):
        raise TypeError(f"{model}.{method}: kwargs must be a dict")
    args, kwargs = list(args or []), dict(kwargs or {})
    records = env[model]
    _func, takes_ids = resolve(records, method)
    context = kwargs.pop("context", None)
    if context is not None:
        if not isinstance(context, dict):
            raise TypeError(f"{model}.{method}: context must be a dict")
        records = records.with_context(**context)
    if takes_ids:
        if not args:  # as Odoo: a record method needs its ids (OdooRPC's tests rely on the error)
            raise TypeError(f"{model}.{method}: the first argument must be the record ids")
        records = records.browse(_ids(model, method, args.pop(0)))
    result = getattr(records, method)(*args, **kwargs)
    if method == "create" and isinstance(result, orm_models.BaseModel):
        return result.id if args and isinstance(args[0], dict) else result.ids
    if method == "copy" and isinstance(result, orm_models.BaseModel):
        return result.id  # Odoo's copy is @api.returns('self', lambda value: value.id)
    if method == "fields_get" and isinstance(result, dict) and not env.su:
        # as Odoo: the fields of groups the caller is not in are not described (OdooRPC reads them all)
        readable = set(records._readable_fields())
        return {name: info for name, info in result.items() if name in readable}
    return result
