from . import action, database, dataset, home, session  # noqa: F401
