from . import order, mixin  # noqa: F401
