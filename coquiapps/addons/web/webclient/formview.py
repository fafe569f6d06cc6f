"""Form views rendered to HTML: header, statusbar, smart buttons, groups, notebooks, footer.

Modifiers (``invisible``, ``readonly``, ``required``) are expressions evaluated
with :func:`evaluate_modifier` on the record's values. The same walk tells
which fields a POST may write (:meth:`FormView.editable_fields`), so a
hidden or read-only field cannot be written by crafting a request.
"""
from __future__ import annotations

import logging
import re

from markupsafe import Markup, escape

from coquiapps.tools.safe_eval import SafeEvalError, evaluate_modifier
from coquiapps.tools.translate import _, translate

from . import widgets

_logger = logging.getLogger(__name__)
PASSTHROUGH_TAGS = ("div", "p", "span", "h1", "h2", "h3", "h4", "strong", "em", "b", "i", "small",
                    "ul", "ol", "li", "br", "hr", "code", "pre")


class FormView:
    """One form arch for one record (or a new one) with the values modifiers see."""

    def __init__(self, env, model, arch, record=None, values: dict | None = None,
                 submitted=None, field_errors: dict | None = None):
        self.env = env
        self.model = model
        self.arch = arch
        self.record = record if record else None
        self.values = values or {}
        self.submitted = submitted  # werkzeug MultiDict of a refused POST, shown again
        self.field_errors = field_errors or {}
        self.notebooks = 0

    # -- modifiers -------------------------------------------------------------
    def modifier(self, node, name: str) -> bool:
        expr = node.get(name)
        if expr is None:
            return False
        try:
            return evaluate_modifier(expr, self.values)
        except SafeEvalError as exc:
            _logger.warning("modifier %s=%r of %s cannot be evaluated: %s", name, expr, self.model._name, exc)
            return False

    def invisible(self, node) -> bool:
        return self.modifier(node, "invisible") or (
            node.get("groups") and not _in_groups(self.env, node.get("groups")))

    def field_readonly(self, node, field) -> bool:
        if node.get("readonly") is not None:
            return self.modifier(node, "readonly")
        return bool(field.readonly) or bool(field.compute and not field.inverse)

    def field_required(self, node, field) -> bool:
        if node.get("required") is not None:
            return self.modifier(node, "required")
        return bool(field.required) and field.type != "boolean"

    # -- walking ----------------------------------------------------------------
    def visible_nodes(self, node):
        """Children of ``node`` that are shown."""
        return [c for c in node if isinstance(c.tag, str) and not self.invisible(c)]

    def editable_fields(self) -> list[tuple]:
        """(field, node) of the fields a submitted form may write."""
        found = []

        def walk(node):
            for child in self.visible_nodes(node):
                if child.tag == "field":
                    field = self.model._fields.get(child.get("name"))
                    if field is not None and field.type != "one2many" and not self.field_readonly(child, field):
                        found.append((field, child))
                    continue
                walk(child)

        walk(self.arch)
        return found

    def buttons(self) -> dict:
        """Visible buttons by ``(type, name)``: only these may be run from this form."""
        found = {}

        def walk(node):
            for child in self.visible_nodes(node):
                if child.tag == "button" and child.get("name"):
                    found[(child.get("type") or "object", child.get("name"))] = child
                elif child.tag != "field":
                    walk(child)

        walk(self.arch)
        return found

    # -- rendering ---------------------------------------------------------------
    def render_parts(self) -> dict:
        """``header``, ``button_box``, ``body`` and ``footer`` as HTML."""
        parts = {"header": Markup(""), "button_box": Markup(""), "body": Markup(""), "footer": Markup("")}
        for child in self.visible_nodes(self.arch):
            if child.tag == "header":
                parts["header"] += self.render_header(child)
            elif child.tag == "footer":
                parts["footer"] += self.render_children(child)
            elif child.tag == "sheet":
                for sub in self.visible_nodes(child):
                    if sub.tag == "div" and sub.get("name") == "button_box":
                        parts["button_box"] += self.render_children(sub)
                    else:
                        parts["body"] += self.render_node(sub)
            elif child.tag == "div" and child.get("name") == "button_box":
                parts["button_box"] += self.render_children(child)
            else:
                parts["body"] += self.render_node(child)
        return parts

    def render_children(self, node) -> Markup:
        return Markup("").join(self.render_node(c) for c in self.visible_nodes(node))

    def render_node(self, node) -> Markup:
        tag = node.tag
        if tag == "field":
            return self.render_field(node, with_label=False)
        if tag == "group":
            return self.render_group(node)
        if tag == "notebook":
            return self.render_notebook(node)
        if tag == "button":
            return self.render_button(node)
        if tag == "separator":
            return Markup("<h3 class=\"o_separator\">{}</h3>").format(node.get("string") or "")
        if tag == "label":
            return self.render_label(node)
        if tag == "newline":
            return Markup("")
        inner = Markup(escape(node.text or "")) + self.render_children(node) if tag != "br" else Markup("")
        if tag in PASSTHROUGH_TAGS:
            css = node.get("class") or ""
            if tag == "br":
                return Markup("<br>")
            # the name stays on the element, as view inheritance and the admin see it in the arch
            named = Markup(" data-name=\"{}\"").format(node.get("name")) if node.get("name") else Markup("")
            return Markup("<{} class=\"{}\"{}>{}</{}>{}").format(
                Markup(tag), css, named, inner, Markup(tag), _tail(node))
        return inner

    def render_label(self, node) -> Markup:
        """``<label for="field"/>``: the field's label (unless ``string`` says otherwise), tied to its input."""
        target = node.get("for")
        field = self.model._fields.get(target) if target else None
        text = node.get("string") or (widgets.label(field) if field is not None else "")
        if field is None:
            return Markup("<label class=\"o_form_label\">{}</label>").format(text)
        node_of_field = next((n for n in self.arch.iter("field") if n.get("name") == target), None)
        required = node_of_field is not None and self.field_required(node_of_field, field) and not (
            self.field_readonly(node_of_field, field))
        return Markup("<label class=\"o_form_label{}\" for=\"field_{}\">{}</label>").format(
            " o_required_label" if required else "", target, text)

    def render_header(self, node) -> Markup:
        buttons, status = Markup(""), Markup("")
        for child in self.visible_nodes(node):
            if child.tag == "field" and child.get("widget") == "statusbar":
                status += self.render_statusbar(child)
            elif child.tag == "field":
                status += self.render_field(child, with_label=True)
            else:
                buttons += self.render_node(child)
        return Markup("<div class=\"o_form_statusbar\"><div class=\"o_statusbar_buttons\">{}</div>{}</div>").format(
            buttons, status)

    def render_statusbar(self, node) -> Markup:
        field = self.model._fields.get(node.get("name"))
        if field is None:
            return Markup("")
        current = self.values.get(field.name)
        shown = node.get("statusbar_visible")
        options = (widgets.selection(field, self.record or self.model) if field.type == "selection" else [])
        if shown:
            keep = {s.strip() for s in shown.split(",")}
            options = [o for o in options if o[0] in keep or o[0] == current]
        steps = Markup("").join(
            Markup("<li class=\"{}\">{}</li>").format("o_arrow_button_current" if key == current else "", label)
            for key, label in options)
        return Markup("<ol class=\"o_statusbar_status\" aria-label=\"{}\">{}</ol>").format(_("Status"), steps)

    def render_group(self, node) -> Markup:
        title = node.get("string")
        children = self.visible_nodes(node)
        heading = Markup("<h3 class=\"o_group_title\">{}</h3>").format(title) if title else Markup("")
        if children and all(c.tag == "group" for c in children):
            inner = Markup("").join(self.render_group(c) for c in children)
            return Markup("<div class=\"o_group_row\">{}{}</div>").format(heading, inner)
        rows = Markup("")
        for child in children:
            if child.tag == "field":
                rows += self.render_field(child, with_label=True)
            else:
                rows += Markup("<div class=\"o_group_cell\">{}</div>").format(self.render_node(child))
        return Markup("<div class=\"o_group\">{}{}</div>").format(heading, rows)

    def render_notebook(self, node) -> Markup:
        self.notebooks += 1
        pages = [p for p in self.visible_nodes(node) if p.tag == "page"]
        inner = Markup("")
        for index, page in enumerate(pages):
            pid = f"nb{self.notebooks}_{index}"
            inner += Markup("<input type=\"radio\" class=\"o_tab_radio\" name=\"_nb{}\" id=\"{}\"{}>"
                            "<label class=\"o_tab\" for=\"{}\">{}</label>"
                            "<div class=\"o_notebook_page\" data-page=\"{}\">{}</div>").format(
                self.notebooks, pid, Markup(" checked") if index == 0 else Markup(""), pid,
                page.get("string") or page.get("name") or _("Page"), pid, self.render_children(page))
        return Markup("<div class=\"o_notebook\">{}</div>").format(inner)

    def render_button(self, node) -> Markup:
        label = node.get("string") or (node.text or "").strip()
        stat = node.find("field")
        if not label and stat is not None and stat.get("name") in self.model._fields:
            # smart button: "<value> <label>" of the field it shows
            field = self.model._fields[stat.get("name")]
            value = self.record[field.name] if self.record else 0
            label = f"{value} {stat.get('string') or field.string}"
        label = label or node.get("name") or _("Button")
        css = "o_btn " + (node.get("class") or "btn-secondary")
        if node.get("special") == "cancel":
            return Markup("<a class=\"{}\" href=\"{}\" data-special=\"cancel\">{}</a>").format(
                css, self.values.get("__back__", "/web"), label)
        kind = node.get("type") or "object"
        if kind not in ("object", "action") or not node.get("name"):
            return Markup("")
        return Markup("<button type=\"submit\" class=\"{}\" name=\"_button\" value=\"{}:{}\"{}>{}</button>").format(
            css, kind, node.get("name"),
            Markup(" data-confirm=\"{}\"").format(node.get("confirm")) if node.get("confirm") else Markup(""),
            label)

    def render_field(self, node, with_label: bool) -> Markup:
        name = node.get("name")
        field = self.model._fields.get(name)
        if field is None:
            return Markup("<span class=\"o_error\">{}</span>").format(_("unknown field %s", name))
        readonly = self.field_readonly(node, field)
        required = self.field_required(node, field) and not readonly
        if field.type == "one2many" or (field.type == "many2many" and node.find("list") is not None):
            widget = self.render_x2many_list(node, field)
        else:
            has_value = self.submitted is not None and (name in self.submitted or field.type == "boolean")
            if field.type == "many2many" and self.submitted is not None:
                value = self.submitted.getlist(name)
                has_value = True
            else:
                value = self.submitted.get(name) if has_value else None
            if not has_value and self.record is None and self.values.get(name) not in (None, False):
                value, has_value = self.values[name], True  # a new record shows its defaults
                if field.type == "datetime" and not readonly:
                    value = widgets.input_text(self.env, value)  # stored UTC -> the user's zone
            if widgets.is_password(field, node):
                value, has_value = None, False
            source = self.related_source(field) if readonly and self.record is None else None
            if source is not None:
                widget = widgets.edit_input(self.env, source[0], source[1], node, True, False)
            elif readonly and self.record is None and has_value:
                widget = widgets.default_display(self.env, field, value)
            else:
                widget = widgets.edit_input(self.env, self.record, field, node, readonly, required,
                                            value=value, has_value=has_value)
        error = self.field_errors.get(name)
        error_html = Markup("<div class=\"o_field_error\">{}</div>").format(error) if error else Markup("")
        css = "o_field" + (" o_required" if required else "") + (" o_readonly" if readonly else "") + (
            " o_invalid" if error else "")
        if not with_label or node.get("nolabel") == "1":
            return Markup("<div class=\"{}\" data-name=\"{}\">{}{}</div>").format(css, name, widget, error_html)
        label = node.get("string") or widgets.label(field)
        # the field's help is the label's tooltip (and read out with the input it labels)
        help_text = node.get("help") or (translate(field.help) if getattr(field, "help", None) else "")
        tip = Markup(" title=\"{}\"").format(help_text) if help_text else Markup("")
        return Markup("<div class=\"o_field_row {}\" data-name=\"{}\"><label class=\"o_form_label{}\" "
                      "for=\"field_{}\"{}>{}</label><div class=\"o_field_widget\">{}{}</div></div>").format(
            css, name, " o_has_help" if help_text else "", name, tip, label, widget, error_html)

    def related_source(self, field):
        """``(record, field)`` a new record's related field reads, found from its defaults; or None.

        A wizard opened on an account shows the account's counts before it is saved.
        """
        path = (field.related or "").split(".")
        first = self.model._fields.get(path[0])
        start = self.values.get(path[0])
        if len(path) < 2 or first is None or first.type != "many2one" or not start:
            return None
        record = self.env[first.comodel_name].browse(int(start)).exists()
        for name in path[1:-1]:
            if len(record) != 1 or name not in record._fields:
                return None
            record = record[name]
        if len(record) != 1 or path[-1] not in record._fields:
            return None
        return record, record._fields[path[-1]]

    def render_x2many_list(self, node, field) -> Markup:
        from . import listview, views

        sub = node.find("list")
        if sub is None:
            sub = node.find("tree")
        comodel = self.env[field.comodel_name]
        if sub is None:
            sub = views.get_view(self.env, field.comodel_name, "list")
        records = self.record[field.name] if self.record else comodel
        columns = listview.columns(comodel, sub)
        return listview.render_table(comodel, columns, records, f"model:{comodel._name}", compact=True)


def _tail(node) -> str:
    """The text after an element, its whitespace kept as one space ("<b>now</b> as" stays two words)."""
    return escape(re.sub(r"\s+", " ", node.tail or ""))


def _in_groups(env, groups: str) -> bool:
    user = env.user
    return any(user.has_group(g.strip()) for g in groups.split(",") if g.strip())


def record_values(record, model, names) -> dict:
    """Values modifiers see: many2one as id, x2many as ids, empty as False."""
    values = {"id": record.id if record else False}
    for name in names:
        field = model._fields.get(name)
        if field is None:
            continue
        if not record:
            values[name] = False
            continue
        value = record[name]
        if field.type == "many2one":
            value = value.id or False
        elif field.type in ("one2many", "many2many"):
            value = value.ids
        values[name] = value
    return values
