from . import mixin, order  # noqa: F401
