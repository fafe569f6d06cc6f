"""Actions as the web client uses them: loading, remembering, and following a button's result.

An action is named in URLs by a *ref*: the id of an ``ir.actions.act_window``,
an external id (``base.open_module_tree``), ``model:<model>`` (the model's
default views) or ``s<key>`` (an action dict returned by a method, kept in
the session).
"""
from __future__ import annotations

import secrets
from urllib.parse import quote, urlencode

from werkzeug.exceptions import NotFound

from coquiapps.http import redirects
from coquiapps.tools.safe_eval import SafeEvalError, safe_eval
from coquiapps.tools.translate import _, translate

from . import search

MAX_STORED = 30


def load(env, ref: str) -> dict:
    """The action dict of ``ref``; NotFound when it does not exist or is not a window action."""
    from coquiapps.http import request

    if ref.startswith("model:"):
        model = ref[6:]
        if model not in env:
            raise NotFound(_("Unknown model %s", model))
        return normalize(env, {"type": "ir.actions.act_window", "res_model": model,
                               "name": env[model]._description or model, "view_mode": "list,form"}, ref)
    if ref.startswith("s") and ref[1:].isalnum() and not ref[1:].isdigit():
        stored = (request.session.get("actions") or {}).get(ref[1:])
        if not stored:
            raise NotFound(_("This action has expired: open it again from the menu."))
        return normalize(env, stored, ref)
    Action = env["ir.actions.act_window"].sudo()
    if ref.isdigit():
        action = Action.browse(int(ref)).exists()
    else:
        action = env.ref(ref, raise_if_not_found=False)
        action = action if action is not None and action._name == Action._name else None
    if not action:
        raise NotFound(_("Action %s does not exist.", ref))
    values = action._for_client()
    values["view_id"] = action.view_id.id or False
    values["search_view_id"] = action.search_view_id.id or False
    values["limit"] = action.limit or 80
    return normalize(env, values, str(action.id))


def normalize(env, action: dict, ref: str) -> dict:
    """Domain and context evaluated, view types as a list."""
    ctx = search.eval_context(env, {"active_id": env.context.get("active_id"),
                                    "active_ids": env.context.get("active_ids", []),
                                    "active_model": env.context.get("active_model")})
    result = dict(action)
    result["ref"] = ref
    if isinstance(result.get("name"), str):
        result["name"] = translate(result["name"])
    result["domain"] = _evaluate(action.get("domain"), ctx, [])
    result["context"] = _evaluate(action.get("context"), ctx, {})
    modes = [m.strip() for m in (action.get("view_mode") or "list,form").split(",") if m.strip()]
    result["view_modes"] = ["list" if m == "tree" else m for m in modes]
    result.setdefault("limit", 80)
    result["limit"] = result["limit"] or 80
    result.setdefault("target", "current")
    if result["res_model"] not in env:
        raise NotFound(_("Unknown model %s", result["res_model"]))
    return result


def _evaluate(value, ctx, empty):
    if not value:
        return empty
    if not isinstance(value, str):
        return value
    try:
        return safe_eval(value, ctx) or empty
    except SafeEvalError:
        return empty


def store(session, action: dict) -> str:
    """Keep an action dict (returned by a method) in the session; returns its ref."""
    stored = dict(session.get("actions") or {})
    key = secrets.token_hex(6)
    while key.isdigit():
        key = secrets.token_hex(6)
    keep = {k: v for k, v in action.items() if isinstance(v, str | int | float | bool | list | dict | type(None))}
    stored[key] = keep
    session["actions"] = dict(list(stored.items())[-MAX_STORED:])
    return "s" + key


def list_url(ref: str, **params) -> str:
    query = urlencode({k: v for k, v in params.items() if v is not None and v != ""})
    return f"/web/action/{quote(ref, safe=':')}" + (f"?{query}" if query else "")


def form_url(ref: str, res_id, **params) -> str:
    query = urlencode({k: v for k, v in params.items() if v is not None and v != ""})
    return f"/web/action/{quote(ref, safe=':')}/{res_id or 'new'}" + (f"?{query}" if query else "")


def safe_back(url: str | None, default: str = "/web") -> str:
    """A local URL to go back to (never another site; control characters: 400)."""
    return redirects.local_path(url, default)


def follow(env, result, record=None, current_ref: str | None = None, back: str = "/web") -> str:
    """Where the browser goes after a button: the URL for the returned action (or the record)."""
    from coquiapps.http import request

    here = (form_url(current_ref, record.id, back=back)
            if record is not None and record and record.exists() and not record._transient else back)
    if isinstance(result, dict):
        kind = result.get("type")
        if kind == "ir.actions.act_url":
            return result.get("url") or here
        if kind == "ir.actions.client":
            if result.get("tag") == "display_notification":
                params = result.get("params") or {}
                kinds = {"success": "success", "warning": "warning", "danger": "danger", "info": "info"}
                request.notify(params.get("message", ""), kinds.get(params.get("type"), "info"))
            return here
        if kind == "ir.actions.act_window_close":
            return back
        if kind == "ir.actions.act_window":
            ref = str(result["id"]) if result.get("id") and not result.get("res_id") else store(
                request.session, result)
            modes = [m.strip() for m in (result.get("view_mode") or "list,form").split(",")]
            next_back = here if record is not None else back
            if result.get("res_id"):
                return form_url(ref, result["res_id"], back=next_back)
            if modes and modes[0] == "form":
                return form_url(ref, None, back=next_back)
            return list_url(ref)
    if record is not None and record._transient:
        return back
    return here
