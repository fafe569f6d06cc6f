"""base: the ir.* technical models and res.* users, groups, companies and partners."""
from . import models, wizard  # noqa: F401
