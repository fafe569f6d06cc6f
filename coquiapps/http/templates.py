"""Jinja2 templates of the addons: ``"web/login.html"`` is ``<web>/templates/login.html``.

The dotted form ``"web.login"`` is accepted too. Autoescaping is always on.
"""
from __future__ import annotations

from pathlib import Path

import jinja2

HTTP_TEMPLATES = Path(__file__).parent / "templates"


class AddonLoader(jinja2.BaseLoader):
    """Finds ``<addon>/<file>`` in the ``templates`` folder of that addon."""

    def get_source(self, environment, template):
        from coquiapps.modules import discovery
        from coquiapps.tools import config

        addon, _, rest = template.partition("/")
        if addon == "http":
            folder = HTTP_TEMPLATES
        else:
            location = discovery.discover(config.current().addons_paths).get(addon)
            if location is None or not rest:
                raise jinja2.TemplateNotFound(template)
            # <addon>/templates, or <addon>/views/templates for addons keeping Odoo's folder layout
            folder = Path(location) / "templates"
            if not (folder / rest).is_file() and (Path(location) / "views" / "templates" / rest).is_file():
                folder = Path(location) / "views" / "templates"
        path = (folder / rest).resolve()
        if folder.resolve() not in path.parents or not path.is_file():
            raise jinja2.TemplateNotFound(template)
        mtime = path.stat().st_mtime
        return path.read_text(), str(path), lambda: path.exists() and path.stat().st_mtime == mtime


def normalize(name: str) -> str:
    """``web.login`` -> ``web/login.html``; other names unchanged."""
    if "/" not in name and "." in name:
        addon, _, rest = name.partition(".")
        return f"{addon}/{rest}.html"
    return name


_environment: jinja2.Environment | None = None


def environment() -> jinja2.Environment:
    """The process-wide Jinja2 environment."""
    global _environment
    if _environment is None:
        _environment = jinja2.Environment(
            loader=AddonLoader(), autoescape=True, auto_reload=True,
            trim_blocks=True, lstrip_blocks=True, undefined=jinja2.ChainableUndefined,
        )
    return _environment


def render(name: str, values: dict) -> str:
    return environment().get_template(normalize(name)).render(values)
