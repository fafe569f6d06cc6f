"""The arch a model is shown with: its view of the type asked, combined, or a default one."""
from __future__ import annotations

from lxml import etree

from coquiapps.tools.translate import current_lang, translate_arch

PLAIN_TYPES = ("char", "text", "integer", "float", "monetary", "boolean", "date", "datetime",
               "selection", "many2one", "html")
HIDDEN_FIELDS = ("id", "display_name", "create_uid", "create_date", "write_uid", "write_date")


def get_view(env, model: str, view_type: str, view_id: int | None = None) -> etree._Element:
    """The combined arch of ``view_id`` (or the model's first view of this type) as an element.

    Its labels are in the language of the request (``env.context['lang']``).
    """
    lang = env.context.get("lang") or current_lang()
    return translate_arch(_arch(env, model, view_type, view_id), lang)


def _arch(env, model: str, view_type: str, view_id: int | None) -> etree._Element:
    View = env["ir.ui.view"].sudo()
    view = View.browse(view_id).exists() if view_id else View.browse()
    if view and view.type not in _types(view_type):
        view = View.browse()
    if not view:
        view = View.default_view(model, view_type)
    if view:
        return etree.fromstring(view.get_combined_arch().encode())
    return default_arch(env, model, view_type)


def _types(view_type: str) -> tuple:
    return ("list", "tree") if view_type in ("list", "tree") else (view_type,)


def default_arch(env, model: str, view_type: str) -> etree._Element:
    """What Odoo would show without a view: the name in lists, every field in forms."""
    model_cls = env[model]
    rec_name = model_cls._rec_name_field()
    if view_type in ("list", "tree", "kanban", "search"):
        tag = "list" if view_type == "tree" else view_type
        root = etree.Element(tag)
        etree.SubElement(root, "field", name=rec_name if rec_name != "id" else "display_name")
        return root
    root = etree.Element("form")
    sheet = etree.SubElement(root, "sheet")
    group = etree.SubElement(sheet, "group")
    for name, field in model_cls._fields.items():
        if name in HIDDEN_FIELDS or field.type in ("one2many", "binary"):
            continue
        etree.SubElement(group, "field", name=name)
    return root


def arch_fields(arch) -> list[str]:
    """Names of the fields an arch shows (outside sub-views of x2many fields)."""
    names = []
    for node in arch.iter("field"):
        if _in_subview(node, arch):
            continue
        name = node.get("name")
        if name and name not in names:
            names.append(name)
    return names


def _in_subview(node, root) -> bool:
    parent = node.getparent()
    while parent is not None and parent is not root:
        if parent.tag == "field":
            return True
        parent = parent.getparent()
    return False
