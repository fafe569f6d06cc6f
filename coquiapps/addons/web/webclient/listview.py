"""List and kanban views: columns from the arch, rows and cards of records."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from markupsafe import Markup

from coquiapps.tools.translate import _

from . import actions, widgets


@dataclass
class Column:
    name: str
    string: str
    field: object
    node: object
    sortable: bool


def columns(model, arch) -> list[Column]:
    """The visible ``<field>`` columns of a ``<list>``/``<tree>`` (or kanban) arch."""
    result = []
    for node in arch:
        if not isinstance(node.tag, str) or node.tag != "field":
            continue
        if node.get("invisible") in ("1", "True") or node.get("column_invisible") in ("1", "True"):
            continue
        field = model._fields.get(node.get("name"))
        if field is None:
            continue
        result.append(Column(field.name, node.get("string") or widgets.label(field), field, node,
                             bool(field.store) and field.type not in ("one2many", "many2many", "binary")))
    return result


def render_table(model, cols, records, ref: str, compact: bool = False, sort: str = "",
                 base_params: dict | None = None) -> Markup:
    """A table of ``records``; each row opens the record, headers sort (unless compact)."""
    head = Markup("")
    for col in cols:
        label = Markup("{}").format(col.string)
        if col.sortable and not compact:
            direction = "desc" if sort == f"{col.name} asc" else "asc"
            arrow = " \u25b2" if sort == f"{col.name} asc" else (" \u25bc" if sort == f"{col.name} desc" else "")
            query = urlencode({**(base_params or {}), "order": f"{col.name} {direction}"})
            label = Markup("<a href=\"?{}\">{}{}</a>").format(query, col.string, arrow)
        head += Markup("<th data-name=\"{}\">{}</th>").format(col.name, label)
    rows = Markup("")
    for record in records:
        url = actions.form_url(ref, record.id)
        cells = Markup("").join(
            Markup("<td class=\"o_cell_{}\">{}</td>").format(col.field.type, _cell(record, col))
            for col in cols)
        # the whole row opens the record (web.js: click, Enter); the arrow stays for new tabs
        rows += Markup("<tr class=\"o_row_link\" data-id=\"{}\" data-href=\"{}\" tabindex=\"0\">"
                       "<td class=\"o_row_open\"><a href=\"{}\" aria-label=\"{}\" tabindex=\"-1\">"
                       "\u2197</a></td>{}</tr>").format(record.id, url, url, _("Open"), cells)
    if not records:
        rows = Markup("<tr><td colspan=\"{}\" class=\"o_empty\">{}</td></tr>").format(
            len(cols) + 1, _("No records"))
    css = "o_list_table o_list_compact" if compact else "o_list_table"
    return Markup("<table class=\"{}\"><thead><tr><th></th>{}</tr></thead><tbody>{}</tbody></table>").format(
        css, head, rows)


def _cell(record, col) -> str:
    if col.field.type == "boolean":
        return "\u2714" if record[col.name] else ""
    if col.node.get("widget") == "many2many_tags" or col.field.type == "many2many":
        return Markup("").join(Markup("<span class=\"o_tag\">{}</span>").format(r.display_name)
                               for r in record[col.name].sudo()[:5])
    return widgets.display(record, col.field, col.node)


def render_cards(model, cols, records, ref: str) -> Markup:
    """Kanban cards listing the kanban's fields (the first one as the title)."""
    cards = Markup("")
    for record in records:
        title = Markup("{}").format(widgets.display(record, cols[0].field, cols[0].node)
                                    if cols else record.display_name)
        lines = Markup("")
        for col in cols[1:]:
            if col.field.type == "boolean" and not record[col.name]:
                continue
            value = _cell(record, col)
            if value in ("", None):
                continue
            lines += Markup("<div class=\"o_card_line\" data-name=\"{}\"><span class=\"o_card_label\">{}</span> "
                            "<span class=\"o_card_value\">{}</span></div>").format(col.name, col.string, value)
        state = record["state"] if "state" in model._fields else ""
        cards += Markup("<a class=\"o_kanban_card\" data-state=\"{}\" data-id=\"{}\" href=\"{}\">"
                        "<h3>{}</h3>{}</a>").format(state or "", record.id, actions.form_url(ref, record.id),
                                                    title, lines)
    if not records:
        cards = Markup("<p class=\"o_empty\">{}</p>").format(_("No records"))
    return Markup("<div class=\"o_kanban\">{}</div>").format(cards)
