"""The user's notices (``res.notice``) in the web client: the top bar's counter and the notices page."""
from __future__ import annotations

from dataclasses import dataclass

from coquiapps.orm.exceptions import AccessError

from . import actions, widgets

URL = "/web/notices"
LIMIT = 200


@dataclass
class Row:
    id: int
    level: str
    level_label: str
    date: str
    title: str
    message: str
    record_name: str
    record_url: str | None
    dismissed: bool


def unread_count(env) -> int:
    """How many notices to the user are not dismissed (0 for an anonymous request)."""
    if env is None or not env.uid:
        return 0
    # sudo: counting one's own notices needs no model right (a portal user sees 0, not an error)
    return env["res.notice"].sudo().search_count([("user_id", "=", env.uid), ("dismissed", "=", False)])


def own(env, dismissed: bool = False):
    """The user's notices, newest first: the current ones, or the dismissed ones."""
    return env["res.notice"].search([("user_id", "=", env.uid), ("dismissed", "=", dismissed)],
                                    order="create_date desc, id desc", limit=LIMIT)


def rows(notices) -> list[Row]:
    """What the notices page shows of each notice (dates through the web client's widgets)."""
    fields = notices._fields
    result = []
    for notice in notices:
        name, url = record_link(notice.env, notice.res_model, notice.res_id)
        result.append(Row(notice.id, notice.level, widgets.display(notice, fields["level"]),
                          widgets.display(notice, fields["create_date"]), notice.title, notice.message or "",
                          name, url, notice.dismissed))
    return result


def record_link(env, model: str | bool, res_id: int | bool) -> tuple[str, str | None]:
    """The name of the record a notice concerns and the URL of its form (None if the user may not open it)."""
    if not model or not res_id:
        return "", None
    if model not in env:
        return f"{model},{res_id}", None
    record = env[model].browse(res_id)
    if not record.exists():
        return f"{env[model]._description or model} #{res_id}", None
    try:
        record.check_access("read")
        name = record.display_name
    except AccessError:
        return record.sudo().display_name, None
    return name, actions.form_url(window_ref(env, model), res_id, back=URL)


def window_ref(env, model: str) -> str:
    """The window action a menu opens for ``model`` (its app and views), else the model's default views."""
    menus = env["ir.ui.menu"].sudo().search([("action", "like", "ir.actions.act_window,")])
    ids = [int(rid) for rid in (m.action.partition(",")[2] for m in menus) if rid.isdigit()]
    action = env["ir.actions.act_window"].sudo().search([("id", "in", ids), ("res_model", "=", model)], limit=1)
    return str(action.id) if action else f"model:{model}"
