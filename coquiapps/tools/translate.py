"""Translations: ``_()`` marks a string and returns it in the current language.

Catalogues are the ``i18n/<lang>.po`` files of installed addons, read with
babel and kept per language in memory.
"""
from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from pathlib import Path

_current_lang: contextvars.ContextVar[str] = contextvars.ContextVar("coquiapps_lang", default="en_US")
_catalogues: dict[str, dict[str, str]] = {}
_loaded: set[tuple[str, str]] = set()
_lock = threading.Lock()


def set_lang(lang: str | None):
    """Make ``lang`` the language of ``_()`` in this thread/context; returns a reset token."""
    return _current_lang.set(lang or "en_US")


def reset_lang(token) -> None:
    _current_lang.reset(token)


def current_lang() -> str:
    return _current_lang.get()


def load_po(addon_folder: Path, lang: str) -> int:
    """Merge an addon's ``i18n/<lang>.po`` (or ``<lang[:2]>.po``) into the catalogue."""
    from babel.messages.pofile import read_po

    key = (str(addon_folder), lang)
    with _lock:
        if key in _loaded:
            return 0
        _loaded.add(key)
    count = 0
    for candidate in (f"{lang}.po", f"{lang.split('_')[0]}.po"):
        path = addon_folder / "i18n" / candidate
        if path.is_file():
            with open(path, "rb") as handle:
                catalog = read_po(handle, locale=lang.split("_")[0])
            with _lock:
                target = _catalogues.setdefault(lang, {})
                for message in catalog:
                    if message.id and message.string and not message.fuzzy:
                        target[message.id] = message.string
                        count += 1
            break
    return count


def translate(source: str, lang: str | None = None) -> str:
    lang = lang or current_lang()
    if lang == "en_US":
        return source
    return _catalogues.get(lang, {}).get(source, source)


def _(source: str, *args, **kwargs) -> str:
    """Translate ``source`` to the current language, then apply %-formatting if given."""
    text = translate(source)
    if args:
        return text % args
    if kwargs:
        return text % kwargs
    return text


_ensured: set[tuple[tuple[str, ...], str]] = set()
# ``name -> folder`` of an addon; finding addons is the modules layer's, above the tools
_addon_folder: Callable[[str], Path | None] | None = None


def set_addon_locator(locate: Callable[[str], Path | None]) -> None:
    """Say how to find an addon's folder by name (:mod:`coquiapps.modules` does, once)."""
    global _addon_folder
    _addon_folder = locate


def ensure_loaded(modules, lang: str | None) -> None:
    """Load the ``lang`` catalogues of ``modules`` (installed addons) once per process.

    Install and upgrade load them too; this covers a process that starts
    serving a database installed by another one (server, cron runner).
    """
    if not lang or lang == "en_US":
        return
    key = (tuple(modules), lang)
    if key in _ensured:
        return
    if _addon_folder is None:
        raise RuntimeError("cannot load the catalogues of installed addons: no addon locator "
                           "(coquiapps.modules sets it when imported)")
    for name in modules:
        folder = _addon_folder(name)
        if folder is not None:
            load_po(Path(folder), lang)
    _ensured.add(key)


def forget(lang: str | None = None) -> None:
    """Drop loaded catalogues (all, or one language) so that the next use reads the files again."""
    with _lock:
        for key in [k for k in _loaded if lang is None or k[1] == lang]:
            _loaded.discard(key)
        for key in [k for k in _ensured if lang is None or k[1] == lang]:
            _ensured.discard(key)
        if lang is None:
            _catalogues.clear()
        else:
            _catalogues.pop(lang, None)


# Attributes of view elements that people read.
TRANSLATABLE_ATTRS = ("string", "help", "placeholder", "title", "sum", "confirm", "alt", "aria-label")


def _translated_text(text: str | None, lang: str) -> str | None:
    """``text`` translated, keeping the whitespace around it."""
    if not text or not text.strip():
        return text
    core = text.strip()
    done = translate(core, lang)
    if done == core:
        return text
    start = text.index(core)
    return text[:start] + done + text[start + len(core):]


def translate_arch(arch, lang: str | None = None):
    """A view architecture with its labels and texts in ``lang`` (default: the current language).

    ``arch`` is an XML string or an lxml element; the result has the same
    type (an element is translated in place and returned). Terms come from
    the loaded catalogues (``i18n/<lang>.po`` of the installed addons).
    """
    from lxml import etree

    lang = lang or current_lang()
    as_text = isinstance(arch, str | bytes)
    root = etree.fromstring(arch.encode() if isinstance(arch, str) else arch) if as_text else arch
    if lang != "en_US" and _catalogues.get(lang):
        for node in root.iter():
            if not isinstance(node.tag, str):
                continue
            for attr in TRANSLATABLE_ATTRS:
                if node.get(attr):
                    node.set(attr, _translated_text(node.get(attr), lang))
            if node.tag not in ("field", "xpath"):
                node.text = _translated_text(node.text, lang)
            if node is not root:
                node.tail = _translated_text(node.tail, lang)
    if as_text:
        return etree.tostring(root, encoding="unicode")
    return root
