from . import base_module_update  # noqa: F401
