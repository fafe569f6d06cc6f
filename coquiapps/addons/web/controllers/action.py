"""Window actions: list/kanban pages, forms, saving, buttons and wizards."""
from __future__ import annotations

import logging
import math

from coquiapps import fields, http
from coquiapps.exceptions import AccessError, RedirectWarning, UserError
from coquiapps.http import request
from coquiapps.service import call_policy
from coquiapps.tools.translate import _, translate

from ..webclient import actions, formview, layout, listview, menus, search, views, widgets

_logger = logging.getLogger(__name__)
KNOWN_ERRORS = (UserError, widgets.InputError)
ATTACHMENTS_SHOWN = 20  # the newest files of a record under its form


def _operation_errors() -> tuple:
    try:
        from coquiapps.modules.loading import ModuleOperationError
    except ImportError:  # pragma: no cover
        return KNOWN_ERRORS
    return (*KNOWN_ERRORS, ModuleOperationError)


class WebAction(http.Controller):
    """Pages of ``ir.actions.act_window``: ``/web/action/<ref>`` and ``/web/action/<ref>/<id|new>``."""

    # -- list / kanban -----------------------------------------------------------
    @http.route("/web/action/<string:ref>", type="http", auth="user", methods=["GET"])
    def action_view(self, ref, view_type=None, q="", order="", page="1", **kw):
        action = actions.load(request.env, ref)
        if action.get("res_id") or action["view_modes"][0] == "form":
            back = actions.safe_back(kw.get("back") or _referrer())
            return request.redirect(actions.form_url(action["ref"], action.get("res_id"), back=back))
        env = request.env(context={**request.env.context, **action["context"]})
        Model = env[action["res_model"]]
        Model.check_access_rights("read")
        modes = [m for m in action["view_modes"] if m in ("list", "kanban")] or ["list"]
        view_type = view_type if view_type in modes else modes[0]
        arch = views.get_view(env, Model._name, view_type,
                              action.get("view_id") if view_type == modes[0] else None)
        spec = search.parse(views.get_view(env, Model._name, "search", action.get("search_view_id")))
        active = _active_filters(spec, action["context"])
        domain = list(action["domain"]) + search.domain(env, Model, spec, q.strip(), active)
        order = order if _valid_order(Model, order) else None
        limit = int(action["limit"])
        total = Model.search_count(domain)
        pages = max(1, math.ceil(total / limit))
        current = min(max(int(page) if str(page).isdigit() else 1, 1), pages)
        records = Model.search(domain, offset=(current - 1) * limit, limit=limit, order=order)
        cols = listview.columns(Model, arch)
        params = {"view_type": view_type, "q": q, "filters": ",".join(active)}
        if view_type == "kanban":
            body = listview.render_cards(Model, cols, records, action["ref"])
        else:
            body = listview.render_table(Model, cols, records, action["ref"], sort=order or "",
                                         base_params=params)
        can_create = arch.get("create") not in ("false", "0") and Model.check_access_rights(
            "create", raise_exception=False)
        return layout.page("web/list.html", {
            "action": action, "title": action.get("name") or translate(Model._description), "body": body,
            "view_type": view_type, "modes": modes, "q": q, "spec": spec, "active": active,
            "order": order or "", "page": current, "pages": pages, "total": total, "params": params,
            "can_create": can_create, "new_url": actions.form_url(action["ref"], None),
            "offset": (current - 1) * limit, "count": len(records),
        }, app=_app(action))

    # -- form ----------------------------------------------------------------------
    @http.route("/web/action/<string:ref>/<string:rid>", type="http", auth="user", methods=["GET"])
    def form_view(self, ref, rid, back=None, **kw):
        action = actions.load(request.env, ref)
        env, Model = _model_env(action)
        record = _record(Model, rid)
        return self._render_form(action, Model, record, actions.safe_back(back or _referrer()))

    @http.route("/web/action/<string:ref>/<string:rid>", type="http", auth="user", methods=["POST"])
    def form_post(self, ref, rid, back=None, **kw):
        action = actions.load(request.env, ref)
        env, Model = _model_env(action)
        record = _record(Model, rid)
        back = actions.safe_back(back)
        form = request.httprequest.form
        files = request.httprequest.files
        view = _form_view(action, Model, record)
        button = form.get("_button", "")
        field_errors = {}
        try:
            vals = {}
            for field, node in view.editable_fields():
                try:
                    present, value = widgets.parse(env, field, form, files, node)
                except widgets.InputError as exc:
                    field_errors[field.name] = str(exc)
                    continue
                missing = (value is False or value is None or value == "") if present else not record
                # an empty password on a saved record keeps the stored one; a new record has none
                if missing and view.field_required(node, field) and not (record and widgets.is_password(field, node)):
                    field_errors[field.name] = _("%s is required.", node.get("string") or widgets.label(field))
                    continue
                if present and (not record or _changed(record, field, value)):
                    vals[field.name] = value
                    if field.type == "binary" and Model._fields.get(node.get("filename") or "") is not None:
                        # the upload's own name goes to the field the view names (as in Odoo)
                        vals[node.get("filename")] = files[field.name].filename
            if field_errors:
                raise widgets.InputError(_("Some fields are invalid: %s", "; ".join(field_errors.values())))
            if not record:
                record = Model.create(vals)
            elif vals:
                record.write(vals)
            if not button:
                request.notify(_("%s saved.", record.display_name), "success")
                return request.redirect(actions.form_url(action["ref"], record.id, back=back))
            result = self._run_button(view, record, button, action)
            if not record._transient and not _speaks_for_itself(result):
                request.notify(_done_message(button, view), "success")
            return request.redirect(actions.follow(env, result, record, action["ref"], back))
        except _operation_errors() as exc:
            request.cr.rollback()
            message = exc.args[0] if exc.args else str(exc)
            still = Model.browse(record.id).exists() if record else Model.browse()
            fix = None
            if isinstance(exc, RedirectWarning) and exc.action:
                # the error offers its way out: a button to the action that fixes it
                fix = {"label": exc.button_text or _("Fix"),
                       "url": actions.follow(env, exc.action, still, action["ref"], back)}
            return self._render_form(action, Model, still, back, error=str(message),
                                     submitted=form, field_errors=field_errors, status=422, fix=fix)

    def _run_button(self, view, record, button: str, action: dict):
        kind, _sep, name = button.partition(":")
        allowed = view.buttons()
        if (kind, name) not in allowed or not name or name.startswith("_"):
            raise AccessError(_("The button %r is not available on this form.", name))
        ctx = {**action["context"], "active_id": record.id, "active_ids": record.ids,
               "active_model": record._name}
        record = record.with_context(**ctx)
        if kind == "object":
            try:
                call_policy.resolve(record, name)  # a button is a remote call: the same policy
            except AttributeError:
                raise UserError(_("%(model)s has no method %(method)r.", model=record._name, method=name)) from None
            return getattr(record, name)()
        target = _resolve_action_ref(record.env, name)
        return {**target, "context": {**_as_dict(target.get("context")), **ctx}}

    def _render_form(self, action, Model, record, back, error=None, submitted=None,
                     field_errors=None, status=200, fix=None):
        view = _form_view(action, Model, record)
        view.submitted = submitted
        view.field_errors = field_errors or {}
        if submitted is not None:
            view.values.update({k: v for k, v in submitted.items() if k in Model._fields
                                and Model._fields[k].type in ("char", "selection", "text")})
        view.values["__back__"] = back
        parts = view.render_parts()
        wizard = bool(Model._transient or action.get("target") == "new")
        readonly_form = view.arch.get("edit") in ("false", "0") and bool(record)
        has_editable = bool(view.editable_fields()) and not readonly_form
        title = (action.get("name") or translate(Model._description)) if wizard else (
            record.display_name if record else _("New"))
        return layout.page("web/form.html", {
            "action": action, "record": record, "model": Model, "parts": parts, "error": error, "fix": fix,
            "wizard": wizard, "title": title, "back": back, "has_editable": has_editable,
            "action_title": action.get("name") or translate(Model._description),
            "list_url": actions.list_url(action["ref"]) if "list" in action["view_modes"]
            or "kanban" in action["view_modes"] else None,
            "post_url": actions.form_url(action["ref"], record.id if record else None, back=back),
            "attachments": _attachments(record) if record and not wizard else [],
            "can_delete": bool(record) and not wizard and view.arch.get("delete") not in ("false", "0")
            and view.arch.get("edit") not in ("false", "0")
            and Model.check_access_rights("unlink", raise_exception=False),
        }, app=_app(action), status=status)

    @http.route("/web/action/<string:ref>/<int:rid>/delete", type="http", auth="user", methods=["POST"])
    def delete(self, ref, rid, **kw):
        action = actions.load(request.env, ref)
        env, Model = _model_env(action)
        record = _record(Model, str(rid))
        name = record.display_name
        try:
            record.unlink()
        except UserError as exc:
            request.cr.rollback()
            request.notify(exc.message, "danger")
            return request.redirect(actions.form_url(action["ref"], rid))
        request.notify(_("%s deleted.", name), "success")
        return request.redirect(actions.list_url(action["ref"]))


def _model_env(action):
    env = request.env(context={**request.env.context, **action["context"]})
    return env, env[action["res_model"]]


def _record(Model, rid: str):
    if rid == "new":
        return Model.browse()
    if not rid.isdigit():
        raise request.not_found(_("No such record."))
    record = Model.browse(int(rid)).exists()
    if not record:
        raise request.not_found(_("This record does not exist (any more)."))
    record.check_access_rights("read")
    record.check_access_rule("read")
    return record


def _attachments(record) -> list:
    """The files attached to ``record`` that the user may read: (link, name, size)."""
    if "ir.attachment" not in record.env:
        return []
    files = record.env["ir.attachment"].search([("res_model", "=", record._name), ("res_id", "=", record.id)],
                                               limit=ATTACHMENTS_SHOWN)
    return [(f"/web/content/{a.id}?download=true", a.name, widgets.file_size(a.file_size or 0)) for a in files]


def _form_view(action, Model, record):
    view_id = action.get("view_id") if action["view_modes"][:1] == ["form"] else None
    arch = views.get_view(Model.env, Model._name, "form", view_id)
    names = [n for n, f in Model._fields.items() if f.type != "binary"]
    if record:
        values = formview.record_values(record, Model, names)
    else:
        defaults = Model.default_get(names)
        values = {n: False for n in names}
        values.update({k: (v.id if hasattr(v, "_ids") and len(v) == 1 else v) for k, v in defaults.items()})
        values["id"] = False
    values["uid"] = request.uid
    values["context"] = dict(Model.env.context)
    return formview.FormView(Model.env, Model, arch, record, values)


def _changed(record, field, value) -> bool:
    current = record[field.name]
    if field.type == "many2one":
        return (current.id or False) != (value or False)
    if field.type == "many2many":
        return True
    if field.type == "datetime":
        # to the second as typed; an untouched input is not even submitted (see widgets.parse)
        return (current or False) != (fields.Datetime.to_datetime(value) if value else False)
    if field.type == "date" and current:
        return str(current)[:len(str(value or ""))] != str(value or "") or not value
    if field.type == "float" and value is not False and current is not False:
        return abs((current or 0) - (value or 0)) > 1e-9
    return (current if current is not None else False) != value


def _valid_order(Model, order: str) -> bool:
    if not order:
        return False
    name, _sep, direction = order.partition(" ")
    field = Model._fields.get(name)
    return bool(field and field.store) and direction in ("asc", "desc")


def _active_filters(spec, context) -> list[str]:
    raw = request.httprequest.args.get("filters")
    if raw is None:
        return search.defaults(spec, context)
    known = spec.by_name()
    return [name for name in raw.split(",") if name in known]


def _referrer() -> str | None:
    ref = request.httprequest.referrer
    if not ref:
        return None
    host = request.httprequest.host_url.rstrip("/")
    return ref[len(host):] if ref.startswith(host + "/") else None


def _app(action):
    if not str(action.get("ref", "")).isdigit():
        return None
    return menus.root_for_action(menus.tree(request.env, request.debug), action["ref"])


def _speaks_for_itself(result) -> bool:
    """A button result that opens something or says something: no generic "done" notice."""
    if not isinstance(result, dict):
        return False
    return result.get("type") in ("ir.actions.act_window", "ir.actions.act_url") or (
        result.get("type") == "ir.actions.client" and result.get("tag") == "display_notification")


def _done_message(button: str, view) -> str:
    node = view.buttons().get(tuple(button.split(":", 1)))
    label = node.get("string") if node is not None else None
    return _("%s: done.", label or _("Action"))


def _resolve_action_ref(env, name: str) -> dict:
    """``%(xmlid)d``, an xmlid or an id -> the action dict."""
    ref = name
    if ref.startswith("%(") and ref.endswith(")d"):
        ref = ref[2:-2]
    if ref.isdigit():
        record = env["ir.actions.act_window"].sudo().browse(int(ref)).exists()
    else:
        record = env.ref(ref, raise_if_not_found=False)
    if not record or not hasattr(record, "_for_client"):
        raise UserError(_("The action %s does not exist.", name))
    return record.sudo()._for_client()


def _as_dict(value) -> dict:
    if isinstance(value, dict):
        return value
    from coquiapps.tools.safe_eval import SafeEvalError, safe_eval

    try:
        result = safe_eval(value or "{}", {"uid": request.uid})
    except SafeEvalError:
        return {}
    return result if isinstance(result, dict) else {}

