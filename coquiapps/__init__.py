"""CoquiAPPs: a compact Odoo-style ERP runtime.

Addons import their tools from here, as Odoo addons do from ``odoo``::

    from coquiapps import _, api, fields, models
    from coquiapps.exceptions import UserError
"""
from coquiapps.orm import SUPERUSER_ID, Command, api, fields, models
from coquiapps.tools.translate import _

__all__ = ["api", "fields", "models", "Command", "SUPERUSER_ID", "_"]
