from . import action, database, dataset, home, notices, preferences, session  # noqa: F401
