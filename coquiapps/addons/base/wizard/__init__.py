from . import base_language_install, base_module_update  # noqa: F401
