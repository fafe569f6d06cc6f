"""Field widgets: how a value is shown, edited (HTML inputs) and read back from a form."""
from __future__ import annotations

import base64
import datetime as dt

import nh3
from markupsafe import Markup

from coquiapps.tools import locale_format
from coquiapps.tools.translate import _, current_lang, translate

from . import datetimes

M2O_SELECT_LIMIT = 100
M2M_LIMIT = 200
# what an Html field may show: text formatting only, no attributes but a link's address
SAFE_HTML_TAGS = frozenset({"p", "br", "hr", "strong", "b", "em", "i", "u", "small", "code", "pre", "span", "div",
                            "ul", "ol", "li", "h1", "h2", "h3", "h4", "blockquote", "a"})
DROPPED_HTML_TAGS = frozenset({"script", "style", "iframe", "object", "embed", "template"})
SAFE_HREF = ("http://", "https://", "mailto:", "/", "#")
SAFE_URL_SCHEMES = frozenset({"http", "https", "mailto"})
PLAIN_INTEGER_NAMES = frozenset({"id", "sequence"})


class InputError(ValueError):
    """A submitted value cannot be used for its field; the message names the field."""


def is_password(field, node=None) -> bool:
    """Password fields never show their value: ``password=True`` or ``password="True"`` in the arch."""
    flag = node.get("password") if node is not None else None
    return bool(getattr(field, "password", False)) or (flag or "").lower() in ("1", "true")


def is_plain_integer(field, node=None) -> bool:
    """Integers read as names, not quantities (ids, sequences, handles): no thousands separator.

    A view asks for the same with ``options="{'format': False}"``.
    """
    if field.name in PLAIN_INTEGER_NAMES:
        return True
    if node is None:
        return False
    if node.get("widget") == "handle":
        return True
    from coquiapps.tools.safe_eval import SafeEvalError, safe_eval

    try:
        options = safe_eval(node.get("options") or "{}", {"false": False, "true": True})
    except SafeEvalError:
        return False
    return isinstance(options, dict) and options.get("format") is False


def lang_tz(env) -> tuple[str, str]:
    """The language and time zone values are shown in (the request's, from the context)."""
    return env.context.get("lang") or current_lang(), env.context.get("tz") or "UTC"


def label(field) -> str:
    """The field's label (its ``string``) in the current language."""
    return translate(field.string or field.name)


def selection(field, record) -> list[tuple[str, str]]:
    """The field's (key, label) pairs, labels in the current language."""
    return [(key, translate(name) if isinstance(name, str) else name) for key, name in field.get_values(record)]


def display(record, field, node=None) -> str:
    """The value of ``field`` on ``record`` as plain text (for lists, cards and read-only forms).

    Dates, datetimes (in the user's time zone) and numbers follow the
    conventions of the user's language.
    """
    if is_password(field, node):
        return ""
    value = record[field.name]
    kind = field.type
    if kind == "boolean":
        return _("Yes") if value else _("No")
    if value is False or value is None:
        return ""
    lang, tz = lang_tz(record.env)
    if kind == "selection":
        return dict(selection(field, record)).get(value, str(value))
    if kind == "many2one":
        return value.sudo().display_name or ""
    if kind in ("one2many", "many2many"):
        names = value.sudo()[:6].mapped("display_name")
        return ", ".join(names[:5]) + (" ..." if len(names) > 5 else "")
    if kind in ("float", "monetary"):
        digits = getattr(field, "args", {}).get("digits")
        digits = digits[1] if isinstance(digits, tuple | list) and len(digits) == 2 else 2
        return locale_format.format_number(value, lang, digits)
    if kind == "integer":
        return str(value) if is_plain_integer(field, node) else locale_format.format_number(value, lang, 0)
    if kind == "datetime":
        return locale_format.format_datetime(value, lang, tz)
    if kind == "date":
        return locale_format.format_date(value, lang)
    if kind == "binary":
        return _("(file)") if value else ""
    return str(value)


def _attrs(**attrs) -> Markup:
    parts = []
    for key, value in attrs.items():
        if value is None or value is False:
            continue
        key = key.rstrip("_").replace("_", "-")
        parts.append(Markup(" {}").format(Markup(key)) if value is True
                     else Markup(' {}="{}"').format(Markup(key), value))
    return Markup("").join(parts)


def edit_input(env, record, field, node, readonly: bool, required: bool, value=None,
               has_value: bool = False) -> Markup:
    """The HTML input for ``field``; ``value`` (when ``has_value``) is a submitted raw value."""
    name = field.name
    widget = node.get("widget") if node is not None else None
    if readonly:
        return _readonly(record, field, node, widget)
    current = value if has_value else _raw_current(record, field)
    common = {"name": name, "id": f"field_{name}", "required": required or None,
              "aria_required": "true" if required else None}
    kind = field.type
    if is_password(field, node):
        # on a saved record an empty password keeps the stored one: required only while new
        keep = {"required": None, "aria_required": None} if record else {}
        return Markup("<input{} autocomplete=\"new-password\" placeholder=\"{}\">").format(
            _attrs(type="password", **{**common, **keep}),
            _("leave empty to keep the current value") if record else "")
    if kind == "boolean":
        checked = bool(current) and current not in ("0", "false", "")
        return Markup("<input{}><input{}>").format(
            _attrs(type="hidden", name=f"{name}__present", value="1"),
            _attrs(type="checkbox", value="1", checked=checked, **common))
    if kind in ("integer", "float", "monetary"):
        step = "1" if kind == "integer" else "any"
        return Markup("<input{}>").format(_attrs(type="number", step=step, value=_str(current), **common))
    if kind in ("text", "html", "json"):
        return Markup("<textarea{} rows=\"4\">{}</textarea>").format(_attrs(**common), _str(current))
    if kind == "date":
        return Markup("<input{}>").format(_attrs(type="date", value=_str(current)[:10], **common))
    if kind == "datetime":
        return _datetime_input(env, record, field, common, current, has_value)
    if kind == "selection":
        options = [("", "")] + [(str(k), v) for k, v in selection(field, record or env[field.model_name])]
        return _select(common, options, _str(current))
    if kind == "many2one":
        return _many2one(env, field, common, current)
    if kind == "many2many":
        return _many2many(env, field, common, current)
    if kind == "binary":
        stored = binary_link(record, field, node) if record and record[name] else ""
        return Markup("<input{}>{}").format(_attrs(type="file", name=name, id=common["id"]), stored)
    if kind == "one2many":
        return _readonly(record, field, node, widget)
    return Markup("<input{}>").format(_attrs(type="text", value=_str(current), **common))


def _datetime_input(env, record, field, common, current, has_value) -> Markup:
    """A datetime typed in the user's zone, to the second (``step=1``), the zone named beside it.

    ``<name>__shown`` carries the value as rendered, so a save that did not
    touch it leaves the stored value (and its microseconds) alone.
    """
    tz = lang_tz(env)[1]
    text = input_text(env, current) if not has_value or not isinstance(current, str) else current
    shown = Markup("")
    if record and record[field.name]:
        shown = Markup("<input{}>").format(_attrs(type="hidden", name=f"{field.name}__shown",
                                                   value=datetimes.to_input(record[field.name], tz)))
    return Markup("<input{}>{}<span class=\"o_muted o_tz_hint\">{}</span>").format(
        _attrs(type="datetime-local", step="1", value=text, **common), shown, tz)


def input_text(env, value) -> str:
    """A stored datetime (naive UTC, or its ``YYYY-MM-DD HH:MM:SS`` text) as the input shows it."""
    if value is None or value is False or value == "":
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return datetimes.to_input(value, lang_tz(env)[1])


def _str(value) -> str:
    if value is None or value is False:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def _raw_current(record, field):
    if not record:
        return None
    value = record[field.name]
    if field.type == "many2one":
        return value.id or ""
    if field.type in ("many2many", "one2many"):
        return value.ids
    if field.type == "binary":
        return None
    return value


def _select(common, options, current) -> Markup:
    items = Markup("").join(
        Markup("<option{}>{}</option>").format(_attrs(value=key, selected=key == current), label)
        for key, label in options)
    return Markup("<select{}>{}</select>").format(_attrs(**common), items)


def _many2one(env, field, common, current) -> Markup:
    comodel = env[field.comodel_name]
    current_id = int(current) if str(current or "").isdigit() else None
    if comodel.search_count([]) <= M2O_SELECT_LIMIT:
        options = [("", "")] + [(str(i), n) for i, n in comodel.name_search("", limit=M2O_SELECT_LIMIT)]
        if current_id and str(current_id) not in dict(options):
            options.append((str(current_id), comodel.browse(current_id).sudo().display_name))
        return _select(common, options, str(current_id or ""))
    label = comodel.browse(current_id).sudo().display_name if current_id else ""
    return Markup("<input{}><input{}>").format(
        _attrs(type="hidden", name=common["name"], value=current_id or ""),
        _attrs(type="search", name=f"{common['name']}__name", id=common["id"], value=label,
               placeholder=_("Type a name to search..."), required=common["required"]))


def _many2many(env, field, common, current) -> Markup:
    comodel = env[field.comodel_name]
    chosen = {int(i) for i in (current or []) if str(i).isdigit()}
    options = comodel.name_search("", limit=M2M_LIMIT)
    known = {i for i, _name in options}
    options += [(r.id, r.display_name) for r in comodel.browse(sorted(chosen - known)).sudo()]
    boxes = Markup("").join(
        Markup("<label class=\"o_tag_choice\"><input{}> {}</label>").format(
            _attrs(type="checkbox", name=common["name"], value=str(i), checked=i in chosen), label)
        for i, label in options)
    hidden = Markup("<input{}>").format(_attrs(type="hidden", name=f"{common['name']}__present", value="1"))
    return Markup("<div class=\"o_many2many_tags_edit\" id=\"{}\">{}{}</div>").format(common["id"], hidden, boxes)


def default_display(env, field, value) -> Markup:
    """A read-only default of a record not created yet (e.g. a wizard's account)."""
    if field.type == "many2one" and value:
        text = env[field.comodel_name].browse(int(value)).sudo().display_name
    elif field.type == "selection":
        text = dict(selection(field, env[field.model_name])).get(value, value)
    elif field.type == "datetime" and value:
        text = locale_format.format_datetime(value, *lang_tz(env))
    else:
        text = value
    return Markup("<span class=\"o_field_readonly\">{}</span>").format(text)


def _readonly(record, field, node, widget) -> Markup:
    if not record:
        return Markup("<span class=\"o_field_readonly\"></span>")
    if widget == "many2many_tags" or field.type == "many2many":
        tags = Markup("").join(Markup("<span class=\"o_tag\">{}</span>").format(r.display_name)
                               for r in record[field.name].sudo())
        return Markup("<span class=\"o_field_tags\">{}</span>").format(tags)
    if field.type == "binary" or (field.type == "many2one" and field.comodel_name == "ir.attachment"):
        return binary_link(record, field, node)
    if field.type == "many2one" and record[field.name]:
        target = record[field.name]
        return Markup("<a class=\"o_field_many2one\" href=\"/web/action/model:{}/{}\">{}</a>").format(
            target._name, target.id, target.sudo().display_name)
    text = display(record, field, node)
    if widget == "CopyClipboardChar":
        target = f"copy_{field.name}_{record.id}"
        return Markup("<span class=\"o_field_copy\"><code id=\"{}\">{}</code> "
                      "<button type=\"button\" class=\"o_btn\" data-copy=\"{}\">{}</button></span>").format(
            target, text, target, _("Copy"))
    if field.type == "html":
        return Markup("<div class=\"o_field_html\">{}</div>").format(safe_html(record[field.name]))
    if field.type == "text":
        return Markup("<div class=\"o_field_text\">{}</div>").format(text)
    return Markup("<span class=\"o_field_readonly\">{}</span>").format(text)


def binary_link(record, field, node=None) -> Markup:
    """A file to download: its name and size, linked to ``/web/content`` (empty when no file).

    ``field`` is a Binary field (named by the field in the node's ``filename``
    attribute) or a many2one to ``ir.attachment``.
    """
    if field.type == "many2one":
        attachment = record[field.name]
        if not attachment:
            return Markup("")
        attachment = attachment.sudo()  # the route checks access; the name and size come with the link
        url, name, size = f"/web/content/{attachment.id}?download=true", attachment.name, attachment.file_size
    else:
        data = record[field.name]
        if not data:
            return Markup("")
        filename_field = node.get("filename") if node is not None else None
        if filename_field not in record._fields:
            filename_field = None
        name = (record[filename_field] if filename_field else None) or label(field)
        url = f"/web/content/{record._name}/{record.id}/{field.name}?download=true" + (
            f"&filename_field={filename_field}" if filename_field else "")
        size = len(data)
    return Markup("<a class=\"o_field_binary o_download\" href=\"{}\" download>{}</a> "
                  "<span class=\"o_muted o_file_size\">({})</span>").format(url, name, file_size(size))


def file_size(size: int) -> str:
    """``532 bytes``, ``1.2 kB``, ``3.4 MB`` in the user's number format."""
    lang = current_lang()
    if size < 1000:
        return _("%s bytes") % locale_format.format_number(size, lang, 0)
    for unit in ("kB", "MB", "GB"):
        size /= 1000
        if size < 1000 or unit == "GB":
            return f"{locale_format.format_number(size, lang, 1)} {unit}"
    return ""


def safe_html(value) -> Markup:
    """The value of an Html field as HTML to show: formatting tags kept, anything active dropped.

    Tags outside :data:`SAFE_HTML_TAGS` give their text only (scripts and
    the like not even that), attributes are dropped except a link's plain
    address, so stored HTML shows as formatted text and never runs.
    """
    if not value:
        return Markup("")
    cleaned = nh3.clean(
        str(value), tags=SAFE_HTML_TAGS, clean_content_tags=DROPPED_HTML_TAGS, attributes={"a": {"href"}},
        attribute_filter=_safe_attribute, url_schemes=SAFE_URL_SCHEMES, link_rel="noopener noreferrer",
    )
    # a link whose address was dropped is plain text: no rel to announce
    return Markup(cleaned.replace('<a rel="noopener noreferrer">', "<a>"))


def _safe_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Only a link's address starting as :data:`SAFE_HREF` says (relative links only from ``/`` or ``#``)."""
    if tag == "a" and attribute == "rel":
        return value  # the link_rel nh3 adds passes through this filter too
    return value if tag == "a" and attribute == "href" and value.strip().startswith(SAFE_HREF) else None


def parse(env, field, form, files, node=None):
    """``(present, value)``: the submitted value of ``field`` converted for write()/create()."""
    name = field.name
    kind = field.type
    if kind == "boolean":
        if name not in form and f"{name}__present" not in form:
            return False, None  # an unchecked box is only known by its marker
        return True, form.get(name) in ("1", "on", "true")
    if kind == "many2many":
        if name not in form and f"{name}__present" not in form:
            return False, None
        ids = [int(v) for v in form.getlist(name) if v.isdigit()]
        return True, [(6, 0, ids)]
    if kind == "binary":
        upload = files.get(name)
        if not upload or not upload.filename:
            return False, None
        return True, base64.b64encode(upload.read()).decode()
    if kind == "many2one":
        typed = form.get(f"{name}__name")
        raw = form.get(name, "")
        if typed is not None:
            current = env[field.comodel_name].browse(int(raw)) if raw.isdigit() else None
            if not typed.strip():
                return True, False
            if current and current.sudo().display_name == typed:
                return True, current.id
            found = env[field.comodel_name].name_search(typed.strip(), limit=2)
            if len(found) != 1:
                message = (_("%(field)s: no record matches %(typed)r") if not found
                           else _("%(field)s: several records match %(typed)r"))
                raise InputError(message % {"field": label(field), "typed": typed})
            return True, found[0][0]
        if name not in form:
            return False, None
        return True, int(raw) if raw.isdigit() else False
    if name not in form:
        return False, None
    raw = form.get(name, "")
    if is_password(field, node):
        return (True, raw) if raw else (False, None)
    if kind == "integer":
        return True, _number(field, raw, int)
    if kind in ("float", "monetary"):
        return True, _number(field, raw, float)
    if kind in ("date", "datetime", "selection", "char", "text", "html") and raw == "":
        return True, False
    if kind == "datetime":
        if raw == form.get(f"{name}__shown"):
            return False, None  # not touched: the stored value stays, to the microsecond
        try:
            return True, datetimes.from_input(raw, lang_tz(env)[1]).strftime("%Y-%m-%d %H:%M:%S")
        except ValueError as exc:
            raise InputError(_("%(field)s: %(error)s", field=label(field), error=exc)) from None
    if kind == "json":
        import json

        try:
            return True, json.loads(raw) if raw.strip() else False
        except ValueError as exc:
            raise InputError(_("%(field)s: not valid JSON (%(error)s)", field=label(field), error=exc)) from exc
    return True, raw


def _number(field, raw: str, kind):
    if raw.strip() == "":
        return 0 if field.required else False
    try:
        return kind(raw.replace(",", "")) if kind is float else int(raw)
    except ValueError:
        raise InputError(_("%(field)s: %(value)r is not a number", field=label(field), value=raw)) from None
