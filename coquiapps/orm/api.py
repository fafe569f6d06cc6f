"""Method decorators, as in Odoo: ``model``, ``depends``, ``constrains``, ``onchange``."""
from __future__ import annotations


def model(method):
    """The method works on the model, not on particular records."""
    method._api_model = True
    return method


def model_create_multi(method):
    """``create`` taking a list of value dicts (a single dict is accepted too)."""
    method._api_create_multi = True
    return method


def depends(*fields):
    """Fields (dotted paths allowed) a compute method reads; changes trigger recomputation."""

    def decorate(method):
        method._depends = tuple(f for spec in fields for f in spec.split(",") if f.strip())
        return method

    return decorate


def depends_context(*keys):
    def decorate(method):
        method._depends_context = keys
        return method

    return decorate


def constrains(*fields):
    """The method checks these fields after create/write and raises ValidationError."""

    def decorate(method):
        method._constrains = fields
        return method

    return decorate


def onchange(*fields):
    """Kept for compatibility with Odoo addons; the server-rendered client does not call it."""

    def decorate(method):
        method._onchange = fields
        return method

    return decorate


def ondelete(at_uninstall: bool = False):
    """The method is called before unlink and may refuse it."""

    def decorate(method):
        method._ondelete = at_uninstall
        return method

    return decorate
