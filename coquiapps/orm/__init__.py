"""The object-relational mapper: fields, models, environments, the registry."""
from coquiapps.orm import api, fields, models
from coquiapps.orm.commands import Command
from coquiapps.orm.environment import SUPERUSER_ID, Environment
from coquiapps.orm.exceptions import AccessError, MissingError, UserError, ValidationError
from coquiapps.orm.registry import Registry

__all__ = ["api", "fields", "models", "Command", "Environment", "SUPERUSER_ID", "Registry",
           "AccessError", "MissingError", "UserError", "ValidationError"]
