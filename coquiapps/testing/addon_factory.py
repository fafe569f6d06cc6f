"""Writing throw-away addons into a folder for module lifecycle tests."""
from __future__ import annotations

import itertools
import textwrap
from pathlib import Path

_counter = itertools.count()


def unique(prefix: str = "tmod") -> str:
    """A technical name no other test uses (Python keeps imported addons for the whole run)."""
    import os

    return f"{prefix}_{os.getpid()}_{next(_counter)}"


def write_addon(root: Path, name: str, manifest: dict | str, files: dict[str, str] | None = None) -> Path:
    """Create ``root/name`` with a manifest and files (paths relative to the addon)."""
    folder = Path(root) / name
    folder.mkdir(parents=True, exist_ok=True)
    text = manifest if isinstance(manifest, str) else repr({"version": "1.0", "license": "LGPL-3", **manifest})
    (folder / "__manifest__.py").write_text(text)
    files = dict(files or {})
    files.setdefault("__init__.py", "")
    for relative, content in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content).lstrip("\n"))
    return folder
