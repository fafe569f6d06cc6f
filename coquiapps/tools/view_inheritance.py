"""Odoo view inheritance: applying an inheriting view's specs to a parent arch.

An inheriting view's arch is either a single spec element or a ``<data>`` root
holding several (``<data>`` may nest). Each spec locates one node of the parent:

* ``<xpath expr="..."/>``: the first element the XPath expression selects;
* ``<field name="x"/>``: the first ``field`` element named ``x``;
* any other ``<tag a="v" .../>``: the first ``tag`` element carrying all those
  attributes with those values (``position`` is not compared).

and then acts according to its ``position`` (default ``inside``): ``inside``
appends the spec's children, ``before``/``after`` inserts them next to the node,
``replace`` puts them in its place (``mode="inner"`` replaces only its
content), and ``attributes`` applies its ``<attribute name="a">value</attribute>``
children (empty text removes the attribute; ``add=``/``remove=`` with an
optional ``separator=`` edit a list-valued attribute). A spec child carrying
``position="move"`` is itself a spec: the node it locates is moved there.
"""
from __future__ import annotations

import copy
from collections.abc import Iterator
from xml.sax.saxutils import quoteattr

from lxml import etree

__all__ = ["ViewInheritanceError", "apply_inheritance", "combine", "describe_spec"]

POSITIONS = ("inside", "after", "before", "replace", "attributes")


class ViewInheritanceError(ValueError):
    """An inheriting view's spec cannot be applied to its parent view."""


def describe_spec(spec: etree._Element) -> str:
    """The spec's start tag, e.g. ``<xpath expr="//field[@name='foo']" position="after">``."""
    attrs = "".join(f" {name}={quoteattr(value)}" for name, value in spec.attrib.items())
    return f"<{spec.tag}{attrs}>"


def apply_inheritance(
    base: etree._Element, spec_root: etree._Element, view_name: str
) -> etree._Element:
    """Return a new tree: ``base`` modified by the specs of the inheriting view's arch.

    Neither argument is modified. Specs apply in document order, each one on the
    result of the previous ones. Raises :class:`ViewInheritanceError` naming
    ``view_name`` and the spec when a spec matches nothing or is malformed.
    """
    result = copy.deepcopy(base)
    specs = copy.deepcopy(spec_root)  # spec children are moved into the result
    for spec in _iter_specs(specs):
        result = _apply_spec(result, spec, view_name)
    return result


def combine(
    base_arch: str, inherited_archs: list[tuple[str, str]], base_name: str = "base view"
) -> str:
    """Apply the ``(view_name, arch)`` inheriting views in order to ``base_arch``; return XML."""
    tree = _parse(base_arch, base_name)
    for view_name, arch in inherited_archs:
        tree = apply_inheritance(tree, _parse(arch, view_name), view_name)
    return etree.tostring(tree, encoding="unicode")


def _parse(arch: str, view_name: str) -> etree._Element:
    try:
        return etree.fromstring(arch.encode() if isinstance(arch, str) else arch)
    except etree.XMLSyntaxError as exc:
        raise ViewInheritanceError(f"{view_name}: invalid XML: {exc}") from exc


def _iter_specs(root: etree._Element) -> Iterator[etree._Element]:
    """The specs of an arch in document order, ``<data>`` wrappers (nested or not) unwrapped."""
    if not isinstance(root.tag, str):  # comments, processing instructions
        return
    if root.tag == "data":
        for child in list(root):
            yield from _iter_specs(child)
    else:
        yield root


def _error(view_name: str, spec: etree._Element, problem: str) -> ViewInheritanceError:
    return ViewInheritanceError(f"{view_name}: element {describe_spec(spec)} {problem}")


def _locate(tree: etree._Element, spec: etree._Element, view_name: str) -> etree._Element:
    """The node of ``tree`` that ``spec`` designates (Odoo's matching rules)."""
    if spec.tag == "xpath":
        try:
            found = tree.xpath(spec.get("expr", ""))
        except etree.XPathError as exc:
            raise _error(view_name, spec, f"has an invalid expression: {exc}") from exc
        if not isinstance(found, list):
            raise _error(view_name, spec, "does not select an element")
        node = next((item for item in found if isinstance(item, etree._Element)), None)
    elif spec.tag == "field":
        node = next((n for n in tree.iter("field") if n.get("name") == spec.get("name")), None)
    else:
        wanted = {k: v for k, v in spec.attrib.items() if k not in ("position", "version")}
        node = next(
            (n for n in tree.iter(spec.tag) if all(n.get(k) == v for k, v in wanted.items())),
            None,
        )
    if node is None:
        raise _error(view_name, spec, "cannot be located in parent view")
    return node


def _apply_spec(tree: etree._Element, spec: etree._Element, view_name: str) -> etree._Element:
    """Apply one spec to ``tree``; return the tree's root (new when the root is replaced)."""
    position = spec.get("position", "inside")
    if position not in POSITIONS:
        raise _error(view_name, spec, f"has an unknown position {position!r}")
    node = _locate(tree, spec, view_name)
    if position == "attributes":
        _set_attributes(node, spec, view_name)
        return tree
    content = [_take(tree, child, view_name) for child in spec]
    if position == "inside":
        _add_text_inside(node, spec.text)
        node.extend(content)
    elif position == "before":
        _add_text_before(node, spec.text)
        for child in content:
            node.addprevious(child)
    elif position == "after":
        # Insert before a placeholder right after the node, so the node keeps its tail.
        marker = etree.Element("marker")
        node.addnext(marker)
        marker.tail, node.tail = node.tail, None
        _add_text_before(marker, spec.text)
        for child in content:
            marker.addprevious(child)
        _remove(marker)
    elif spec.get("mode", "outer") == "inner":
        for child in list(node):
            node.remove(child)
        node.text = spec.text
        node.extend(content)
    elif spec.get("mode", "outer") != "outer":
        raise _error(view_name, spec, f"has an unknown mode {spec.get('mode')!r}")
    elif node.getparent() is None:
        elements = [child for child in content if isinstance(child.tag, str)]
        if len(elements) != 1:
            raise _error(view_name, spec, "must hold exactly one element to replace the root")
        elements[0].tail = None
        return elements[0]
    else:
        for child in content:
            node.addprevious(child)
        _remove(node)
    return tree


def _take(tree: etree._Element, child: etree._Element, view_name: str) -> etree._Element:
    """A spec child, or for ``position="move"`` the node of ``tree`` it locates, detached."""
    if child.get("position") != "move":
        return child
    moved = _locate(tree, child, view_name)
    if moved.getparent() is None:
        raise _error(view_name, child, "cannot move the root element")
    tail = child.tail
    _remove(moved)
    moved.tail = tail
    return moved


def _set_attributes(node: etree._Element, spec: etree._Element, view_name: str) -> None:
    for child in spec:
        if not isinstance(child.tag, str):
            continue
        name = child.get("name")
        if child.tag != "attribute" or not name:
            raise _error(view_name, spec, "may only hold <attribute name=...> elements")
        value = child.text or ""
        if child.get("add") or child.get("remove"):
            separator = child.get("separator", ",")
            split = separator if separator.strip() else None  # " " splits on any whitespace
            to_remove = {s.strip() for s in child.get("remove", "").split(split)}
            kept = [s.strip() for s in node.get(name, "").split(split)]
            added = [s.strip() for s in child.get("add", "").split(split)]
            values = [s for s in kept if s and s not in to_remove] + [s for s in added if s]
            value = (separator if split else " ").join(values)
        if value:
            node.set(name, value)
        else:
            node.attrib.pop(name, None)


def _add_text_before(node: etree._Element, text: str | None) -> None:
    """Append ``text`` to whatever text precedes ``node`` (previous tail or parent's text)."""
    if not text:
        return
    previous = node.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + text
    else:
        parent = node.getparent()
        parent.text = (parent.text or "") + text


def _add_text_inside(node: etree._Element, text: str | None) -> None:
    """Append ``text`` at the end of ``node``'s content."""
    if not text:
        return
    if len(node):
        node[-1].tail = (node[-1].tail or "") + text
    else:
        node.text = (node.text or "") + text


def _remove(node: etree._Element) -> None:
    """Detach ``node`` from its parent, keeping its tail text in place."""
    _add_text_before(node, node.tail)
    node.tail = None
    node.getparent().remove(node)
