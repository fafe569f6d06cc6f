"""CoquiAPPs: a compact Odoo-style ERP runtime.

Addons import their tools from here, as Odoo addons do from ``odoo``::

    from coquiapps import _, api, fields, models
    from coquiapps.exceptions import UserError

The layers (each imports only those below it, checked by ``make lint``): cli,
http, service, modules, orm, sql_db, tools, then exceptions and release; the
addons sit on top. Importing this package also imports the modules layer,
which plugs addon discovery into the ORM and the translations below it.
"""
import coquiapps.modules  # noqa: F401  (plugs the modules layer into the layers below)
from coquiapps.orm import SUPERUSER_ID, Command, api, fields, models
from coquiapps.tools.translate import _

__all__ = ["api", "fields", "models", "Command", "SUPERUSER_ID", "_"]
