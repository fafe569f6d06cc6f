from . import action, database, dataset, home, preferences, session  # noqa: F401
