"""Translatable strings of an addon, as ``pybabel extract`` would collect them, into a ``.pot``.

Sources: ``_("...")`` calls in the addon's Python files (babel's extractor),
field labels and helps (``fields.Char("Label", help=...)``, selection labels),
and the XML data files: view labels (``string=``, ``help=``, ``placeholder=``
...), view texts, menu names and the ``name`` of menus, actions, scheduled
actions and groups.
"""
from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_python
from lxml import etree

from coquiapps.tools.translate import TRANSLATABLE_ATTRS

NAMED_MODELS = ("ir.ui.menu", "ir.actions.act_window", "ir.actions.act_url", "ir.actions.server",
                "ir.actions.client", "ir.cron", "res.groups")
FIELD_TYPES = ("Char", "Text", "Html", "Boolean", "Integer", "Float", "Monetary", "Date", "Datetime",
               "Selection", "Many2one", "One2many", "Many2many", "Binary", "Json")


def _python_calls(path: Path, relative: str, catalog: Catalog) -> None:
    with open(path, "rb") as handle:
        for lineno, _func, message, _comments in extract_python(handle, ["_"], [], {}):
            text = message[0] if isinstance(message, tuple) else message
            if text:
                catalog.add(text, locations=[(relative, lineno)], flags=("python-format",) if "%" in text else ())


def _field_labels(path: Path, relative: str, catalog: Catalog) -> None:
    """``fields.X("Label", help="...")`` and selection labels ``[("key", "Label")]``."""
    try:
        tree = ast.parse(path.read_text(), str(path))
    except SyntaxError:
        return
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in FIELD_TYPES):
            continue
        texts = []
        # where the label sits among the positional arguments
        start = {"Many2one": 1, "One2many": 2, "Many2many": 4}.get(node.func.attr, 0)
        positional = node.args[start:start + 1]
        if node.func.attr == "Selection":
            positional = node.args[1:2]
            selection = node.args[0] if node.args else None
            if isinstance(selection, ast.Name):
                selection = _module_constant(tree, selection.id)
            if isinstance(selection, ast.List):
                for item in selection.elts:
                    if isinstance(item, ast.Tuple) and len(item.elts) == 2 and isinstance(item.elts[1], ast.Constant):
                        texts.append(item.elts[1].value)
        texts += [a.value for a in positional if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        texts += [k.value.value for k in node.keywords
                  if k.arg in ("string", "help") and isinstance(k.value, ast.Constant) and isinstance(k.value.value, str)]
        for text in texts:
            if text and text.strip():
                catalog.add(text, locations=[(relative, node.lineno)])


def _module_constant(tree: ast.Module, name: str):
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return node.value
    return None


def _arch_terms(arch, relative: str, catalog: Catalog) -> None:
    for node in arch.iter():
        if not isinstance(node.tag, str):
            continue
        for attr in TRANSLATABLE_ATTRS:
            value = (node.get(attr) or "").strip()
            if value:
                catalog.add(value, locations=[(relative, node.sourceline or 0)])
        for text in (_node_text(node), node.tail if node is not arch else None):
            if text and text.strip():
                catalog.add(text.strip(), locations=[(relative, node.sourceline or 0)])


def _node_text(node) -> str | None:
    """The text of ``node`` people read: not a field's or an xpath's, nor an ``<attribute>``'s value
    unless that attribute is a label (``invisible`` holds an expression, never a term)."""
    if node.tag in ("field", "xpath"):
        return None
    if node.tag == "attribute" and node.get("name") not in TRANSLATABLE_ATTRS:
        return None
    return node.text


def _xml_file(path: Path, relative: str, catalog: Catalog) -> None:
    root = etree.parse(str(path)).getroot()
    for menu in root.iter("menuitem"):
        if menu.get("name"):
            catalog.add(menu.get("name"), locations=[(relative, menu.sourceline)])
    for record in root.iter("record"):
        model = record.get("model")
        for field in record.findall("field"):
            if field.get("name") == "arch":
                for child in field:
                    if isinstance(child.tag, str):
                        _arch_terms(child, relative, catalog)
            elif field.get("name") == "name" and model in NAMED_MODELS and (field.text or "").strip():
                catalog.add(field.text.strip(), locations=[(relative, field.sourceline)])
            elif field.get("name") == "help" and model in NAMED_MODELS and (field.text or "").strip():
                catalog.add(field.text.strip(), locations=[(relative, field.sourceline)])


def _templates(path: Path, relative: str, catalog: Catalog) -> None:
    """``{{ _("...") }}`` and ``{% trans %}`` in Jinja templates (jinja2's babel extractor)."""
    from jinja2.ext import babel_extract

    with open(path, "rb") as handle:
        for lineno, _func, message, _comments in babel_extract(handle, ["_", "gettext"], [], {}):
            text = message[0] if isinstance(message, tuple) else message
            if text:
                catalog.add(text, locations=[(relative, lineno)])


RUNTIME = Path(__file__).resolve().parents[1]


def extract(addon_folder: Path, module: str) -> Catalog:
    """The translation template of the addon in ``addon_folder``.

    ``base`` also carries the ``_()`` strings of the runtime itself
    (``coquiapps/service``, ``coquiapps/tools``, ``coquiapps/http``).
    """
    addon_folder = Path(addon_folder)
    catalog = Catalog(project=module, version="", copyright_holder="", msgid_bugs_address="",
                      creation_date=dt.datetime(2000, 1, 1), revision_date=dt.datetime(2000, 1, 1),
                      fuzzy=False)
    for path in sorted(addon_folder.rglob("*.py")):
        relative = path.relative_to(addon_folder).as_posix()
        if relative.startswith(("tests/", "static/")) or "/tests/" in relative:
            continue
        _python_calls(path, relative, catalog)
        _field_labels(path, relative, catalog)
    if module == "base":
        for sub in ("service", "tools", "http"):
            for path in sorted((RUNTIME / sub).rglob("*.py")):
                _python_calls(path, "coquiapps/" + path.relative_to(RUNTIME).as_posix(), catalog)
    for path in sorted(addon_folder.rglob("*.html")):
        _templates(path, path.relative_to(addon_folder).as_posix(), catalog)
    for path in sorted(addon_folder.rglob("*.xml")):
        relative = path.relative_to(addon_folder).as_posix()
        if relative.startswith(("static/", "tests/")):
            continue
        _xml_file(path, relative, catalog)
    return catalog


def write_pot(addon_folder: Path, module: str, target: Path | None = None) -> tuple[Path, int]:
    """Write ``<addon>/i18n/<module>.pot``; (path, number of messages)."""
    from babel.messages.pofile import write_po

    catalog = extract(addon_folder, module)
    target = Path(target or Path(addon_folder) / "i18n" / f"{module}.pot")
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as handle:
        write_po(handle, catalog, width=100, sort_output=True, omit_header=False)
    return target, len(catalog)
