"""Translations: ``_()`` marks a string and returns it in the current language.

Catalogues are the ``i18n/<lang>.po`` files of installed addons, read with
babel and kept per language in memory.
"""
from __future__ import annotations

import contextvars
import threading
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
